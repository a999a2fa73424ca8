import Foundation
import MoEConfig
import MoESweep
import MoETestSupport
import MoETraining
import Testing

/// The eligibility rule on a hand-made pilot directory written to disk (floor 1.0 nats,
/// 100 steps logged every 10, 4 seeds a point):
///
/// | point (multiplier, LR) | diverged seeds, step | completed CE | expected                  |
/// |------------------------|----------------------|--------------|---------------------------|
/// | 0.5, 0.3               | {0} at 60            | 1.5          | E1 ✗ (gap 0.5 > 0.3)      |
/// | 0.5, 0.5               | {0, 1} at 60         | 1.2          | eligible, rate 0.5        |
/// | 1, 0.3                 | {0} at 60            | 1.2          | eligible, rate 0.25       |
/// | 1, 0.5                 | {0, 1, 2} at 20      | 1.2          | E2 ✗ (20/100 ≤ 1/4), E3 ✗, E4 ✗ (0.75) |
///
/// Diverging runs log a training CE of 1.2 (gap 0.2 ≤ 0.5), a router z-loss of step/10 and
/// flips of 0.01; completed runs a z-loss of 1 and no flips; attention logits are 2 (bound 100).
/// Selection: the smallest multiplier (0.5) with an eligible point → (0.5, 0.5), although
/// (1, 0.3) is eligible too.
@Suite struct PilotEligibilityTests {
  static let sweep = """
    {"name": "pilot", "base": {"steps": 100, "logEvery": 10, "model": {"vocabSize": 16}},
     "axes": [{"key": "optimizer.routerLearningRateMultiplier", "values": [0.5, 1]},
              {"key": "schedule.learningRate", "values": [0.3, 0.5]}],
     "seeds": {"count": 4}}
    """
  static let outcomes: [(diverged: Set<Int>, step: Int, completedCE: Double)] = [
    ([0], 60, 1.5), ([0, 1], 60, 1.2), ([0], 60, 1.2), ([0, 1, 2], 20, 1.2),
  ]

  /// Writes the pilot directory (or another sweep of the same shape, one outcome per point);
  /// the caller removes it.
  static func writePilot(
    sweep: String = Self.sweep,
    outcomes: [(diverged: Set<Int>, step: Int, completedCE: Double)] = Self.outcomes
  ) throws -> SweepResults {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("stmoe-pilot-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let results = SweepResults(directory)
    try sweep.write(to: results.sweepFileURL, atomically: true, encoding: .utf8)
    let plan = try results.plan()
    for run in plan.runs {
      let outcome = outcomes[run.pointIndex]
      let diverging = outcome.diverged.contains(run.seed)
      let last = diverging ? outcome.step : 100
      let rows = stride(from: 0, through: last, by: 10).map { step in
        ReportFixtures.row(
          step: step, crossEntropy: diverging ? 1.2 : outcome.completedCE,
          routerZLoss: diverging ? Double(step) / 10 : 1, flips: diverging ? 0.01 : 0,
          attention: 2)
      }
      let store = results.runDirectory(id: run.id)
      try store.writeMetrics(ReportFixtures.table(rows))
      try store.writeResult(
        ReportFixtures.result(
          run, divergedAt: diverging ? outcome.step : nil,
          evaluationCrossEntropy: outcome.completedCE, floor: 1.0))
    }
    return results
  }

  @Test func criteriaAndSelectionOnAHandMadePilot() throws {
    let results = try Self.writePilot()
    defer { try? FileManager.default.removeItem(at: results.directory) }
    let eligibility = try results.writeEligibility()
    #expect(eligibility.routerKey == "optimizer.routerLearningRateMultiplier")
    let p = eligibility.points
    #expect(p.map(\.e1) == [false, true, true, true])
    #expect(abs(try #require(p[0].qualityGap) - 0.5) < 1e-12)
    #expect(p.map(\.e2) == [true, true, true, false])
    #expect(abs(try #require(p[1].worstLearnedGap) - 0.2) < 1e-12)
    #expect(p[3].earliestDivergenceFraction == 0.2)
    #expect(p.map(\.e3) == [true, true, true, false])
    #expect(p[3].mechanism?.fractionAboveMatched == 0)
    #expect(p.map(\.e4) == [true, true, true, false])
    #expect(p.map(\.eligible) == [false, true, true, false])
    #expect(eligibility.selected == 1)
    let csv = try String(
      contentsOf: results.directory.appendingPathComponent("eligibility.csv"), encoding: .utf8)
    let lines = csv.split(separator: "\n").map(String.init)
    #expect(lines.count == 5)
    #expect(
      lines[0].hasPrefix("label,optimizer.routerLearningRateMultiplier,schedule.learningRate,"))
    #expect(lines[2].hasSuffix(",0.01,true,true,true,true"))  // flips, E3, E4, eligible, selected
    #expect(!csv.contains("nan"))
    let markdown = try String(
      contentsOf: results.directory.appendingPathComponent("eligibility.md"), encoding: .utf8)
    #expect(markdown.contains("**Selected**: routerLearningRateMultiplier=0.5, learningRate=0.5."))
  }

  /// `--router-key` picks the knob: with the learning rate as the knob, the smallest rate with
  /// an eligible point is 0.3 (point (1, 0.3)).
  @Test func theRouterKeyOptionChoosesTheKnob() throws {
    let results = try Self.writePilot()
    defer { try? FileManager.default.removeItem(at: results.directory) }
    let outcome = try CommandRunner.run(
      ["eligibility", results.directory.path, "--router-key", "schedule.learningRate"])
    #expect(outcome.status == 0, "\(outcome.stderr)")
    #expect(outcome.stdout.contains("Router knob: `schedule.learningRate`"))
    #expect(
      outcome.stdout.contains("**Selected**: routerLearningRateMultiplier=1, learningRate=0.3."))
  }

  /// Nothing eligible (E4 demanding a rate of at least 0.9): published with per-criterion counts.
  @Test func noEligiblePointIsPublishedWithItsCounts() throws {
    let results = try Self.writePilot()
    defer { try? FileManager.default.removeItem(at: results.directory) }
    let plan = try results.plan()
    var thresholds = PilotEligibility.Thresholds()
    thresholds.rateRange = 0.9...1
    let eligibility = try PilotEligibility(
      plan: plan, results: results.results(for: plan), metrics: results.metrics(for: plan),
      routerKey: "optimizer.routerLearningRateMultiplier", thresholds: thresholds)
    #expect(eligibility.selected == nil)
    #expect(eligibility.markdown.contains("**No point is eligible.**"))
    #expect(eligibility.markdown.contains("E1 3, E2 3, E3 3, E4 0 of 4."))
  }

  @Test func anUnknownRouterKeyIsRefusedWithTheAxisKeys() throws {
    let results = try Self.writePilot()
    defer { try? FileManager.default.removeItem(at: results.directory) }
    let outcome = try CommandRunner.run(
      ["eligibility", results.directory.path, "--router-key", "model.routerInitScale"])
    #expect(outcome.status != 0)
    #expect(outcome.stderr.contains("model.routerInitScale"))
    #expect(
      outcome.stderr.contains("optimizer.routerLearningRateMultiplier, schedule.learningRate"))
    let files = try FileManager.default.contentsOfDirectory(atPath: results.directory.path)
    #expect(!files.contains("eligibility.csv"))
  }

  /// Confirmation of the selected point (0.5, 0.5) on 6 fresh seeds, written like the pilot:
  /// 2 of 6 diverge at step 60 (rate 1/3, in [1/3, 1/2]) with completed CE 1.2 → E1–E3 hold,
  /// and the pilot's rates at multiplier 0.5 are 0.25 (LR 0.3) then 0.5 (LR 0.5): monotone, no
  /// cliff → accepted. With 4 of 6 (0.67) the rate criterion alone fails.
  @Test func theConfirmationRuleAcceptsOnlyARateInTheBand() throws {
    let pilot = try Self.writePilot()
    defer { try? FileManager.default.removeItem(at: pilot.directory) }
    let sweep = """
      {"name": "confirm", "base": {"steps": 100, "logEvery": 10, "model": {"vocabSize": 16},
       "optimizer": {"routerLearningRateMultiplier": 0.5}, "schedule": {"learningRate": 0.5}},
       "seeds": {"count": 6, "start": 1000}}
      """
    for (diverged, accepted) in [(Set([1000, 1001]), true), ([1000, 1001, 1002, 1003], false)] {
      let confirm = try Self.writePilot(sweep: sweep, outcomes: [(diverged, 60, 1.2)])
      defer { try? FileManager.default.removeItem(at: confirm.directory) }
      let outcome = try CommandRunner.run(
        ["eligibility", confirm.directory.path, "--confirms", pilot.directory.path])
      #expect(outcome.status == 0, "\(outcome.stderr)")
      let confirmation = try confirm.writeConfirmation(pilot: pilot)
      #expect(confirmation.selected.label == "routerLearningRateMultiplier=0.5, learningRate=0.5")
      #expect(confirmation.neighbours.map(\.divergenceRate) == [0.25, 0.5])
      #expect(confirmation.monotone && !confirmation.cliff)
      #expect(confirmation.confirmation.e1 && confirmation.confirmation.e2)
      #expect(confirmation.confirmation.e3)
      #expect(confirmation.rateAccepted == accepted)
      #expect(confirmation.accepted == accepted)
      #expect(outcome.stdout.contains(accepted ? "**Accepted.**" : "**Not accepted.**"))
      let markdown = try String(
        contentsOf: confirm.directory.appendingPathComponent("confirmation.md"), encoding: .utf8)
      #expect(markdown == confirmation.markdown)
    }
  }

  /// A confirmation directory must hold one point: the pilot itself is refused.
  @Test func aConfirmationOfManyPointsIsRefused() throws {
    let pilot = try Self.writePilot()
    defer { try? FileManager.default.removeItem(at: pilot.directory) }
    #expect(throws: ConfigError.self) { try pilot.writeConfirmation(pilot: pilot) }
  }
}
