import MoEPlots
import MoEStats

/// `divergence-time.svg`: per sweep point, the fraction of its finished runs not yet diverged
/// against the step (``KaplanMeierCurve``: a completed run is censored at its last step, so
/// with every run trained to the same length it is 1 − diverged by the step / finished), one
/// step line per point. Drawn when some run diverged.
///
/// It shows what a divergence rate hides: whether a point's runs diverge at one time (a clock)
/// or spread over training, and arms that diverge equally often at different times, which the
/// log-rank columns of `summary.csv` test.
enum DivergenceTimeFigure {
  static let fileName = "divergence-time.svg"

  static func svg(_ input: FigureInput) -> String? {
    guard input.report.points.contains(where: { $0.diverged > 0 }) else { return nil }
    var chart = LineChart(
      title: "Time to divergence: \(input.plan.name)", xAxis: Axis(title: "step"),
      yAxis: Axis(title: "fraction of finished runs not yet diverged", domain: 0...1.02))
    chart.series = zip(input.plan.points, input.report.points).compactMap { point, statistics in
      let vertices = KaplanMeierCurve(statistics.eventTimes).stepVertices
      return vertices.isEmpty ? nil : .init(name: input.labels[point.index], points: vertices)
    }
    chart.colorOrder = input.labels
    return chart.render(width: 900, height: 560)
  }
}
