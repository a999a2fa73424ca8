/// Turning an ``IntervalScatter`` into SVG.
extension IntervalScatter {
  static let bandHeight = 30.0
  static let labelSize = 11.0

  /// The chart as a standalone SVG 1.1 document of `width` × `height` px.
  ///
  /// Deterministic: equal charts give byte-identical strings.
  public func render(width: Double = 640, height: Double = 480) -> String {
    var canvas = SVGCanvas()
    draw(
      in: Rect(x: 0, y: 0, width: width, height: height), on: &canvas,
      legendPlacement: legendPlacement, colorOrder: colorOrder)
    return SVGDocument.render(
      width: width, height: height, title: title.isEmpty ? "Interval scatter" : title,
      canvas: canvas)
  }

  /// What the bars mean, the baseline, and the band marker, each only when used.
  func legendEntries(colorOrder: [String]) -> [LegendEntry] {
    var entries: [LegendEntry] = []
    if let intervalNote {
      entries.append(LegendEntry(label: intervalNote, swatch: .errorBars(.ink)))
    }
    if estimates.contains(where: \.isBaseline) {
      entries.append(
        LegendEntry(label: "baseline", swatch: .marker(.diamond, .black, filled: true)))
    }
    if estimates.contains(where: { !$0.hasY }) {
      entries.append(
        LegendEntry(label: missingYNote, swatch: .marker(.triangleDown, .ink, filled: false)))
    }
    return entries
  }

  func draw(
    in bounds: Rect, on canvas: inout SVGCanvas, legendPlacement: LegendPlacement,
    colorOrder: [String]
  ) {
    let hasBand = estimates.contains { !$0.hasY }
    let withY = estimates.filter(\.hasY)
    let xValues = estimates.flatMap { [$0.x] + endpoints(of: $0.xInterval) }
    let yValues = withY.flatMap { [$0.y!] + endpoints(of: $0.yInterval) }
    let frame = CartesianFrame(
      bounds: bounds, title: title, xAxis: xAxis, xValues: xValues, yAxis: yAxis,
      yValues: yValues, legendEntries: legendEntries(colorOrder: colorOrder),
      legendPlacement: legendPlacement, extraYLabels: hasBand ? [bandLabel] : [],
      bottomBand: hasBand ? Self.bandHeight : 0)
    frame.drawGrid(on: &canvas)
    if hasBand { drawBand(frame, on: &canvas) }

    let slots = Palette.slots(for: estimates.map(\.label), preferredOrder: colorOrder)
    let positions = estimates.map { position(of: $0, in: frame) }
    var clipped = SVGAttributes()
    clipped.add("clip-path", frame.clipToPlot(on: &canvas))
    canvas.group(clipped) { canvas in
      drawBaselineGuides(frame, positions: positions, on: &canvas)
      for (estimate, position) in zip(estimates, positions) {
        guard let position else { continue }
        let color = estimate.isBaseline ? Color.black : Palette.color(at: slots[estimate.label]!)
        drawBars(of: estimate, at: position, color: color, frame: frame, on: &canvas)
      }
    }
    var markers = SVGAttributes()
    markers.add("class", "markers")
    canvas.group(markers) { canvas in
      for (estimate, position) in zip(estimates, positions) {
        guard let position else { continue }
        let color = estimate.isBaseline ? Color.black : Palette.color(at: slots[estimate.label]!)
        let shape: MarkerShape =
          estimate.isBaseline ? .diamond : estimate.hasY ? .circle : .triangleDown
        canvas.marker(
          shape, at: position, size: Self.markerSize(estimate), color: color,
          filled: estimate.hasY, class: "marker")
      }
    }
    drawLabels(frame, positions: positions, on: &canvas)
    frame.drawAxes(xTitle: xAxis.title, yTitle: yAxis.title, title: title, on: &canvas)
  }

  static func markerSize(_ estimate: Estimate) -> Double { estimate.isBaseline ? 12 : 9 }

  private func endpoints(of interval: Interval?) -> [Double] {
    guard let interval, interval.isDrawable else { return [] }
    return [interval.lower, interval.upper]
  }

  /// The point's pixel position: in the data area with a finite y, else in the band's middle.
  private func position(of estimate: Estimate, in frame: CartesianFrame) -> Point? {
    guard let fx = frame.x.fraction(of: estimate.x) else { return nil }
    if estimate.hasY {
      return frame.position(x: estimate.x, y: estimate.y!)
    }
    return Point(x: frame.pixelX(fx), y: (frame.dataArea.maxY + frame.plot.maxY) / 2)
  }

  private func drawBand(_ frame: CartesianFrame, on canvas: inout SVGCanvas) {
    let band = Rect(
      x: frame.plot.minX, y: frame.dataArea.maxY, width: frame.plot.width,
      height: frame.plot.maxY - frame.dataArea.maxY)
    canvas.rect(band, fill: Color(hex: 0xF2F2F2), class: "missing-band")
    canvas.line(
      from: Point(x: band.minX, y: band.minY), to: Point(x: band.maxX, y: band.minY),
      stroke: Stroke(color: Color(hex: 0x9A9A9A), width: 1, dash: [4, 3]))
    canvas.text(
      bandLabel,
      at: Point(x: frame.plot.minX - CartesianFrame.tickLength - 3, y: band.center.y + 4),
      style: TextStyle(
        size: CartesianFrame.tickLabelSize, color: .mutedInk, anchor: .end, isItalic: true),
      class: "band-label")
  }

  /// Dotted lines through the baseline point, so the others can be compared with it.
  private func drawBaselineGuides(
    _ frame: CartesianFrame, positions: [Point?], on canvas: inout SVGCanvas
  ) {
    let stroke = Stroke(color: .mutedInk, width: 1, dash: [1.5, 3])
    for (estimate, position) in zip(estimates, positions) where estimate.isBaseline {
      guard let position else { continue }
      canvas.line(
        from: Point(x: position.x, y: frame.plot.minY),
        to: Point(x: position.x, y: frame.plot.maxY), stroke: stroke, class: "baseline-guide")
      if estimate.hasY {
        canvas.line(
          from: Point(x: frame.plot.minX, y: position.y),
          to: Point(x: frame.plot.maxX, y: position.y), stroke: stroke, class: "baseline-guide")
      }
    }
  }

  /// Error bars with short end caps; a vertical bar only for points with a finite y.
  private func drawBars(
    of estimate: Estimate, at position: Point, color: Color, frame: CartesianFrame,
    on canvas: inout SVGCanvas
  ) {
    let stroke = Stroke(color: color, width: 1.3)
    let cap = 4.0
    if let interval = estimate.xInterval, interval.isDrawable,
      let low = frame.x.fraction(of: interval.lower),
      let high = frame.x.fraction(of: interval.upper)
    {
      let (left, right) = (frame.pixelX(low), frame.pixelX(high))
      let y = position.y
      canvas.line(
        from: Point(x: left, y: y), to: Point(x: right, y: y), stroke: stroke, class: "error-bar x")
      for x in [left, right] {
        canvas.line(from: Point(x: x, y: y - cap), to: Point(x: x, y: y + cap), stroke: stroke)
      }
    }
    if estimate.hasY, let interval = estimate.yInterval, interval.isDrawable,
      let low = frame.y.fraction(of: interval.lower),
      let high = frame.y.fraction(of: interval.upper)
    {
      let (bottom, top) = (frame.pixelY(low), frame.pixelY(high))
      let x = position.x
      canvas.line(
        from: Point(x: x, y: bottom), to: Point(x: x, y: top), stroke: stroke, class: "error-bar y")
      for y in [bottom, top] {
        canvas.line(from: Point(x: x - cap, y: y), to: Point(x: x + cap, y: y), stroke: stroke)
      }
    }
  }

  /// Thin rectangles around a point's error bars (caps included), for label placement.
  private func barExtents(of estimate: Estimate, at position: Point, frame: CartesianFrame)
    -> [Rect]
  {
    var extents: [Rect] = []
    if let interval = estimate.xInterval, interval.isDrawable,
      let low = frame.x.fraction(of: interval.lower),
      let high = frame.x.fraction(of: interval.upper)
    {
      let (left, right) = (frame.pixelX(low), frame.pixelX(high))
      extents.append(Rect(x: left, y: position.y - 4, width: right - left, height: 8))
    }
    if estimate.hasY, let interval = estimate.yInterval, interval.isDrawable,
      let low = frame.y.fraction(of: interval.lower),
      let high = frame.y.fraction(of: interval.upper)
    {
      let (bottom, top) = (frame.pixelY(low), frame.pixelY(high))
      extents.append(Rect(x: position.x - 4, y: top, width: 8, height: bottom - top))
    }
    return extents
  }

  private func drawLabels(_ frame: CartesianFrame, positions: [Point?], on canvas: inout SVGCanvas)
  {
    let drawn = zip(estimates, positions).compactMap { estimate, position in
      position.map { (estimate, $0) }
    }
    let requests = drawn.map { estimate, position in
      LabelPlacement.Request(
        anchor: position, text: estimate.label, fontSize: Self.labelSize,
        markerRadius: Self.markerSize(estimate) / 2 + 1)
    }
    let bars = drawn.flatMap { barExtents(of: $0.0, at: $0.1, frame: frame) }
    let placements = LabelPlacement.place(
      requests, within: frame.plot.insetBy(2), avoiding: bars)
    for ((estimate, position), placement) in zip(drawn, placements) {
      if placement.isDisplaced {
        let edge = placement.anchor == .start ? placement.box.minX : placement.box.maxX
        canvas.line(
          from: position, to: Point(x: edge, y: placement.box.center.y),
          stroke: Stroke(color: Color(hex: 0x8A8A8A), width: 0.8), class: "leader")
      }
      canvas.text(
        estimate.label, at: placement.baseline,
        style: TextStyle(
          size: Self.labelSize, anchor: placement.anchor, isBold: estimate.isBaseline,
          hasHalo: true),
        class: "point-label")
    }
  }
}
