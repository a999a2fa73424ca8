import Foundation
import MoEConfig
import MoESweep
import MoETraining
import Testing

/// The agreement column of TABLES.md on hand-made outcomes (Fisher p-values by hand:
/// 6/8 vs 0/8 diverged → p = C(8,6)·C(8,0)/C(16,6) · 2 = 2·28/8008 = 0.00699 (two-sided, the
/// table is symmetric); 8/8 vs 6/8 → p = 0.467).
@Suite("TABLES.md")
struct TablesDocumentTests {
  static let sweep = """
    {"name": "table4", "base": {"model": {"vocabSize": 16, "routerZLossCoefficient": 0}},
     "variants": [{"label": "Baseline"}, {"label": "Update clipping (clip = 0.1)", "set": {"optimizer.adafactor.updateClipping": 0.1}},
                  {"label": "Router z-loss", "set": {"model.routerZLossCoefficient": 0.001}}],
     "seeds": {"count": 8}, "baseline": "Baseline"}
    """

  func result(_ run: PlannedRun, diverged: Bool, quality: Double) -> RunResult {
    var result = RunResult.crashed(
      configHash: run.id, seed: run.seed, report: CrashReport(exitCode: 0, signal: nil, stderrTail: ""),
      wallSeconds: 0, start: Date())
    result.crash = nil
    result.status = diverged ? .diverged : .completed
    if !diverged {
      result.quality = quality
      result.evaluationCrossEntropy = -quality
    }
    return result
  }

  @Test func agreementColumns() throws {
    let plan = try SweepPlan(SweepDefinition.load(from: Data(Self.sweep.utf8)))
    var results: [String: RunResult] = [:]
    for run in plan.runs {
      // Baseline: seeds 0–5 diverge, quality −3.0/−3.2 on the rest; clipping: none diverges,
      // quality −3.5 + small spread (worse, as in the paper); z-loss: all diverge.
      let diverged = [run.seed < 6, false, true][run.pointIndex]
      let quality = [-3.0 - 0.2 * Double(run.seed % 2), -3.5 - 0.01 * Double(run.seed), 0][run.pointIndex]
      results[run.id] = result(run, diverged: diverged, quality: quality)
    }
    let report = try SweepReport(plan: plan, results: results)
    let study = StudyCatalog.studies.first { $0.name == "table4" }!
    let text = TablesDocument(entries: [.init(study: study, report: report, sensitivity: nil)], preamble: "").markdown
    let lines = text.split(separator: "\n").map(String.init)
    let clipping = try #require(lines.first { $0.hasPrefix("| Update clipping") })
    #expect(clipping.contains("| 8/8 |") && clipping.contains("0.007"))
    #expect(clipping.contains("**yes** (p ≤ 0.05)"))
    #expect(clipping.contains("yes (worse)"))  // paper −4.206 vs −1.755: worse; ours −3.535 vs −3.1
    let zloss = try #require(lines.first { $0.hasPrefix("| Router z-loss") })
    #expect(zloss.contains("| 0/8 |") && zloss.contains("no: opposite direction, not significant"))
    #expect(zloss.contains("— (none completed)"))
    let baseline = try #require(lines.first { $0.hasPrefix("| Baseline") })
    #expect(baseline.contains("| 4/6 |") && baseline.contains("| 2/8 |"))
  }
}
