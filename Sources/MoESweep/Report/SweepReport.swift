import Foundation
import MoEStats
import MoETraining

/// The tables of a sweep: one row per run (`runs.csv`), one row per point with its
/// statistics against the baseline (`summary.csv`), and the markdown rendering in the shape of
/// the ST-MoE tables (`summary.md`). Built from the plan and whatever results exist; runs
/// without a result are `missing`, never silently dropped.
public struct SweepReport: Sendable {
  public let plan: SweepPlan
  /// Results by run id.
  public let results: [String: RunResult]
  /// Statistics per plan point, in plan order.
  public let points: [VariantStatistics]

  /// Metrics tables by run id (those read from disk; empty when the caller read none).
  public let metrics: [String: MetricsTable]

  /// `metrics` feed the checkpoint cross-entropy and the mechanism evidence; without them
  /// those columns are empty.
  public init(
    plan: SweepPlan, results: [String: RunResult], metrics: [String: MetricsTable] = [:]
  ) throws {
    self.plan = plan
    self.results = results
    self.metrics = metrics
    var points = try plan.points.map { point in
      let runs = plan.runs.filter { $0.pointIndex == point.index }
      let checkpoint = CheckpointCrossEntropy(
        steps: runs.first?.config.steps ?? 0,
        runs: runs.map { (results[$0.id], metrics[$0.id]) })
      return try VariantStatistics(
        label: point.label, results: runs.map { results[$0.id] }, checkpoint: checkpoint,
        horizon: runs.first?.config.steps)
    }
    for point in plan.points where !plan.isBaseline(point) {
      try points[point.index].compare(with: points[plan.baselinePoint(for: point).index])
    }
    try VariantStatistics.adjustForMultipleComparisons(&points)
    self.points = points
  }

  /// The pre-divergence mechanism evidence of the runs (empty without metrics).
  public var mechanism: MechanismEvidence {
    MechanismEvidence(plan: plan, results: results, metrics: metrics)
  }

  // MARK: summary.md

  /// The paper's table shape: method, fraction stable, quality ± sd; plus the intervals and
  /// tests that few seeds need.
  public var markdown: String {
    var text = "# \(plan.name)\n\n"
    if !plan.description.isEmpty { text += plan.description + "\n\n" }
    text += "| Method | Fraction stable | Divergence rate [95% Wilson] | p (Fisher, vs baseline) "
    text += "| Quality (−CE, nats) mean ± sd | Δ quality | p (Welch) |\n"
    text += "|---|---|---|---|---|---|---|\n"
    for (point, stats) in zip(plan.points, points) {
      let name = plan.isBaseline(point) ? "**\(point.label)** (baseline)" : point.label
      let rate = stats.divergenceRate.map { Self.format($0, 2) } ?? "–"
      let interval =
        stats.wilson.map { " [\(Self.format($0.lower, 2)), \(Self.format($0.upper, 2))]" } ?? ""
      let p = stats.divergenceComparison.map { Self.formatP($0.pValue) } ?? "–"
      var quality = "–"
      if let summary = stats.quality {
        quality =
          Self.format(summary.mean, 3)
          + (summary.standardDeviation.map { " ± " + Self.format($0, 3) } ?? "")
          + " (n=\(summary.count))"
      }
      let delta = stats.qualityDifference.map { ($0 >= 0 ? "+" : "") + Self.format($0, 3) } ?? "–"
      let welch = stats.welch.map { Self.formatP($0.pValue) } ?? "–"
      var stable = "\(stats.completed)/\(stats.finished)"
      if stats.crashed > 0 { stable += " (\(stats.crashed) crashed)" }
      if stats.missing > 0 { stable += " (\(stats.missing) missing)" }
      text +=
        "| \(name) | \(stable) | \(rate)\(interval) | \(p) | \(quality) | \(delta) | \(welch) |\n"
    }
    text +=
      "\nFraction stable = completed / (completed + diverged); crashed and missing runs count in "
    text += "neither. Quality over completed runs only. p-values are two-sided.\n"
    return text
  }

  static func format(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
  }
  static func formatP(_ p: Double) -> String {
    p < 0.001 ? String(format: "%.1e", p) : String(format: "%.3f", p)
  }
}
