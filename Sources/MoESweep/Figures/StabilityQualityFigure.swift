import MoEPlots

/// `stability-quality.svg`: one point per sweep point in the stability-versus-quality plane,
/// the statistics of `summary.csv` drawn.
///
/// - x: divergence rate = diverged / (completed + diverged), with its 95% Wilson interval;
/// - y: quality (−held-out cross-entropy, nats, higher is better) over completed runs,
///   mean ± sd (no bar from a single run);
/// - a point whose finished runs all diverged has no quality: it sits in the "all diverged"
///   band under the plot; a point with no finished run (all crashed or missing) is left out
///   and counted in the title;
/// - baseline points are black diamonds with guide lines; labels are the short point labels.
enum StabilityQualityFigure {
  static let fileName = "stability-quality.svg"

  static func svg(_ input: FigureInput) -> String {
    var estimates: [IntervalScatter.Estimate] = []
    for (point, statistics) in zip(input.plan.points, input.report.points) {
      guard let rate = statistics.divergenceRate else { continue }
      let quality = statistics.quality
      estimates.append(
        .init(
          label: input.labels[point.index], x: rate,
          xInterval: statistics.wilson.map { Interval($0.lower, $0.upper) },
          y: quality?.mean,
          yInterval: quality.flatMap { summary in
            summary.standardDeviation.map { Interval(center: summary.mean, halfWidth: $0) }
          },
          isBaseline: input.plan.isBaseline(point)))
    }
    let left = input.plan.points.count - estimates.count
    var title = "Stability vs quality: \(input.plan.name)"
    if left > 0 { title += " (\(left) point\(left == 1 ? "" : "s") without finished runs)" }
    // With no quality anywhere the y scale is empty: say so where its title goes.
    let hasQuality = estimates.contains { $0.y?.isFinite ?? false }
    let yTitle =
      hasQuality
      ? "quality (−held-out cross-entropy, nats)" : "quality: none (every finished run diverged)"
    var scatter = IntervalScatter(
      title: title,
      // A margin around 0...1 keeps points at rate 0 or 1 (the common case) off the frame.
      xAxis: Axis(title: "divergence rate (diverged / finished runs)", domain: -0.04...1.04),
      yAxis: Axis(title: yTitle), estimates: estimates)
    scatter.intervalNote = "bars: 95% Wilson interval (x), mean ± sd over completed runs (y)"
    scatter.colorOrder = input.labels
    return scatter.render(width: 900, height: 600)
  }
}
