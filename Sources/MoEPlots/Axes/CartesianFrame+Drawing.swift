/// Drawing the frame's furniture: grid, plot border, ticks, tick labels, titles, legend.
extension CartesianFrame {
  /// Grid lines at the visible ticks, drawn first so data goes over them.
  func drawGrid(on canvas: inout SVGCanvas) {
    let stroke = Stroke(color: .grid, width: 1)
    for tick in y.visibleTicks {
      let py = pixelY(tick.fraction)
      canvas.line(
        from: Point(x: plot.minX, y: py), to: Point(x: plot.maxX, y: py), stroke: stroke,
        class: "grid")
    }
    for tick in x.visibleTicks {
      let px = pixelX(tick.fraction)
      canvas.line(
        from: Point(x: px, y: plot.minY), to: Point(x: px, y: plot.maxY), stroke: stroke,
        class: "grid")
    }
  }

  /// Plot border, ticks with labels, axis titles and the chart title.
  func drawAxes(xTitle: String, yTitle: String, title: String, on canvas: inout SVGCanvas) {
    canvas.rect(plot, fill: nil, stroke: Stroke(color: Color(hex: 0xB0B0B0)), class: "plot-area")
    let ink = Stroke(color: .ink, width: 1)
    let labelStyle = TextStyle(size: Self.tickLabelSize, color: .ink, anchor: .middle)
    for tick in x.visibleTicks {
      let px = pixelX(tick.fraction)
      canvas.line(
        from: Point(x: px, y: plot.maxY), to: Point(x: px, y: plot.maxY + Self.tickLength),
        stroke: ink)
      canvas.text(
        tick.label, at: Point(x: px, y: plot.maxY + Self.tickLength + Self.tickLabelSize + 2),
        style: labelStyle, class: "tick-label x")
    }
    var yLabelStyle = labelStyle
    yLabelStyle.anchor = .end
    // Bottom to top; a label closer than a line height to the last one drawn is skipped
    // (uneven log-axis ticks such as 10 and 12), its tick mark is kept.
    var lastLabelY = Double.infinity
    for tick in y.visibleTicks {
      let py = pixelY(tick.fraction)
      canvas.line(
        from: Point(x: plot.minX - Self.tickLength, y: py), to: Point(x: plot.minX, y: py),
        stroke: ink)
      guard lastLabelY - py >= Self.tickLabelSize + 2 else { continue }
      lastLabelY = py
      canvas.text(
        tick.label, at: Point(x: plot.minX - Self.tickLength - 3, y: py + 4),
        style: yLabelStyle, class: "tick-label y")
    }
    let titleStyle = TextStyle(size: Self.axisTitleSize, color: .ink, anchor: .middle)
    if !xTitle.isEmpty {
      let baseline = plot.maxY + Self.tickLength + Self.tickLabelSize + Self.axisTitleSize + 10
      canvas.text(
        xTitle, at: Point(x: plot.center.x, y: baseline), style: titleStyle, class: "axis-title")
    }
    if !yTitle.isEmpty {
      var rotated = titleStyle
      rotated.rotation = -90
      canvas.text(
        yTitle, at: Point(x: bounds.minX + Self.padding + Self.axisTitleSize, y: plot.center.y),
        style: rotated, class: "axis-title")
    }
    if !title.isEmpty {
      let room = bounds.width - 2 * Self.padding
      let fullWidth = TextMetrics.width(of: title, fontSize: Self.titleSize, isBold: true)
      let size = max(9, min(Self.titleSize, Self.titleSize * room / max(1, fullWidth)))
      let shown = TextMetrics.truncated(title, toWidth: room, fontSize: size, isBold: true)
      canvas.text(
        shown, at: Point(x: bounds.center.x, y: bounds.minY + Self.padding + Self.titleSize),
        style: TextStyle(size: size, anchor: .middle, isBold: true), class: "title")
    }
    legend.draw(at: legendOrigin, on: &canvas)
  }

  /// A clip path around the plot area, for data lines that run past a fixed domain.
  func clipToPlot(on canvas: inout SVGCanvas) -> String {
    canvas.clipPath(to: plot)
  }
}
