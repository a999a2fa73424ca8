import Foundation
import MoEModel
import MoESweep
import MoETraining
import Testing

/// `runs.csv` from hand-made results: the header, a finished run's cells (the per-layer
/// metrics reduced over layers), and a missing run's empty cells.
@Suite("runs.csv")
struct RunsTableTests {
  /// Four layers, MoE in layers 1 and 3; two seeds.
  static let sweep = """
    {
      "name": "report",
      "base": {
        "steps": 30, "logEvery": 10, "evaluationBatches": 1,
        "model": {"vocabSize": 16, "sequenceLength": 8, "batchSize": 4, "channels": 16,
                  "headCount": 2, "layerCount": 4, "ffnHidden": 16, "expertCount": 4},
        "data": {"domainCount": 2, "branching": 2}
      },
      "seeds": {"count": 2}
    }
    """

  /// Completed; max attention logits 3, 9, 4, 2 by layer; the MoE layers' max router logits
  /// 5 and 8, drop fractions 0.25 and 0.5, flip fractions 0.125 and 0.0625, second-expert
  /// fractions 1 and 0.5.
  static func completed(_ run: PlannedRun) -> RunResult {
    var result = RunResult.crashed(
      configHash: run.id, seed: run.seed,
      report: CrashReport(exitCode: nil, signal: nil, stderrTail: ""), wallSeconds: 2,
      start: Date(timeIntervalSince1970: 0))
    (result.status, result.crash, result.stepsCompleted) = (.completed, nil, 30)
    (result.finalTrainLoss, result.evaluationCrossEntropy, result.quality) = (1.5, 1.25, -1.25)
    (result.crossEntropyFloor, result.tokensPerSecond) = (1, 1000)
    var metrics = MetricsRow()
    metrics.routerZLoss = 0.75
    metrics.layers = [3, 9, 4, 2].map { LayerMetrics(maxAttentionLogit: $0) }
    for (layer, logit, dropped, flips, second) in [
      (1, 5.0, 0.25, 0.125, 1.0), (3, 8.0, 0.5, 0.0625, 0.5),
    ] {
      var routing = RoutingStatistics.zero
      (routing.maxRouterLogit, routing.droppedFraction) = (logit, dropped)
      (routing.roundoffFlipFraction, routing.secondExpertFraction) = (flips, second)
      metrics.layers[layer].routing = routing
    }
    result.lastFiniteMetrics = metrics
    return result
  }

  @Test func finishedRunsReduceTheirLayersAndMissingRunsAreEmpty() throws {
    let plan = try SweepFixtures.plan(Self.sweep)
    let (first, second) = (plan.runs[0], plan.runs[1])
    let report = try SweepReport(plan: plan, results: [first.id: Self.completed(first)])
    let header = """
      index,id,label,seed,status,divergenceStep,divergenceReason,stepsCompleted,spikeCount,\
      finalTrainLoss,evaluationCrossEntropy,quality,crossEntropyFloor,routerZLoss,maxRouterLogit,\
      maxAttentionLogit,droppedFraction,roundoffFlipFraction,secondExpertFraction,wallSeconds,tokensPerSecond,crashExitCode,crashSignal
      """
    let lines = [
      header,
      "0,\(first.id),\(first.label),0,completed,,,30,0,1.5,1.25,-1.25,1.0,0.75,8.0,9.0,0.375,0.125,"
        + "0.75,2.0,"
        + "1000.0,,",
      "1,\(second.id),\(second.label),1,missing" + String(repeating: ",", count: 18),
    ]
    #expect(report.runsTable.text == lines.joined(separator: "\n") + "\n")
  }
}
