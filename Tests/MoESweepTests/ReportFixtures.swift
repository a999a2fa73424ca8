import Foundation
import MoEModel
import MoESweep
import MoETraining

/// Hand-made run results and metrics for the report tests: no training.
enum ReportFixtures {
  /// A finished result of `run`: completed with `evaluationCrossEntropy`, or diverged at
  /// `divergedAt`.
  static func result(
    _ run: PlannedRun, divergedAt: Int? = nil, evaluationCrossEntropy: Double? = nil,
    floor: Double? = nil
  ) -> RunResult {
    var result = RunResult.crashed(
      configHash: run.id, seed: run.seed,
      report: CrashReport(exitCode: 0, signal: nil, stderrTail: ""), wallSeconds: 0,
      start: Date(timeIntervalSince1970: 0))
    result.crash = nil
    result.crossEntropyFloor = floor
    if let divergedAt {
      result.status = .diverged
      result.divergence = DivergenceVerdict(step: divergedAt, reason: .spike, loss: 9)
      result.stepsCompleted = divergedAt
    } else {
      result.status = .completed
      result.stepsCompleted = run.config.steps
      result.evaluationCrossEntropy = evaluationCrossEntropy
      result.quality = evaluationCrossEntropy.map { -$0 }
    }
    return result
  }

  /// A logged row of a one-layer MoE model.
  static func row(
    step: Int, crossEntropy: Double, routerZLoss: Double = 0, flips: Double = 0,
    attention: Double = 1
  ) -> MetricsRow {
    var routing = RoutingStatistics.zero
    routing.routerZLoss = routerZLoss
    routing.roundoffFlipFraction = flips
    var row = MetricsRow()
    row.step = step
    row.crossEntropy = crossEntropy
    row.loss = crossEntropy
    row.layers = [LayerMetrics(maxAttentionLogit: attention, routing: routing)]
    return row
  }

  /// A table of `rows` (all of one layout).
  static func table(_ rows: [MetricsRow]) -> MetricsTable {
    MetricsTable(layout: MetricsLayout(rows[0]), rows: rows)
  }
}
