import MoEModel
import MoEPlots
import MoETraining

/// A per-MoE-layer router metric over training: one panel per MoE layer (the MoE layers of any
/// run's metrics), one thin line per run, on a log scale shared by the panels.
///
/// Every run is drawn rather than a mean over seeds: runs diverge at different steps, and a
/// mean over the runs still alive at each step would jump whenever one leaves. Runs of one
/// group share a colour and a legend entry named with the sweep's own labels; a diverged run
/// gets a ✕ at its last finite value. The panels share one y range.
struct RouterLayerFigure {
  /// `router-z-loss.svg`, the analogue of ST-MoE's Figure 7.
  ///
  /// `layer<l>_routerZLoss` coloured by what sets `model.routerZLossCoefficient`; drawn only
  /// when the sweep's points use two or more coefficients (an axis, or variants that set it).
  static let routerZLoss = RouterLayerFigure(
    fileName: "router-z-loss.svg", statistic: \.routerZLoss, quantity: "router z-loss",
    grouping: .routerZLossCoefficient)
  /// `max-router-logit.svg`, for every sweep of a model with MoE layers.
  ///
  /// `layer<l>_maxRouterLogit`: router logits that keep growing precede router instability,
  /// and the z-loss exists to keep them small. Coloured like the z-loss figure when the sweep
  /// varies the coefficient, else by point.
  static let maxRouterLogit = RouterLayerFigure(
    fileName: "max-router-logit.svg", statistic: \.maxRouterLogit, quantity: "max router logit",
    grouping: .routerZLossCoefficientElsePoint)

  /// What one colour stands for.
  ///
  /// Where the sweep varies `model.routerZLossCoefficient`, a colour is what sets it: the
  /// run's variant, and its coefficient when an axis sets it, named by
  /// ``SweepPlan/labels(keepingAxis:)`` ("z-loss 1e-3", or "routerZLossCoefficient=0.001"
  /// for an axis); points that differ only in other axes share a colour.
  enum Grouping {
    /// What sets the coefficient; the figure needs two or more coefficients.
    case routerZLossCoefficient
    /// What sets the coefficient when the sweep varies it, else the run's point.
    case routerZLossCoefficientElsePoint
  }

  static let coefficientKey = "model.routerZLossCoefficient"

  let fileName: String
  /// The statistic drawn, one of an MoE layer's logged ``RoutingStatistics``.
  let statistic: KeyPath<RoutingStatistics, Double> & Sendable
  let quantity: String
  let grouping: Grouping

  /// The coefficients the sweep's points use, ascending.
  static func routerZLossCoefficients(_ input: FigureInput) -> [Double] {
    Set(input.plan.runs.map(\.config.model.routerZLossCoefficient)).sorted()
  }

  /// The figure, or `nil` when it does not apply: no run logged an MoE layer, or (for the
  /// z-loss figure) the coefficient is the same everywhere.
  func svg(_ input: FigureInput) -> String? {
    let layers = Set(input.runs.flatMap { $0.metrics?.layout.moeLayers ?? [] }).sorted()
    guard !layers.isEmpty else { return nil }
    let coefficients = Self.routerZLossCoefficients(input)
    let byCoefficient = coefficients.count > 1
    if grouping == .routerZLossCoefficient && !byCoefficient { return nil }
    let groups = byCoefficient ? input.plan.labels(keepingAxis: Self.coefficientKey) : input.labels
    let order = groups.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    let yAxis = Axis(
      title: "\(quantity) (log scale)", scale: .logarithmic,
      domain: sharedDomain(input, layers: layers))
    let xAxis = Axis(title: "step", domain: LossFigure.stepDomain(input.runs))
    let charts = layers.map { layer in
      var chart = LineChart(title: "layer \(layer) (MoE)", xAxis: xAxis, yAxis: yAxis)
      let value = values(layer: layer)
      for run in input.runs {
        guard let metrics = run.metrics, metrics.layout.moeLayers.contains(layer) else { continue }
        let (steps, values) = metrics.series(value)
        let group = groups[run.planned.pointIndex]
        chart.series.append(.init(name: group, x: steps, y: values, tooltip: run.tooltip))
        if run.isDiverged, let last = metrics.lastDrawable(value, positive: true) {
          chart.markers.append(.init(x: last.step, y: last.value, seriesName: group))
        }
      }
      return chart
    }
    var grid = PanelGrid(
      title: "\(quantity.prefix(1).uppercased() + quantity.dropFirst()): \(input.plan.name)",
      columns: min(2, charts.count), charts: charts)
    grid.colorOrder = order
    return grid.render(panelWidth: charts.count == 1 ? 640 : 440, panelHeight: 300)
  }

  /// The statistic of MoE layer `layer` in a row.
  private func values(layer: Int) -> (MetricsRow) -> Double? {
    { [statistic] row in row.routing(layer: layer)?[keyPath: statistic] }
  }

  /// One y range for all panels: every positive finite value of the statistic in any layer.
  private func sharedDomain(_ input: FigureInput, layers: [Int]) -> ClosedRange<Double>? {
    var low = Double.infinity
    var high = -Double.infinity
    for run in input.runs {
      for layer in layers {
        for value in run.metrics?.series(values(layer: layer)).values ?? []
        where value.isFinite && value > 0 {
          (low, high) = (min(low, value), max(high, value))
        }
      }
    }
    // A little room, so that the highest ✕ is not cut by the frame.
    return low < high ? (low / 1.08)...(high * 1.08) : nil
  }
}
