import Foundation
import MoEPlots
import MoETraining

/// `loss.svg`: the training loss (`MetricsRow.loss`: cross-entropy plus the auxiliary losses,
/// the quantity divergence is detected on) against step, one line per run, coloured per point,
/// on a log scale.
///
/// - A diverged run gets a ✕ at its divergence step, at the height of its last finite logged
///   loss; a crashed run that logged anything gets a square where its log ends.
/// - The data's cross-entropy floor (`RunResult.crossEntropyFloor`) is a dashed
///   reference line; sweeps whose points use different data get one line per floor.
/// - Up to ``panelThreshold`` points share one chart (one legend entry per point). More points
///   get one panel per point on shared axes, since seven or more bundles of seed lines in
///   cycled colours cannot be told apart in one plot.
enum LossFigure {
  static let fileName = "loss.svg"
  /// Sweeps with more points than this get one panel per point.
  static let panelThreshold = 6
  /// The quantity drawn.
  static func loss(_ row: MetricsRow) -> Double? { row.loss }

  static func svg(_ input: FigureInput) -> String {
    let usesPanels = input.plan.points.count > panelThreshold
    guard usesPanels else {
      var chart = chart(
        title: "Training loss: \(input.plan.name)", runs: input.runs, input: input,
        xAxis: Axis(title: "step", domain: stepDomain(input.runs)),
        yAxis: Axis(title: "training loss (log scale)", scale: .logarithmic))
      chart.colorOrder = input.labels
      // A right-hand legend column is a third of the width; long labels get full rows below.
      if input.labels.contains(where: { $0.count > 40 }) { chart.legendPlacement = .bottom }
      return chart.render(width: 900, height: 520)
    }
    // Each panel is titled with its point, so a colour legend would only repeat the titles
    // (truncated); the title explains the markers instead.
    let xAxis = Axis(title: "step", domain: stepDomain(input.runs))
    let yAxis = Axis(title: "training loss", scale: .logarithmic, domain: sharedLogDomain(input))
    let charts = input.plan.points.map { point in
      var chart = chart(
        title: input.labels[point.index],
        runs: input.runs.filter { $0.planned.pointIndex == point.index }, input: input,
        xAxis: xAxis, yAxis: yAxis)
      chart.legendPlacement = .hidden
      return chart
    }
    var grid = PanelGrid(
      title: "Training loss per point: \(input.plan.name)\(markerNote(input.runs))",
      columns: 2, charts: charts)
    grid.sharedLegend = false
    grid.colorOrder = input.labels
    return grid.render(panelWidth: 520, panelHeight: 240)
  }

  /// "(✕ diverged, □ crashed)" for the markers some run gets, or "".
  static func markerNote(_ runs: [FigureInput.Run]) -> String {
    let meanings = [(RunStatus.diverged, "✕ diverged"), (.crashed, "□ crashed")].filter {
      status, _ in
      runs.contains { $0.result.status == status && endMarker(of: $0, seriesName: "") != nil }
    }
    return meanings.isEmpty ? "" : " (" + meanings.map(\.1).joined(separator: ", ") + ")"
  }

  /// One chart of `runs`: their lines, markers and entropy floors.
  private static func chart(
    title: String, runs: [FigureInput.Run], input: FigureInput, xAxis: Axis, yAxis: Axis
  ) -> LineChart {
    var chart = LineChart(title: title, xAxis: xAxis, yAxis: yAxis)
    for run in runs {
      let name = input.label(of: run)
      if let (steps, values) = run.metrics?.series(loss) {
        chart.series.append(.init(name: name, x: steps, y: values, tooltip: run.tooltip))
      }
      if let marker = endMarker(of: run, seriesName: name) { chart.markers.append(marker) }
    }
    // The legend lists marker meanings in marker order: "diverged" first, whichever run the
    // plan lists first.
    chart.markers =
      chart.markers.filter { $0.shape == .cross }
      + chart.markers.filter { $0.shape != .cross }
    let floors = input.entropyFloors(of: runs)
    chart.referenceLines = floors.map { floor in
      let value = String(format: "%.3f", floor)
      return .init(
        y: floor,
        label: floors.count == 1 ? "data entropy floor (\(value))" : "entropy floor \(value)")
    }
    return chart
  }

  /// ✕ for a diverged run, □ for a crashed one; `nil` when the run has nothing to mark or no
  /// finite loss to put the mark at.
  static func endMarker(of run: FigureInput.Run, seriesName: String) -> LineChart.Marker? {
    let last = run.metrics?.lastDrawable(loss, positive: true)
    switch run.result.status {
    case .completed:
      return nil
    case .diverged:
      let step = run.result.divergence.map { Double($0.step) } ?? last?.step
      let fallback = [run.result.divergence?.loss, run.result.lastFiniteMetrics?.loss]
        .compactMap { $0 }.first { $0.isFinite && $0 > 0 }
      guard let step, let value = last?.value ?? fallback else { return nil }
      return .init(x: step, y: value, seriesName: seriesName)
    case .crashed:
      guard let last else { return nil }
      return .init(
        x: last.step, y: last.value, meaning: "crashed (worker died)", shape: .square,
        seriesName: seriesName)
    }
  }

  /// From step 0 to the last logged or diverging step of any run (fitting the data instead
  /// would end on a nice tick, up to twice as far).
  static func stepDomain(_ runs: [FigureInput.Run]) -> ClosedRange<Double>? {
    let last = runs.flatMap { run -> [Double] in
      (run.metrics?.rows.map { Double($0.step) } ?? [])
        + [run.result.divergence.map { Double($0.step) }]
        .compactMap { $0 }
    }.max()
    guard let last, last > 0 else { return nil }
    return 0...last
  }

  /// One y range for every panel, so panels compare at a glance: all positive finite losses,
  /// markers and floors.
  private static func sharedLogDomain(_ input: FigureInput) -> ClosedRange<Double>? {
    var values = input.entropyFloors(of: input.runs)
    for run in input.runs {
      values += run.metrics?.series(loss).values ?? []
      if let marker = endMarker(of: run, seriesName: "") { values.append(marker.y) }
    }
    let drawable = values.filter { $0.isFinite && $0 > 0 }
    guard let low = drawable.min(), let high = drawable.max(), low < high else { return nil }
    // A little room, so that the floor and the highest ✕ are not on the frame.
    return (low / 1.08)...(high * 1.08)
  }
}
