/// Several charts in one SVG, in a grid of equal panels ("small multiples"), e.g. router
/// z-loss over training per coefficient, one panel per MoE layer (the analogue of ST-MoE's
/// Figure 7).
///
/// By default the panels share one legend on the right and one colour assignment: every
/// series name (or scatter label) gets the same colour in every panel, in the order of
/// ``colorOrder`` and then of first appearance across the panels. To compare panels on one y
/// scale, give their y axes the same fixed ``Axis/domain``.
///
/// ```swift
/// let panels = layers.map { layer in
///   LineChart(
///     title: "layer \(layer.index)", xAxis: Axis(title: "step"),
///     yAxis: Axis(title: "router z-loss", scale: .logarithmic),
///     series: layer.runs.map { .init(name: $0.coefficient, x: $0.steps, y: $0.zLoss) })
/// }
/// let svg = PanelGrid(title: "Router z-loss per layer", columns: 2, charts: panels)
///   .render(panelWidth: 360, panelHeight: 260)
/// ```
public struct PanelGrid: Sendable {
  /// One cell of the grid.
  public enum Panel: Sendable {
    case line(LineChart)
    case scatter(IntervalScatter)
  }

  /// Title over the whole grid; empty for none.
  public var title: String
  /// Panels per row, at least 1; rows fill left to right, top to bottom.
  public var columns: Int
  public var panels: [Panel]
  /// One legend for the whole grid (true, the default) or each panel's own.
  public var sharedLegend: Bool = true
  /// Names that take the first palette colours in every panel, in this order.
  public var colorOrder: [String] = []

  /// A grid of any panels.
  ///
  /// - Precondition: `columns >= 1`.
  public init(title: String = "", columns: Int, panels: [Panel]) {
    precondition(columns >= 1, "a panel grid needs at least one column")
    (self.title, self.columns, self.panels) = (title, columns, panels)
  }

  /// A grid of line charts.
  public init(title: String = "", columns: Int, charts: [LineChart]) {
    self.init(title: title, columns: columns, panels: charts.map(Panel.line))
  }
}

extension PanelGrid.Panel {
  /// The names this panel colours, in its own preferred order, then as they appear.
  var colorKeys: [String] {
    switch self {
    case .line(let chart): chart.colorOrder + chart.series.map(\.name)
    case .scatter(let chart): chart.colorOrder + chart.estimates.map(\.label)
    }
  }

  var placement: LegendPlacement {
    switch self {
    case .line(let chart): chart.legendPlacement
    case .scatter(let chart): chart.legendPlacement
    }
  }

  func legendEntries(colorOrder: [String]) -> [LegendEntry] {
    switch self {
    case .line(let chart): chart.legendEntries(colorOrder: colorOrder)
    case .scatter(let chart): chart.legendEntries(colorOrder: colorOrder)
    }
  }

  func draw(
    in bounds: Rect, on canvas: inout SVGCanvas, legendPlacement: LegendPlacement,
    colorOrder: [String]
  ) {
    switch self {
    case .line(let chart):
      chart.draw(
        in: bounds, on: &canvas, legendPlacement: legendPlacement, colorOrder: colorOrder)
    case .scatter(let chart):
      chart.draw(
        in: bounds, on: &canvas, legendPlacement: legendPlacement, colorOrder: colorOrder)
    }
  }
}
