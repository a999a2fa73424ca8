import ArgumentParser
import Foundation
import MoEConfig
import MoEStats
import MoESweep

/// `stmoe-sweep compare A B`: two points' divergence and quality, with a verdict.
struct CompareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract:
      "Compare divergence rate, time to divergence and quality of two points of one sweep or of two sweeps.",
    discussion: """
      A and B are DIR or DIR#LABEL: a sweep results directory and a point label (see \
      summary.csv); without a label, that sweep's baseline point.

      Example: stmoe-sweep compare 'results/zloss#routerZLossCoefficient=0' \
      'results/zloss#routerZLossCoefficient=0.001'
      """)

  @Argument(help: "First point: DIR or DIR#LABEL.") var a: String
  @Argument(help: "Second point: DIR or DIR#LABEL.") var b: String
  @Option(help: "Significance level.") var alpha: Double = 0.05

  /// The point's statistics and its runs' length in steps.
  func point(_ reference: String) throws -> (statistics: VariantStatistics, steps: Int) {
    let parts = reference.split(separator: "#", maxSplits: 1).map(String.init)
    let results = SweepResults(URL(fileURLWithPath: parts[0]))
    let plan: SweepPlan
    do throws(ConfigError) { plan = try results.plan() } catch {
      throw ValidationError(error.description)
    }
    let label = parts.count > 1 ? parts[1] : plan.baselineLabel
    guard let point = plan.points.first(where: { $0.label == label }) else {
      let labels = plan.points.map(\.label)
      throw ValidationError(
        "\(parts[0]) has no point \"\(label)\"; its points are: "
          + labels.map { "\"\($0)\"" }.joined(separator: ", "))
    }
    let found = results.results(for: plan)
    let runs = plan.runs.filter { $0.pointIndex == point.index }
    let statistics = try VariantStatistics(
      label: "\(parts[0])#\(label)", results: runs.map { found[$0.id] })
    return (statistics, runs.first?.config.steps ?? 0)
  }

  func run() throws {
    let (first, firstSteps) = try point(a)
    let (second, secondSteps) = try point(b)
    func rate(_ s: VariantStatistics) -> String {
      guard let r = s.divergenceRate, let w = s.wilson else { return "no finished runs" }
      return String(
        format: "%d/%d diverged = %.2f [%.2f, %.2f]", s.diverged, s.finished, r, w.lower, w.upper)
    }
    func quality(_ s: VariantStatistics) -> String {
      guard let q = s.quality else { return "no completed runs" }
      return String(format: "%.4f", q.mean)
        + (q.standardDeviation.map { String(format: " ± %.4f", $0) } ?? "")
        + " (n=\(q.count))"
    }
    print("A  \(first.label)\n   divergence \(rate(first)); quality \(quality(first))")
    print("B  \(second.label)\n   divergence \(rate(second)); quality \(quality(second))")
    guard first.finished > 0, second.finished > 0 else {
      print("Verdict: not enough runs to tell (a side has no finished runs).")
      return
    }
    let comparison = try DivergenceComparison(
      divergedA: first.diverged, runsA: first.finished, divergedB: second.diverged,
      runsB: second.finished,
      alpha: alpha)
    if let difference = comparison.difference {
      print(
        String(
          format: "Divergence rate A − B: %+.2f [%.2f, %.2f] (Newcombe 95%%)", difference.estimate,
          difference.lower, difference.upper))
    }
    print(String(format: "Fisher exact test (two-sided): p = %.4g", comparison.pValue))
    switch comparison.verdict {
    case .notEnoughRuns:
      print(
        String(
          format:
            "Verdict: not enough runs to tell: with %d and %d runs even the most extreme outcome has p = %.3g > %.2g.",
          first.finished, second.finished, comparison.smallestAchievablePValue, alpha))
    case .aDivergesMore: print("Verdict: A diverges more often than B (p ≤ \(alpha)).")
    case .aDivergesLess: print("Verdict: A diverges less often than B (p ≤ \(alpha)).")
    case .noSignificantDifference:
      print(
        "Verdict: no significant difference in divergence rate at α = \(alpha) (which is not evidence of equality)."
      )
    }
    try printTimeToDivergence(first, second, horizon: min(firstSteps, secondSteps))
    if let welch = try WelchTStatistic(first.qualities, second.qualities) {
      print(
        String(
          format: "Quality A − B: %+.4f nats; Welch t = %.3f, df = %.1f, p = %.4g",
          welch.meanDifference, welch.t,
          welch.degreesOfFreedom, welch.pValue))
    } else {
      print(
        "Quality: not enough completed runs on both sides for a t-test (need ≥ 2 each, not both constant)."
      )
    }
  }

  /// The log-rank test of the two points' steps to divergence (completed runs censored at their
  /// last step) and the difference of their restricted mean steps before divergence up to the
  /// shorter run length, with its interval at `alpha`.
  func printTimeToDivergence(
    _ first: VariantStatistics, _ second: VariantStatistics, horizon: Int
  ) throws {
    if let test = try LogRankTest(first.eventTimes, second.eventTimes) {
      print(
        String(
          format: "Time to divergence, log-rank test: χ² = %.3f, p = %.4g (A: %d observed, %.1f "
            + "expected under equal hazards)", test.statistic, test.pValue, test.observedA,
          test.expectedA))
    } else {
      print("Time to divergence: no divergence on either side, nothing for a log-rank test.")
    }
    guard horizon > 0,
      let difference = try RestrictedMeanDifference(
        first.eventTimes, second.eventTimes, horizon: Double(horizon), alpha: alpha)
    else { return }
    print(
      String(
        format: "Mean steps before divergence (restricted to %d): A %.0f, B %.0f; A − B %+.0f "
          + "[%.0f, %.0f] (%.0f%% interval)", horizon, difference.a.estimate,
        difference.b.estimate, difference.estimate, difference.lower, difference.upper,
        100 * (1 - alpha)))
  }
}
