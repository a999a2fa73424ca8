import Foundation
import MoEConfig
import MoEModel
import MoESweep
import MoETraining
import Testing

/// The checkpoint cross-entropy and the pre-divergence mechanism evidence, on hand-made runs.
@Suite struct CheckpointAndMechanismTests {
  /// 2 variants × 4 seeds, 100 steps logged every 10: the checkpoint is step 20 (≤ 100/4 = 25).
  static let sweep = """
    {"name": "mech", "base": {"steps": 100, "logEvery": 10, "model": {"vocabSize": 16}},
     "variants": [{"label": "Baseline"},
                  {"label": "Z", "set": {"model.routerZLossCoefficient": 0.02}}],
     "seeds": {"count": 4}}
    """

  /// Baseline: seeds 0, 1 diverge at step 60 (after the checkpoint), seed 2 at step 20 (at
  /// it: excluded), seed 3 completes. Router z-loss climbs to 5 before the divergences while
  /// the completed run stays at 1; flips 0.01 vs 0; attention ≤ 3.
  /// Z: all complete, CE at step 20 of 2.0, 2.2, 2.4, 2.6.
  static func fixture() throws -> SweepReport {
    let plan = try SweepFixtures.plan(Self.sweep)
    var results: [String: RunResult] = [:]
    var metrics: [String: MetricsTable] = [:]
    for run in plan.runs {
      let seed = run.seed
      if run.pointIndex == 0 {
        let divergedAt: Int? = seed < 2 ? 60 : seed == 2 ? 20 : nil
        results[run.id] = ReportFixtures.result(
          run, divergedAt: divergedAt, evaluationCrossEntropy: 2)
        let last = divergedAt ?? 100
        let rows = stride(from: 0, through: last, by: 10).map { step in
          let diverging = divergedAt != nil
          return ReportFixtures.row(
            step: step, crossEntropy: 3.0 + Double(seed) * 0.1,
            routerZLoss: diverging ? Double(step) / 10 : 1,
            flips: diverging ? 0.01 : 0, attention: Double(seed))
        }
        metrics[run.id] = ReportFixtures.table(rows)
      } else {
        results[run.id] = ReportFixtures.result(run, evaluationCrossEntropy: 1.5)
        let rows = stride(from: 0, through: 100, by: 10).map { step in
          ReportFixtures.row(step: step, crossEntropy: 2.0 + 0.2 * Double(seed))
        }
        metrics[run.id] = ReportFixtures.table(rows)
      }
    }
    return try SweepReport(plan: plan, results: results, metrics: metrics)
  }

  // Baseline at step 20: seeds 0, 1, 3 → CE 3.0, 3.1, 3.3 (seed 2 diverged at 20), mean
  // 9.4/3 = 3.1333. Z: 2.0, 2.2, 2.4, 2.6, mean 2.3. Difference 2.3 − 3.1333 = −0.8333.
  // Welch interval: scipy.stats.ttest_ind([2.0, 2.2, 2.4, 2.6], [3.0, 3.1, 3.3],
  // equal_var=False).confidence_interval() (scipy 1.17.1) = (−1.2386319, −0.4280348).
  @Test func checkpointCountsEveryRunThatReachedIt() throws {
    let report = try Self.fixture()
    let baseline = report.points[0], z = report.points[1]
    #expect(baseline.checkpoint.step == 20)
    #expect(baseline.checkpoint.values == [3.0, 3.1, 3.3])
    #expect(z.checkpoint.values == [2.0, 2.2, 2.4, 2.6])
    #expect(abs(try #require(z.checkpointDifference) - (2.3 - 9.4 / 3)) < 1e-12)
    let interval = try #require(z.checkpointDifferenceInterval)
    #expect(abs(interval.lowerBound - -1.2386319) < 1e-6)
    #expect(abs(interval.upperBound - -0.4280348) < 1e-6)
    let summary = report.summaryTable.text
    #expect(summary.split(separator: "\n")[0].contains("checkpointCrossEntropyDifferenceLower"))
  }

  // Seeds 0 and 1 diverge at 60: window = steps 10…50 (5 rows), router z-loss max 5, flips
  // 0.01, attention 0 and 1. Matched completed run (seed 3): z-loss 1 at those steps, flips 0.
  // Seed 2 diverged at 20: window steps 0, 10: z-loss max 1, not above the matched 1.
  @Test func mechanismComparesStepMatchedWindows() throws {
    let evidence = try Self.fixture().mechanism
    #expect(evidence.runs.count == 3)
    let first = try #require(evidence.runs.first { $0.seed == 0 })
    #expect(first.windowFirstStep == 10 && first.windowLastStep == 50)
    #expect(first.routerZLoss == 5 && first.matchedRouterZLossMedian == 1)
    #expect(first.routerZLossAboveMatched == true)
    #expect(first.roundoffFlipFraction == 0.01 && first.matchedRoundoffFlipFractionMedian == 0)
    let early = try #require(evidence.runs.first { $0.seed == 2 })
    #expect(early.routerZLoss == 1 && early.routerZLossAboveMatched == false)
    let point = try #require(evidence.points.first)
    #expect(evidence.points.count == 1)
    #expect(point.diverged == 3 && point.compared == 3)
    #expect(point.fractionAboveMatched == 2.0 / 3)
    #expect(point.routerZLossMedian == 5)
    #expect(point.maxAttentionLogit == 2)
    #expect(point.attentionBound == MechanismEvidence.defaultAttentionBound)
    #expect(point.attentionBounded == true)
    let csv = evidence.table.text.split(separator: "\n").map(String.init)
    #expect(csv.count == 4)
    #expect(!csv.joined().contains("nan"))
    #expect(evidence.markdownBlock.contains("| 2/3 |"))
  }

  // Growth against the run's own quarter of training (step 20, as the checkpoint CE): seeds 0
  // and 1 have router z-loss 20/10 = 2 there and 5 in the window, growth 2.5; seed 2 diverged
  // at the checkpoint step, so it has neither.
  @Test func mechanismComparesEachRunWithItsOwnQuarterOfTraining() throws {
    let evidence = try Self.fixture().mechanism
    let first = try #require(evidence.runs.first { $0.seed == 0 })
    #expect(first.checkpointRouterZLoss == 2 && first.routerZLossGrowth == 2.5)
    let early = try #require(evidence.runs.first { $0.seed == 2 })
    #expect(early.checkpointRouterZLoss == nil && early.routerZLossGrowth == nil)
    let point = try #require(evidence.points.first)
    #expect(point.checkpointRouterZLossMedian == 2 && point.routerZLossGrowthMedian == 2.5)
    #expect(evidence.markdownBlock.contains("| 2 → 5 (×2.5) |"))
    #expect(evidence.table.text.split(separator: "\n")[0].hasSuffix("routerZLossGrowth"))
  }

  /// The attention bound: the soft cap when set; with gain-free QK-norm √hs (here hs = 32/2 =
  /// 16, so 4) times 1 + 2⁻⁷ for bfloat16 rounding; else 100.
  @Test func theAttentionBoundFollowsTheModel() {
    var model = ModelConfig()
    model.channels = 32
    model.headCount = 2
    #expect(MechanismEvidence.attentionBound(model) == 100)
    model.qkNorm = true
    #expect(MechanismEvidence.attentionBound(model) == 100)
    model.qkNormScale = false
    let gainFreeBound: Double = 4 * (1 + 1.0 / 128)
    #expect(MechanismEvidence.attentionBound(model) == gainFreeBound)
    model.attentionSoftCap = 30
    #expect(MechanismEvidence.attentionBound(model) == 30)
  }
}
