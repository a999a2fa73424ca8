/// Turning a ``PanelGrid`` into SVG.
extension PanelGrid {
  static let titleHeight = 34.0
  static let legendGap = 14.0

  /// The grid as a standalone SVG 1.1 document; each panel is `panelWidth` × `panelHeight` px,
  /// the shared legend (if any) adds a column on the right.
  ///
  /// Deterministic: equal grids give byte-identical strings.
  public func render(panelWidth: Double = 340, panelHeight: Double = 260) -> String {
    let rows = (panels.count + columns - 1) / columns
    let usedColumns = min(columns, max(1, panels.count))
    let top = title.isEmpty ? 0 : Self.titleHeight
    let sharedOrder = Palette.slots(
      for: panels.flatMap(\.colorKeys), preferredOrder: colorOrder
    ).sorted { $0.value < $1.value }.map(\.key)
    let entries = panels.flatMap { $0.legendEntries(colorOrder: sharedOrder) }.deduplicated
    let legend = LegendBlock(
      sharedLegend ? entries : [], placement: .right, maxWidth: 320,
      maxHeight: max(panelHeight, Double(rows) * panelHeight) - 20)
    let width =
      Double(usedColumns) * panelWidth + (legend.isEmpty ? 0 : legend.width + 2 * Self.legendGap)
    let height = top + Double(rows) * panelHeight + (rows == 0 ? 40 : 0)

    var canvas = SVGCanvas()
    if !title.isEmpty {
      canvas.text(
        title, at: Point(x: width / 2, y: 24),
        style: TextStyle(size: 16, anchor: .middle, isBold: true), class: "title")
    }
    for (index, panel) in panels.enumerated() {
      let bounds = Rect(
        x: Double(index % columns) * panelWidth, y: top + Double(index / columns) * panelHeight,
        width: panelWidth, height: panelHeight)
      var attributes = SVGAttributes()
      attributes.add("class", "panel")
      canvas.group(attributes) { canvas in
        panel.draw(
          in: bounds, on: &canvas, legendPlacement: sharedLegend ? .hidden : panel.placement,
          colorOrder: sharedOrder)
      }
    }
    legend.draw(
      at: Point(x: Double(usedColumns) * panelWidth + Self.legendGap, y: top + 12), on: &canvas)
    return SVGDocument.render(
      width: width, height: height, title: title.isEmpty ? "Panels" : title, canvas: canvas)
  }
}
