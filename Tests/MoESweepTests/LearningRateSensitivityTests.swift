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
      configHash: run.id, seed: run.seed, report: CrashReport(exitCode: 1, signal: nil, stderrTail: ""),
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
      [(.completed, 3.0), (.completed, 3.2)], [(.completed, 2.0), (.diverged, nil)], [(.diverged, nil), (.diverged, nil)],
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

  @Test func absentWithoutALearningRateAxis() throws {
    let plan = try SweepPlan(SweepDefinition.load(from: Data(#"{"name": "x", "seeds": [0]}"#.utf8)))
    #expect(LearningRateSensitivity(plan: plan, results: [:]) == nil)
  }
}
