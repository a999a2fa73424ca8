import Foundation
import MoEConfig
import MoESweep
import MoETraining
import Testing

@Suite("Learning-rate sensitivity")
struct LearningRateSensitivityTests {
  static let sweep = """
    {"name": "lr", "base": {"model": {"vocabSize": 16}},
     "variants": [{"label": "A"}, {"label": "B", "set": {"model.routerZLossCoefficient": 0.01}}],
     "axes": [{"key": "schedule.learningRate", "values": [0.1, 0.2, 0.3]}], "seeds": {"count": 2}}
    """

  func result(_ run: PlannedRun, _ status: RunStatus, loss: Double? = nil) -> RunResult {
    var result = RunResult.crashed(
      configHash: run.id, seed: run.seed,
      report: CrashReport(exitCode: 1, signal: nil, stderrTail: ""),
      wallSeconds: 0, start: Date())
    result.status = status
    result.crash = nil
    result.evaluationCrossEntropy = loss
    result.quality = loss.map { -$0 }
    return result
  }

  /// Variant A by hand, ℓ₀ = ln 16 = 2.772589:
  /// η = 0.1: losses 3.0, 3.2 → capped at ℓ₀ both → 2.772589;
  /// η = 0.2: 2.0 and a diverged run (ℓ₀) → (2.0 + 2.772589)/2 = 2.386294;
  /// η = 0.3: both diverged → 2.772589.
  /// ℓ* = 2.386294; sensitivity = (0.386294 + 0 + 0.386294)/3 = 0.257530.
  /// Variant B: every rate gives 1.5 → sensitivity 0, best rate the first of the ties (0.1).
  @Test func handComputedCase() throws {
    let plan = try SweepPlan(SweepDefinition.load(from: Data(Self.sweep.utf8)))
    var results: [String: RunResult] = [:]
    let a: [[(RunStatus, Double?)]] = [
      [(.completed, 3.0), (.completed, 3.2)], [(.completed, 2.0), (.diverged, nil)],
      [(.diverged, nil), (.diverged, nil)],
    ]
    for run in plan.runs {
      let point = run.pointIndex, seed = run.seed
      if point < 3 {
        let (status, loss) = a[point][seed]
        results[run.id] = result(run, status, loss: loss)
      } else {
        results[run.id] = result(run, .completed, loss: 1.5)
      }
    }
    let sensitivity = try #require(LearningRateSensitivity(plan: plan, results: results))
    #expect(sensitivity.groups.map(\.label) == ["A", "B"])
    let groupA = sensitivity.groups[0]
    #expect(abs(groupA.sensitivity! - 0.257_530) < 1e-6)
    #expect(groupA.bestLearningRate == 0.2)
    #expect(abs(groupA.bestLoss! - 2.386_294) < 1e-6)
    #expect(sensitivity.groups[1].sensitivity == 0)
    #expect(sensitivity.table.text.contains("meanLoss_learningRate=0.3"))
  }

  /// The paired bootstrap by hand. A (baseline): every run 1.5 → sensitivity 0 on any
  /// resample. B: seed 0 gives (1.0, 2.0) at rates (0.1, 0.2), seed 1 gives (2.0, 1.0).
  /// Resampling the two seed positions: {0,0} → means (1, 2) → sensitivity (0 + 1)/2 = 0.5;
  /// {1,1} → 0.5; {0,1} or {1,0} → (1.5, 1.5) → 0. So the difference is 0 or 0.5 with
  /// probability 1/2 each: the estimate (both seeds) is 0 and the 95% percentile interval over
  /// 4,000 replicates is [0, 0.5].
  @Test func pairedBootstrapIntervalByHand() throws {
    let sweep = """
      {"name": "lr", "base": {"model": {"vocabSize": 16}},
       "variants": [{"label": "A"}, {"label": "B", "set": {"model.routerZLossCoefficient": 0.01}}],
       "axes": [{"key": "schedule.learningRate", "values": [0.1, 0.2]}], "seeds": {"count": 2}}
      """
    let plan = try SweepPlan(SweepDefinition.load(from: Data(sweep.utf8)))
    var results: [String: RunResult] = [:]
    for run in plan.runs {
      let loss =
        run.pointIndex < 2 ? 1.5 : [[1.0, 2.0], [2.0, 1.0]][run.seed][run.pointIndex - 2]
      results[run.id] = result(run, .completed, loss: loss)
    }
    let sensitivity = try #require(LearningRateSensitivity(plan: plan, results: results))
    #expect(sensitivity.baselineGroup == 0)
    #expect(sensitivity.groups[0].difference == nil)
    let b = sensitivity.groups[1]
    #expect(b.sensitivity == 0 && b.difference == 0)
    #expect(b.differenceInterval == 0...0.5)
    #expect(sensitivity.table.text.contains(",0.0,0.0,0.5,4000,"))
    let again = try #require(LearningRateSensitivity(plan: plan, results: results))
    #expect(again.groups[1].differenceInterval == b.differenceInterval)
  }

  @Test func absentWithoutALearningRateAxis() throws {
    let plan = try SweepPlan(SweepDefinition.load(from: Data(#"{"name": "x", "seeds": [0]}"#.utf8)))
    #expect(LearningRateSensitivity(plan: plan, results: [:]) == nil)
  }
}
