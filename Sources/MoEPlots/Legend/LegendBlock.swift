/// A laid-out legend: entries positioned in a column (right) or wrapped rows (bottom).
struct LegendBlock {
  static let fontSize = 11.0
  static let rowHeight = 17.0
  static let swatchWidth = 24.0
  static let labelGap = 6.0
  static let columnGap = 16.0
  /// Labels in a right-hand column longer than this (px) are truncated with "…".
  static let maxColumnLabelWidth = 320.0

  /// Each entry with the top-left corner of its row, relative to the legend's origin.
  private(set) var items: [(entry: LegendEntry, offset: Point)] = []
  private(set) var width = 0.0
  private(set) var height = 0.0

  /// Lays out `entries`; a column longer than `maxHeight` ends with "… and N more".
  ///
  /// Labels are truncated to fit `maxWidth` (and, in a column, ``maxColumnLabelWidth``).
  init(_ entries: [LegendEntry], placement: LegendPlacement, maxWidth: Double, maxHeight: Double) {
    let shown = entries.map { entry in
      var entry = entry
      entry.label = TextMetrics.truncated(
        entry.label,
        toWidth: (placement == .right ? min(Self.maxColumnLabelWidth, maxWidth) : maxWidth)
          - Self.swatchWidth - Self.labelGap,
        fontSize: Self.fontSize)
      return entry
    }
    switch placement {
    case .hidden: break
    case .right: layOutColumn(shown, maxHeight: maxHeight)
    case .bottom: layOutRows(shown, maxWidth: maxWidth)
    }
  }

  var isEmpty: Bool { items.isEmpty }

  private static func itemWidth(_ entry: LegendEntry) -> Double {
    swatchWidth + labelGap + TextMetrics.width(of: entry.label, fontSize: fontSize)
  }

  private mutating func layOutColumn(_ entries: [LegendEntry], maxHeight: Double) {
    let capacity = max(1, Int(maxHeight / Self.rowHeight))
    var column = entries
    if entries.count > capacity {
      let hidden = entries.count - (capacity - 1)
      column = Array(entries.prefix(capacity - 1))
      column.append(LegendEntry(label: "… and \(hidden) more", swatch: .none))
    }
    for (row, entry) in column.enumerated() {
      items.append((entry, Point(x: 0, y: Double(row) * Self.rowHeight)))
      width = max(width, Self.itemWidth(entry))
    }
    height = Double(column.count) * Self.rowHeight
  }

  private mutating func layOutRows(_ entries: [LegendEntry], maxWidth: Double) {
    var cursor = Point(x: 0, y: 0)
    for entry in entries {
      let entryWidth = Self.itemWidth(entry)
      if cursor.x > 0 && cursor.x + entryWidth > maxWidth {
        cursor = Point(x: 0, y: cursor.y + Self.rowHeight)
      }
      items.append((entry, cursor))
      width = max(width, cursor.x + entryWidth)
      cursor.x += entryWidth + Self.columnGap
    }
    height = items.isEmpty ? 0 : cursor.y + Self.rowHeight
  }

  /// Draws the legend with its top-left corner at `origin`.
  func draw(at origin: Point, on canvas: inout SVGCanvas) {
    guard !items.isEmpty else { return }
    var attributes = SVGAttributes()
    attributes.add("class", "legend")
    canvas.group(attributes) { canvas in
      for (entry, offset) in items {
        let middle = Point(x: origin.x + offset.x, y: origin.y + offset.y + Self.rowHeight / 2)
        var entryAttributes = SVGAttributes()
        entryAttributes.add("class", "legend-entry")
        canvas.group(entryAttributes) { canvas in
          Self.drawSwatch(entry.swatch, leftMiddle: middle, on: &canvas)
          canvas.text(
            entry.label,
            at: Point(x: middle.x + Self.swatchWidth + Self.labelGap, y: middle.y + 4),
            style: TextStyle(size: Self.fontSize, isItalic: entry.swatch == .none),
            class: "legend-label")
        }
      }
    }
  }

  private static func drawSwatch(
    _ swatch: LegendEntry.Swatch, leftMiddle p: Point, on canvas: inout SVGCanvas
  ) {
    let center = Point(x: p.x + swatchWidth / 2, y: p.y)
    switch swatch {
    case .line(var stroke):
      stroke.opacity = 1
      stroke.width = max(stroke.width, 2)
      canvas.line(from: p, to: Point(x: p.x + swatchWidth, y: p.y), stroke: stroke)
    case .marker(let shape, let color, let filled):
      canvas.marker(shape, at: center, size: 9, color: color, filled: filled)
    case .errorBars(let color):
      let stroke = Stroke(color: color, width: 1.2)
      canvas.line(
        from: Point(x: center.x - 9, y: center.y), to: Point(x: center.x + 9, y: center.y),
        stroke: stroke)
      canvas.line(
        from: Point(x: center.x, y: center.y - 6), to: Point(x: center.x, y: center.y + 6),
        stroke: stroke)
      canvas.marker(.circle, at: center, size: 6, color: color)
    case .none:
      break
    }
  }
}
