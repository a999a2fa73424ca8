import Foundation
import MoEConfig
import MoESweep
import MoETraining
import Testing

/// The verdict columns of TABLES.md on hand-made outcomes. References (scipy 1.17.1):
/// - Fisher, two-sided: 0/8 vs 6/8 diverged → p = 2·C(8,6)/C(16,6) = 56/8008 = 0.006993
///   (`fisher_exact([[0,8],[6,2]])`); 8/8 vs 6/8 → 0.4667. Holm over both rows of the file:
///   0.006993·2 = 0.013986 and max(0.013986, 0.4667) = 0.4667.
/// - Newcombe (method 10, Wilson ends from the formula in Python): 0/8 − 6/8 in
///   [−0.9285, −0.2795]; 8/8 − 6/8 in [−0.1203, 0.5907].
/// - Checkpoint CE (step 70 = last logged step ≤ 300/4), clipping minus baseline: Welch
///   interval `ttest_ind([3.5 + 0.01 s for s in 0..<8], [3.0, 3.2]·4, equal_var=False)` =
///   [0.3450, 0.5250], so Δ quality in [−0.525, −0.345]: worse, as the paper.
@Suite("TABLES.md")
struct TablesDocumentTests {
  static let sweep = """
    {"name": "table4", "base": {"model": {"vocabSize": 16, "routerZLossCoefficient": 0}},
     "variants": [{"label": "Baseline"}, {"label": "Update clipping (clip = 0.1)", "set": {"optimizer.adafactor.updateClipping": 0.1}},
                  {"label": "Router z-loss", "set": {"model.routerZLossCoefficient": 0.001}}],
     "seeds": {"count": 8}, "baseline": "Baseline"}
    """

  /// Baseline: seeds 0–5 diverge at step 200, CE at step 70 of 3.0/3.2, quality −3.0/−3.2 on
  /// the rest; clipping: none diverges, CE 3.5 + 0.01·seed; z-loss: all diverge at step 50.
  func markdown() throws -> [String] {
    let plan = try SweepPlan(SweepDefinition.load(from: Data(Self.sweep.utf8)))
    var results: [String: RunResult] = [:]
    var metrics: [String: MetricsTable] = [:]
    for run in plan.runs {
      let divergedAt = [run.seed < 6 ? 200 : nil, nil, 50][run.pointIndex]
      let quality = [-3.0 - 0.2 * Double(run.seed % 2), -3.5 - 0.01 * Double(run.seed), 0][
        run.pointIndex]
      results[run.id] = ReportFixtures.result(
        run, divergedAt: divergedAt, evaluationCrossEntropy: -quality)
      let checkpointCE = [3.0 + 0.2 * Double(run.seed % 2), 3.5 + 0.01 * Double(run.seed), 9][
        run.pointIndex]
      metrics[run.id] = ReportFixtures.table([
        ReportFixtures.row(step: 0, crossEntropy: 2.77),
        ReportFixtures.row(step: 70, crossEntropy: checkpointCE),
      ])
    }
    let report = try SweepReport(plan: plan, results: results, metrics: metrics)
    let study = StudyCatalog.studies.first { $0.name == "table4" }!
    let text = TablesDocument(
      entries: [.init(study: study, report: report, sensitivity: nil)], preamble: ""
    ).markdown
    return text.split(separator: "\n").map(String.init)
  }

  @Test func verdictsFollowHolmAndTheIntervals() throws {
    let lines = try markdown()
    let clipping = try #require(lines.first { $0.hasPrefix("| Update clipping") })
    #expect(clipping.contains("| 8/8 |") && clipping.contains("| -0.75 [-0.93, -0.28] | 0.014 |"))
    #expect(
      clipping.contains("**yes**: fewer divergences (difference in [-0.93, -0.28], Holm p = 0.014)")
    )
    #expect(clipping.contains("| +0.435 [0.345, 0.525] |"))
    #expect(clipping.contains("yes (worse: Δ quality at step 70 in [-0.525, -0.345])"))
    let zloss = try #require(lines.first { $0.hasPrefix("| Router z-loss") })
    #expect(zloss.contains("| 0/8 |") && zloss.contains("| 0.467 |"))
    #expect(
      zloss.contains("no detectable difference (difference in [-0.12, 0.59], Holm p = 0.467)"))
    #expect(zloss.contains("— (none completed)"))
    #expect(zloss.contains("— (no checkpoint comparison)"))
    let baseline = try #require(lines.first { $0.hasPrefix("| Baseline") })
    #expect(baseline.contains("| 4/6 |") && baseline.contains("| 2/8 |"))
    #expect(baseline.contains("step 70: 3.100 ± 0.107 (n=8)"))
  }

  // The primary, time-to-divergence columns on the same outcomes, 300-step runs. By hand:
  // baseline Ŝ = 1 to step 200, then 2/8: RMST 200 + 100/4 = 225, Var = 25²·6/(8·2) = 234.375
  // (se 15.31); clipping never diverges: 300, Var 0; z-loss all at 50: 50, Var 0. So Δ RMST =
  // +75 and −175, each ± 1.959964·15.309 = ± 30.005: [45, 105] and [−205, −145]. Log-rank
  // (scipy.stats.chi2.sf): clipping O = 0, E = 6·8/16 = 3, V = 6·¼·10/15 = 1, χ² = 9,
  // p = 0.0026998; z-loss O = 8, E = 4, V = 8·¼·8/15, χ² = 15, p = 1.0751e-4. Holm over both:
  // 2·1.0751e-4 = 2.15e-4 and max(0.0027, 2.15e-4) = 0.0027.
  @Test func timeVerdictsFollowHolmAndTheRestrictedMeanInterval() throws {
    let lines = try markdown()
    let clipping = try #require(lines.first { $0.hasPrefix("| Update clipping") })
    #expect(clipping.contains("| 300 ± 0 | +75 [45, 105] | 0.003 |"))
    #expect(clipping.contains("**yes**: delays divergence (Δ in [45, 105] steps, Holm p = 0.003)"))
    let zloss = try #require(lines.first { $0.hasPrefix("| Router z-loss") })
    #expect(zloss.contains("| 50 ± 0 | -175 [-205, -145] | 2.2e-04 |"))
    #expect(
      zloss.contains("**no**: hastens divergence (Δ in [-205, -145] steps, Holm p = 2.2e-04)"))
    let baseline = try #require(lines.first { $0.hasPrefix("| Baseline") })
    #expect(baseline.contains("| 225 ± 15 |"))
  }

  /// The table4 study with the divergence outcomes of ``markdown()`` and no metrics.
  static func outcomesOnly() throws -> (Study, SweepReport) {
    let plan = try SweepPlan(SweepDefinition.load(from: Data(sweep.utf8)))
    var results: [String: RunResult] = [:]
    for run in plan.runs {
      let divergedAt = [run.seed < 6 ? 200 : nil, nil, 50][run.pointIndex]
      results[run.id] = ReportFixtures.result(
        run, divergedAt: divergedAt, evaluationCrossEntropy: 3)
    }
    let study = try #require(StudyCatalog.studies.first { $0.name == "table4" })
    return (study, try SweepReport(plan: plan, results: results))
  }

  /// Holm runs over the rows of every study in the file, not per study: the same z-loss row
  /// gets a larger adjusted p when another study adds a row with a smaller p.
  @Test func holmSpansEveryStudy() throws {
    let (study, report) = try Self.outcomesOnly()
    let one = TablesDocument(
      entries: [.init(study: study, report: report, sensitivity: nil)], preamble: "")
    let two = TablesDocument(
      entries: [
        .init(study: study, report: report, sensitivity: nil),
        .init(study: study, report: report, sensitivity: nil),
      ],
      preamble: "")
    // One study: clipping 2·0.006993 = 0.013986. Two copies: 4 rows, 4·0.006993 = 0.027972.
    #expect(
      abs(try #require(try one.holmPValuesByRow()["Update clipping (clip = 0.1)"]) - 0.013986)
        < 1e-5)
    #expect(
      abs(try #require(try two.holmPValuesByRow()["Update clipping (clip = 0.1)"]) - 0.027972)
        < 1e-5)
  }

  /// An interval that excludes 0 without a Holm-adjusted rejection is not called "no
  /// difference": with eight copies of the study (16 rows) the clipping row's Holm p is
  /// 16·0.006993 = 0.1119, while its Newcombe interval [−0.93, −0.28] still excludes 0.
  @Test func anIntervalExcludingZeroWithoutHolmIsNotCalledNoDifference() throws {
    let (study, report) = try Self.outcomesOnly()
    let eight = TablesDocument(
      entries: Array(repeating: .init(study: study, report: report, sensitivity: nil), count: 8),
      preamble: "")
    let clipping = try #require(
      eight.markdown.split(separator: "\n").first { $0.hasPrefix("| Update clipping") })
    #expect(
      clipping.contains(
        "fewer divergences, not significant after Holm (difference in [-0.93, -0.28], Holm p = "
          + "0.112)"))
  }
}
