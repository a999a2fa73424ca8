/// The layout of one chart with x and y axes inside `bounds`: margins sized to the tick labels,
/// titles and legend, the resolved axes, and where everything goes.
///
/// ```
///  ┌──────────────── title ─────────────────┐
///  │ y   ┌──────────── plot ─────────┐ legend│
///  │ t   │                           │ (right)│
///  │ i   │      data area            │        │
///  │ t   ├ - - - bottom band - - - - ┤        │
///  │     └───────────────────────────┘        │
///  │            tick labels, x title          │
///  │            legend (bottom)               │
///  └──────────────────────────────────────────┘
/// ```
struct CartesianFrame {
  static let padding = 10.0
  static let titleSize = 14.0
  static let axisTitleSize = 12.0
  static let tickLabelSize = 11.0
  static let tickLength = 4.0

  let bounds: Rect
  /// The whole plotting rectangle, framed, including any bottom band.
  let plot: Rect
  /// The part of `plot` that the y domain maps onto (`plot` minus the bottom band).
  let dataArea: Rect
  let x: ResolvedAxis
  let y: ResolvedAxis
  let legend: LegendBlock
  let legendOrigin: Point

  /// Lays out a chart. `extraYLabels` are labels that will sit in the y tick label column
  /// besides the ticks (the bottom band's label), so the left margin fits them too;
  /// `bottomBand` is the height in px of a strip under the data area, outside the y domain.
  init(
    bounds: Rect, title: String, xAxis: Axis, xValues: [Double], yAxis: Axis, yValues: [Double],
    legendEntries: [LegendEntry], legendPlacement: LegendPlacement,
    extraYLabels: [String] = [], bottomBand: Double = 0
  ) {
    self.bounds = bounds
    let pad = Self.padding
    let top = bounds.minY + (title.isEmpty ? pad + 4 : pad + Self.titleSize + 14)
    let bottomLegend = LegendBlock(
      legendEntries, placement: legendPlacement == .bottom ? .bottom : .hidden,
      maxWidth: bounds.width - 2 * pad, maxHeight: .infinity)
    let axisBelow =
      Self.tickLength + Self.tickLabelSize + 6
      + (xAxis.title.isEmpty ? 0 : Self.axisTitleSize + 8)
    let below = axisBelow + pad + (bottomLegend.isEmpty ? 0 : bottomLegend.height + 8)
    let plotHeight = max(30, bounds.maxY - below - top)

    let yTarget = min(8, max(3, Int(plotHeight / 45) + 1))
    y = ResolvedAxis(yAxis, values: yValues, targetTickCount: yTarget)
    let yLabels = y.visibleTicks.map(\.label) + extraYLabels
    let yLabelWidth =
      yLabels.map { TextMetrics.width(of: $0, fontSize: Self.tickLabelSize) }
      .max() ?? 0
    let left =
      bounds.minX + pad + (yAxis.title.isEmpty ? 0 : Self.axisTitleSize + 8)
      + yLabelWidth + Self.tickLength + 4

    let rightLegend = LegendBlock(
      legendEntries, placement: legendPlacement == .right ? .right : .hidden,
      maxWidth: bounds.width / 3, maxHeight: plotHeight)
    var right = bounds.maxX - pad - (rightLegend.isEmpty ? 0 : rightLegend.width + 14)
    var plotWidth = max(40, right - left)

    // As many x ticks as fit: labels need their width plus a gap between neighbours.
    var x = ResolvedAxis(xAxis, values: xValues, targetTickCount: 2)
    for target in stride(from: min(10, max(2, Int(plotWidth / 90) + 1)), through: 2, by: -1) {
      x = ResolvedAxis(xAxis, values: xValues, targetTickCount: target)
      if Self.labelsFit(x, width: plotWidth) { break }
    }
    // The last x label is centred on its tick; keep its right half inside the chart.
    if rightLegend.isEmpty, let last = x.visibleTicks.last {
      let overhang =
        left + last.fraction * plotWidth
        + TextMetrics.width(of: last.label, fontSize: Self.tickLabelSize) / 2 - (bounds.maxX - 4)
      if overhang > 0 {
        right -= overhang
        plotWidth = max(40, right - left)
      }
    }
    self.x = x
    plot = Rect(x: left, y: top, width: plotWidth, height: plotHeight)
    dataArea = Rect(x: left, y: top, width: plotWidth, height: max(10, plotHeight - bottomBand))
    legend = rightLegend.isEmpty ? bottomLegend : rightLegend
    legendOrigin =
      rightLegend.isEmpty
      ? Point(x: bounds.minX + pad, y: plot.maxY + axisBelow + 6)
      : Point(x: plot.maxX + 14, y: top)
  }

  /// Pixel position of a data point, or `nil` when either coordinate cannot be drawn.
  func position(x xValue: Double, y yValue: Double) -> Point? {
    guard let fx = x.fraction(of: xValue), let fy = y.fraction(of: yValue) else { return nil }
    return Point(x: pixelX(fx), y: pixelY(fy))
  }

  /// Pixel x of a fraction along the x axis.
  func pixelX(_ fraction: Double) -> Double { dataArea.minX + fraction * dataArea.width }

  /// Pixel y of a fraction along the y axis (0 at the bottom of the data area).
  func pixelY(_ fraction: Double) -> Double { dataArea.maxY - fraction * dataArea.height }

  private static func labelsFit(_ axis: ResolvedAxis, width: Double) -> Bool {
    let ticks = axis.visibleTicks
    guard ticks.count > 1 else { return true }
    for (left, right) in zip(ticks, ticks.dropFirst()) {
      let room = (right.fraction - left.fraction) * width
      let needed =
        (TextMetrics.width(of: left.label, fontSize: tickLabelSize)
          + TextMetrics.width(of: right.label, fontSize: tickLabelSize)) / 2 + 10
      if room < needed { return false }
    }
    return true
  }
}
