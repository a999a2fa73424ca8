import MoEPlots

/// Small charts of each kind that use every feature, shared by several suites.
enum Fixtures {
  /// Two variants of two runs each, one diverged (NaN tail, ✕ marker), log y, a floor line.
  static var lineChart: LineChart {
    var chart = LineChart(
      title: "Training loss", xAxis: Axis(title: "step"),
      yAxis: Axis(title: "loss", scale: .logarithmic))
    chart.series = [
      .init(name: "baseline", x: [0, 100, 200, 300], y: [10, 5, 3, 2.5], tooltip: "run 1"),
      .init(name: "baseline", x: [0, 100, 200, 300], y: [10, 5.5, 3.1, 2.6], tooltip: "run 2"),
      .init(name: "z-loss 1e-3", x: [0, 100, 200, 300], y: [10, 4.8, 2.9, 2.4], tooltip: "run 3"),
      .init(name: "z-loss 1e-3", x: [0, 100, 200, 300], y: [10, 7, .nan, .nan], tooltip: "run 4"),
    ]
    chart.markers = [.init(x: 150, y: 7, seriesName: "z-loss 1e-3")]
    chart.referenceLines = [.init(y: 2.1, label: "data entropy floor")]
    return chart
  }

  /// A baseline, an ordinary point and one whose runs all diverged.
  static var scatter: IntervalScatter {
    var chart = IntervalScatter(
      title: "Stability vs quality", xAxis: Axis(title: "divergence rate", domain: 0...1),
      yAxis: Axis(title: "eval loss"))
    chart.estimates = [
      .init(
        label: "baseline", x: 0.125, xInterval: Interval(0.022, 0.471), y: 3.2,
        yInterval: Interval(center: 3.2, halfWidth: 0.05), isBaseline: true),
      .init(
        label: "z-loss 1e-3", x: 0, xInterval: Interval(0, 0.324), y: 3.1,
        yInterval: Interval(center: 3.1, halfWidth: 0.04)),
      .init(label: "lr 1e-2", x: 1, xInterval: Interval(0.676, 1), y: nil),
    ]
    chart.intervalNote = "bars: 95% Wilson interval (x), mean ± sd (y)"
    return chart
  }

  /// Two line panels and a scatter panel.
  static var panels: PanelGrid {
    var second = lineChart
    second.title = "layer 2"
    return PanelGrid(
      title: "Panels", columns: 2, panels: [.line(lineChart), .line(second), .scatter(scatter)])
  }

  /// All three kinds, rendered, with a name for test descriptions.
  static var renderedKinds: [(kind: String, svg: String)] {
    [
      ("line", lineChart.render()), ("scatter", scatter.render()),
      ("panels", panels.render()),
    ]
  }
}
