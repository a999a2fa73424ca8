import Foundation
import MoEConfig
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

  public init(plan: SweepPlan, results: [String: RunResult]) throws {
    self.plan = plan
    self.results = results
    var points = try plan.points.map { point in
      try VariantStatistics(
        label: point.label,
        results: plan.runs.filter { $0.pointIndex == point.index }.map { results[$0.id] })
    }
    for point in plan.points where !plan.isBaseline(point) {
      try points[point.index].compare(with: points[plan.baselinePoint(for: point).index])
    }
    try VariantStatistics.adjustForMultipleComparisons(&points)
    self.points = points
  }

  /// Axis key paths, in axis order (the extra columns of both tables).
  var axisKeys: [String] {
    var keys: [String] = []
    for point in plan.points {
      for setting in point.axisValues where !keys.contains(setting.keyPath) { keys.append(setting.keyPath) }
    }
    return keys
  }

  static func cell(_ value: JSONValue?) -> CSVTable.Cell {
    switch value {
    case .integer(let number): return .integer(number)
    case .number(let number): return .number(number)
    case .string(let text): return .text(text)
    case .bool(let flag): return .text(flag ? "true" : "false")
    case .none, .null: return .empty
    default: return .text(value!.canonicalText)
    }
  }

  // MARK: runs.csv

  public var runsTable: CSVTable {
    var table = CSVTable(
      columns: ["index", "id", "label", "seed"] + axisKeys + [
        "status", "divergenceStep", "divergenceReason", "stepsCompleted", "spikeCount", "finalTrainLoss",
        "evaluationCrossEntropy", "quality", "crossEntropyFloor", "routerZLoss", "maxRouterLogit",
        "maxAttentionLogit", "droppedFraction", "wallSeconds", "tokensPerSecond", "crashExitCode", "crashSignal",
      ])
    for run in plan.runs {
      let point = plan.points[run.pointIndex]
      var row: [CSVTable.Cell] = [.integer(run.index), .text(run.id), .text(run.label), .integer(run.seed)]
      row += axisKeys.map { Self.cell(point.axisValue($0)) }
      guard let result = results[run.id] else {
        row.append(.text("missing"))
        row += Array(repeating: .empty, count: table.columns.count - row.count)
        table.append(row)
        continue
      }
      let metrics = result.lastFiniteMetrics ?? [:]
      func layerValues(_ name: String) -> [Double] {
        metrics.filter { $0.key.hasPrefix("layer") && $0.key.hasSuffix("_" + name) }.map(\.value)
      }
      let dropped = layerValues("droppedFraction")
      row += [
        .text(result.status.rawValue), .optional(result.divergence?.step),
        result.divergence.map { .text($0.reason.rawValue) } ?? .empty, .integer(result.stepsCompleted),
        .integer(result.spikes.count), .optional(result.finalTrainLoss), .optional(result.evaluationCrossEntropy),
        .optional(result.quality), .optional(result.crossEntropyFloor), .optional(metrics["routerZLoss"]),
        .optional(layerValues("maxRouterLogit").max()), .optional(layerValues("maxAttentionLogit").max()),
        .optional(dropped.isEmpty ? nil : dropped.reduce(0, +) / Double(dropped.count)),
        .optional(result.wallSeconds), .optional(result.status == .crashed ? nil : result.tokensPerSecond),
        .optional(result.crash?.exitCode.map(Int.init)), .optional(result.crash?.signal.map(Int.init)),
      ]
      table.append(row)
    }
    return table
  }

  // MARK: summary.csv

  public var summaryTable: CSVTable {
    var table = CSVTable(
      columns: ["label", "baseline"] + axisKeys + [
        "runs", "completed", "diverged", "crashed", "missing", "fractionStable", "divergenceRate",
        "divergenceRateWilsonLower", "divergenceRateWilsonUpper", "divergenceRateClopperPearsonLower",
        "divergenceRateClopperPearsonUpper", "divergenceRateDifference", "divergenceRateDifferenceLower",
        "divergenceRateDifferenceUpper", "divergencePValue", "divergencePValueHolm", "divergenceVerdict",
        "qualityRuns", "qualityMean", "qualitySD", "qualityLower", "qualityUpper", "qualityDifference",
        "qualityPValue",
      ])
    for (point, stats) in zip(plan.points, points) {
      var row: [CSVTable.Cell] = [.text(point.label), .text(plan.isBaseline(point) ? "true" : "false")]
      row += axisKeys.map { Self.cell(point.axisValue($0)) }
      let comparison = stats.divergenceComparison
      row += [
        .integer(stats.completed + stats.diverged + stats.crashed + stats.missing), .integer(stats.completed),
        .integer(stats.diverged), .integer(stats.crashed), .integer(stats.missing),
        .text("\(stats.completed)/\(stats.finished)"), .optional(stats.divergenceRate),
        .optional(stats.wilson?.lower), .optional(stats.wilson?.upper), .optional(stats.clopperPearson?.lower),
        .optional(stats.clopperPearson?.upper), .optional(comparison?.difference?.estimate),
        .optional(comparison?.difference?.lower), .optional(comparison?.difference?.upper),
        .optional(comparison?.pValue), .optional(stats.holmPValue),
        comparison.map { .text($0.verdict.rawValue) } ?? .empty,
        .integer(stats.qualities.count), .optional(stats.quality?.mean), .optional(stats.quality?.standardDeviation),
        .optional(stats.quality?.meanInterval?.lowerBound), .optional(stats.quality?.meanInterval?.upperBound),
        .optional(stats.qualityDifference), .optional(stats.welch?.pValue),
      ]
      table.append(row)
    }
    return table
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
      let interval = stats.wilson.map { " [\(Self.format($0.lower, 2)), \(Self.format($0.upper, 2))]" } ?? ""
      let p = stats.divergenceComparison.map { Self.formatP($0.pValue) } ?? "–"
      var quality = "–"
      if let summary = stats.quality {
        quality = Self.format(summary.mean, 3) + (summary.standardDeviation.map { " ± " + Self.format($0, 3) } ?? "")
          + " (n=\(summary.count))"
      }
      let delta = stats.qualityDifference.map { ($0 >= 0 ? "+" : "") + Self.format($0, 3) } ?? "–"
      let welch = stats.welch.map { Self.formatP($0.pValue) } ?? "–"
      var stable = "\(stats.completed)/\(stats.finished)"
      if stats.crashed > 0 { stable += " (\(stats.crashed) crashed)" }
      if stats.missing > 0 { stable += " (\(stats.missing) missing)" }
      text += "| \(name) | \(stable) | \(rate)\(interval) | \(p) | \(quality) | \(delta) | \(welch) |\n"
    }
    text += "\nFraction stable = completed / (completed + diverged); crashed and missing runs count in "
    text += "neither. Quality over completed runs only. p-values are two-sided.\n"
    return text
  }

  static func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
  static func formatP(_ p: Double) -> String { p < 0.001 ? String(format: "%.1e", p) : String(format: "%.3f", p) }
}
