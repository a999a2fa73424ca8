import Foundation
import MoEStats
import MoESweep
import MoETraining
import Testing

/// The time-to-divergence columns of a point: divergence steps and the log-rank test against
/// the baseline, on hand-made results.
@Suite struct TimeToDivergenceTests {
  static let sweep = """
    {"name": "clock", "base": {"steps": 300, "model": {"vocabSize": 16}},
     "variants": [{"label": "Baseline"},
                  {"label": "Slower", "set": {"model.routerZLossCoefficient": 0.01}}],
     "seeds": {"count": 5}}
    """

  /// Baseline: diverged at steps 100 and 200, two completed (300 steps), one crashed.
  /// Slower: diverged at step 250, three completed, one missing.
  static func statistics() throws -> (baseline: VariantStatistics, slower: VariantStatistics) {
    let plan = try SweepFixtures.plan(Self.sweep)
    func results(point: Int, diverged: [Int], completed: Int) -> [RunResult?] {
      let runs = plan.runs.filter { $0.pointIndex == point }
      var out: [RunResult?] = []
      for (index, run) in runs.enumerated() {
        if index < diverged.count {
          out.append(ReportFixtures.result(run, divergedAt: diverged[index]))
        } else if index < diverged.count + completed {
          var result = ReportFixtures.result(run, evaluationCrossEntropy: 2)
          result.stepsCompleted = 300
          out.append(result)
        } else if point == 0 {
          out.append(
            RunResult.crashed(
              configHash: run.id, seed: run.seed,
              report: CrashReport(exitCode: 1, signal: nil, stderrTail: ""), wallSeconds: 0,
              start: Date(timeIntervalSince1970: 0)))
        } else {
          out.append(nil)
        }
      }
      return out
    }
    let baseline = try VariantStatistics(
      label: "Baseline", results: results(point: 0, diverged: [200, 100], completed: 2),
      horizon: 300)
    var slower = try VariantStatistics(
      label: "Slower", results: results(point: 1, diverged: [250], completed: 3), horizon: 300)
    try slower.compare(with: baseline)
    return (baseline, slower)
  }

  @Test func divergenceStepsAreSortedWithTheirMedian() throws {
    let (baseline, slower) = try Self.statistics()
    #expect(baseline.divergenceSteps == [100, 200])
    #expect(baseline.divergenceStepSummary?.median == 150)
    #expect(slower.divergenceStepSummary?.median == 250)
    // The crashed and the missing runs are not event times.
    #expect(baseline.eventTimes.count == 4)
    #expect(slower.eventTimes.count == 4)
  }

  // By hand (A = Slower: events {250}, censored {300 ×3}; B = Baseline: events {100, 200},
  // censored {300 ×2}):
  //   t = 100: n = 8, n_A = 4, d = 1, d_A = 0: E += 1/2, V += 1/4;
  //   t = 200: n = 7, n_A = 4, d = 1, d_A = 0: E += 4/7, V += (4/7)(3/7) = 12/49;
  //   t = 250: n = 6, n_A = 4, d = 1, d_A = 1: E += 2/3, V += (2/3)(1/3) = 2/9;
  // O = 1, E = 73/42, V = 1265/1764, χ² = (31/42)² / V = 961/1265.
  @Test func logRankAgainstTheBaselineMatchesHandComputation() throws {
    let (_, slower) = try Self.statistics()
    let test = try #require(slower.logRank)
    #expect(test.observedA == 1)
    #expect(abs(test.expectedA - 73.0 / 42) < 1e-12)
    #expect(abs(test.statistic - 961.0 / 1265) < 1e-12)
  }

  // Restricted mean up to 300 steps. Baseline: Ŝ = 1, 3/4, 1/2 on [0, 100), [100, 200),
  // [200, 300]: 100 + 75 + 50 = 225, Var = 50²/(3·2) + 125²/(4·3) = 1718.75. Slower: 250 +
  // 3/4·50 = 287.5, Var = 37.5²/(4·3) = 117.1875. R's survfit (rmean = 300) gives rmean 225,
  // se 41.4578098794 and 287.5, se 10.8253175473. Difference 62.5 ± 1.959964·√1835.9375 =
  // [−21.4802256702, 146.4802256702].
  @Test func restrictedMeanDifferenceMatchesHandComputationAndR() throws {
    let (baseline, slower) = try Self.statistics()
    #expect(baseline.restrictedMean?.estimate == 225)
    #expect(abs((baseline.restrictedMean?.standardError ?? 0) - 41.4578098794) < 1e-9)
    #expect(abs((slower.restrictedMean?.standardError ?? 0) - 10.8253175473) < 1e-9)
    let difference = try #require(slower.restrictedMeanDifference)
    #expect(difference.estimate == 62.5)
    #expect(abs(difference.lower - -21.4802256702) < 1e-9)
    #expect(abs(difference.upper - 146.4802256702) < 1e-9)
  }
}
