import Foundation
import MoESweep
import MoETraining
import Testing

/// Protocol 4's confirmation on the studies' baselines, on hand-made outcomes of the table4
/// study (300-step runs, floor 1.0).
@Suite struct BaselineConfirmationTests {
  /// Baseline: 7 of 8 diverge at `divergedAt`, each logged with CE 1.2 (0.2 above the floor)
  /// from step 10 on; the interventions complete.
  static func confirmation(divergedAt: Int) throws -> BaselineConfirmation {
    let plan = try SweepPlan(SweepDefinition.load(from: Data(TablesDocumentTests.sweep.utf8)))
    var results: [String: RunResult] = [:]
    var metrics: [String: MetricsTable] = [:]
    for run in plan.runs {
      let diverges = run.pointIndex == 0 && run.seed < 7
      results[run.id] = ReportFixtures.result(
        run, divergedAt: diverges ? divergedAt : nil, evaluationCrossEntropy: 1.3, floor: 1.0)
      metrics[run.id] = ReportFixtures.table(
        stride(from: 0, to: divergedAt, by: 10).map {
          ReportFixtures.row(step: $0, crossEntropy: $0 == 0 ? 2.77 : 1.2)
        })
    }
    let report = try SweepReport(plan: plan, results: results, metrics: metrics)
    let study = try #require(StudyCatalog.studies.first { $0.name == "table4" })
    return try BaselineConfirmation(
      entries: [.init(study: study, report: report, sensitivity: nil)])
  }

  /// 7/8 = 0.875 ≥ 0.75; learned gap 0.2 ≤ 0.5 (a trailing mean of 5 rows of 1.2); divergence at
  /// 200/300 = 0.67 > 0.25; attention 1 within its bound: accepted.
  @Test func lateDivergencesAfterLearningAreAccepted() throws {
    let confirmation = try Self.confirmation(divergedAt: 200)
    #expect(confirmation.diverged == 7 && confirmation.finished == 8)
    #expect(confirmation.rateHolds && confirmation.learnedFirst && confirmation.attentionBounded)
    #expect(confirmation.accepted)
    #expect(abs((confirmation.baselines[0].point.worstLearnedGap ?? 0) - 0.2) < 1e-12)
  }

  /// Divergence at step 60 = 0.2 of training is not late: E2 fails, so the regime is not
  /// accepted although the rate holds.
  @Test func earlyDivergencesAreNotAccepted() throws {
    let confirmation = try Self.confirmation(divergedAt: 60)
    #expect(confirmation.rateHolds)
    #expect(!confirmation.learnedFirst)
    #expect(!confirmation.accepted)
  }
}
