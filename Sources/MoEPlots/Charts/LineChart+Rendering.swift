/// Turning a ``LineChart`` into SVG.
extension LineChart {
  /// The chart as a standalone SVG 1.1 document of `width` × `height` px.
  ///
  /// Deterministic: equal charts give byte-identical strings.
  public func render(width: Double = 720, height: Double = 440) -> String {
    var canvas = SVGCanvas()
    draw(
      in: Rect(x: 0, y: 0, width: width, height: height), on: &canvas,
      legendPlacement: legendPlacement, colorOrder: colorOrder)
    return SVGDocument.render(
      width: width, height: height, title: title.isEmpty ? "Line chart" : title, canvas: canvas)
  }

  /// One stroke per series name: palette colour and dash by slot; width and opacity by how
  /// many series share the name (1 → 1.8 px opaque; 100 → 0.8 px at 25 %).
  func strokes(colorOrder: [String]) -> [String: Stroke] {
    let slots = Palette.slots(for: series.map(\.name), preferredOrder: colorOrder)
    var counts: [String: Int] = [:]
    for line in series { counts[line.name, default: 0] += 1 }
    var strokes: [String: Stroke] = [:]
    for (name, count) in counts {
      let slot = slots[name]!
      let width = count == 1 ? 1.8 : count <= 5 ? 1.4 : count <= 20 ? 1.0 : 0.8
      let opacity = count == 1 ? 1 : min(0.85, max(0.25, 1.6 / Double(count).squareRoot()))
      strokes[name] = Stroke(
        color: Palette.color(at: slot), width: width, opacity: opacity,
        dash: Palette.dashPattern(at: slot))
    }
    return strokes
  }

  /// One entry per series name (in palette order), then one per marker meaning.
  func legendEntries(colorOrder: [String]) -> [LegendEntry] {
    let strokes = strokes(colorOrder: colorOrder)
    let slots = Palette.slots(for: series.map(\.name), preferredOrder: colorOrder)
    let names = strokes.keys.sorted { slots[$0]! < slots[$1]! }
    let lines = names.map { LegendEntry(label: $0, swatch: .line(strokes[$0]!)) }
    let marks = markers.map {
      LegendEntry(label: $0.meaning, swatch: .marker($0.shape, .ink, filled: true))
    }
    return (lines + marks).deduplicated
  }

  func draw(
    in bounds: Rect, on canvas: inout SVGCanvas, legendPlacement: LegendPlacement,
    colorOrder: [String]
  ) {
    let drawable = series.flatMap { line in
      zip(line.x, line.y).filter { $0.1.isFinite && (yAxis.scale == .linear || $0.1 > 0) }
    }
    let frame = CartesianFrame(
      bounds: bounds, title: title, xAxis: xAxis, xValues: drawable.map(\.0) + markers.map(\.x),
      yAxis: yAxis,
      yValues: drawable.map(\.1) + markers.map(\.y) + referenceLines.map(\.y),
      legendEntries: legendEntries(colorOrder: colorOrder), legendPlacement: legendPlacement)
    let strokes = strokes(colorOrder: colorOrder)
    frame.drawGrid(on: &canvas)

    var clipped = SVGAttributes()
    clipped.add("clip-path", frame.clipToPlot(on: &canvas))
    canvas.group(clipped) { canvas in
      drawReferenceLines(frame, on: &canvas)
      for line in series {
        drawSeries(line, stroke: strokes[line.name]!, frame: frame, on: &canvas)
      }
    }
    let dataPoints =
      referenceLines.isEmpty
      ? []
      : drawable.compactMap {
        frame.position(x: $0.0, y: $0.1)
      }
    drawReferenceLabels(frame, dataPoints: dataPoints, on: &canvas)
    drawMarkers(frame, strokes: strokes, on: &canvas)
    if drawable.isEmpty {
      canvas.text(
        "no finite data", at: frame.plot.center,
        style: TextStyle(size: 12, color: .mutedInk, anchor: .middle, isItalic: true),
        class: "note")
    }
    frame.drawAxes(xTitle: xAxis.title, yTitle: yAxis.title, title: title, on: &canvas)
  }

  private func drawSeries(
    _ line: Series, stroke: Stroke, frame: CartesianFrame, on canvas: inout SVGCanvas
  ) {
    let points = zip(line.x, line.y).map { frame.position(x: $0, y: $1) }
    let (data, isolated) = PathData.brokenLine(through: points)
    var attributes = SVGAttributes()
    attributes.add("class", "series")
    canvas.group(attributes, tooltip: line.tooltip ?? line.name) { canvas in
      canvas.path(data, stroke: stroke)
      for point in isolated {
        canvas.circle(
          center: point, radius: max(1.5, stroke.width), fill: stroke.color,
          fillOpacity: stroke.opacity)
      }
    }
  }

  private func drawReferenceLines(_ frame: CartesianFrame, on canvas: inout SVGCanvas) {
    for reference in referenceLines {
      guard let fy = frame.y.fraction(of: reference.y) else { continue }
      let py = frame.pixelY(fy)
      canvas.line(
        from: Point(x: frame.plot.minX, y: py), to: Point(x: frame.plot.maxX, y: py),
        stroke: Stroke(color: .mutedInk, width: 1.2, dash: [5, 4]), class: "reference-line")
    }
  }

  /// Each label goes above or below its line, at the right or left end, wherever it covers
  /// the fewest data points (ties: above right, below right, above left, below left).
  private func drawReferenceLabels(
    _ frame: CartesianFrame, dataPoints: [Point], on canvas: inout SVGCanvas
  ) {
    let size = 11.0
    for reference in referenceLines {
      guard let fy = frame.y.fraction(of: reference.y), (0...1).contains(fy) else { continue }
      let py = frame.pixelY(fy)
      let width = TextMetrics.width(of: reference.label, fontSize: size)
      let candidates = [
        (anchor: TextStyle.Anchor.end, x: frame.plot.maxX - 5, baseline: py - 5),
        (anchor: .end, x: frame.plot.maxX - 5, baseline: py + 14),
        (anchor: .start, x: frame.plot.minX + 5, baseline: py - 5),
        (anchor: .start, x: frame.plot.minX + 5, baseline: py + 14),
      ]
      let scored = candidates.map { candidate in
        let left = candidate.anchor == .end ? candidate.x - width : candidate.x
        let box = Rect(x: left, y: candidate.baseline - 0.8 * size, width: width, height: size)
        let covered = dataPoints.lazy.filter {
          $0.x >= box.minX - 2 && $0.x <= box.maxX + 2 && $0.y >= box.minY - 2
            && $0.y <= box.maxY + 2
        }.count
        return (candidate, covered: frame.plot.contains(box) ? covered : Int.max)
      }
      let best = scored.min { $0.covered < $1.covered }!.0
      canvas.text(
        reference.label, at: Point(x: best.x, y: best.baseline),
        style: TextStyle(size: size, color: .mutedInk, anchor: best.anchor, hasHalo: true),
        class: "reference-label")
    }
  }

  /// Markers inside the domain, coloured like their series, on top of all lines.
  private func drawMarkers(
    _ frame: CartesianFrame, strokes: [String: Stroke], on canvas: inout SVGCanvas
  ) {
    guard !markers.isEmpty else { return }
    var attributes = SVGAttributes()
    attributes.add("class", "markers")
    canvas.group(attributes) { canvas in
      for marker in markers {
        guard let fx = frame.x.fraction(of: marker.x), let fy = frame.y.fraction(of: marker.y),
          (0...1).contains(fx), (0...1).contains(fy)
        else { continue }
        let color = marker.seriesName.flatMap { strokes[$0]?.color } ?? .ink
        canvas.marker(
          marker.shape, at: Point(x: frame.pixelX(fx), y: frame.pixelY(fy)), size: 9,
          color: color, class: "marker")
      }
    }
  }
}
