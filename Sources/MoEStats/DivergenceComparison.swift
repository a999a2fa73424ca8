/// The answer to "does variant A diverge more often than variant B?".
public enum DivergenceVerdict: String, Hashable, Sendable, CaseIterable {
  /// A's divergence rate is significantly higher than B's.
  case aDivergesMore
  /// A's divergence rate is significantly lower than B's.
  case aDivergesLess
  /// The runs are compatible with equal rates at this α.
  case noSignificantDifference
  /// With these run counts no outcome at all could be significant at this α: run more seeds.
  case notEnoughRuns

  /// Shorthand for `DivergenceComparison(...).verdict`.
  public init(
    divergedA: Int, runsA: Int, divergedB: Int, runsB: Int, alpha: Double = 0.05
  ) throws(StatisticsError) {
    self =
      try DivergenceComparison(
        divergedA: divergedA, runsA: runsA, divergedB: divergedB, runsB: runsB, alpha: alpha
      ).verdict
  }
}

/// Compares the divergence counts of two variants with the two-sided Fisher exact test.
///
/// The table is `[[divergedA, runsA − divergedA], [divergedB, runsB − divergedB]]`. The verdict:
/// 1. ``DivergenceVerdict/notEnoughRuns`` if ``smallestAchievablePValue(runsA:runsB:)`` > α,
///    whatever the data (this includes runsA = 0 or runsB = 0);
/// 2. otherwise, if the two-sided p ≤ α, ``DivergenceVerdict/aDivergesMore`` or
///    ``DivergenceVerdict/aDivergesLess`` by comparing divergedA/runsA with divergedB/runsB;
/// 3. otherwise ``DivergenceVerdict/noSignificantDifference``.
///
/// "p ≤ α" is evaluated as p ≤ α·(1 + 10⁻⁷), the tolerance Fisher's test itself uses, so that a
/// p-value equal to α in exact arithmetic (e.g. 2/20 = 0.1 for 3/3 vs 0/3) is not lost to
/// rounding. The same rule is used by ``power(rateA:runsA:rateB:runsB:alpha:)``.
///
/// For several variants against one baseline, adjust the ``pValue``s with
/// ``MultipleTesting/holmAdjusted(_:)`` before reading them against α.
public struct DivergenceComparison: Hashable, Sendable {
  /// Fisher's exact test of the two variants' table.
  public let fisher: FisherExactPValues
  /// Significance level.
  public let alpha: Double
  /// The smallest two-sided p any outcome could have with these run counts.
  public let smallestAchievablePValue: Double
  /// Rate A − rate B with Newcombe's interval; `nil` when either variant has no runs.
  public let difference: ProportionDifference?
  /// The decision.
  public let verdict: DivergenceVerdict

  /// Two-sided Fisher p-value of the observed table.
  public var pValue: Double { fisher.twoSidedPValue }

  /// Compares `divergedA` of `runsA` runs with `divergedB` of `runsB` runs.
  public init(
    divergedA: Int, runsA: Int, divergedB: Int, runsB: Int, alpha: Double = 0.05
  ) throws(StatisticsError) {
    try Validation.events(divergedA, of: runsA, "divergedA", "runsA")
    try Validation.events(divergedB, of: runsB, "divergedB", "runsB")
    try Validation.alpha(alpha)
    self.alpha = alpha
    fisher = try FisherExactPValues(
      a: divergedA, b: runsA - divergedA, c: divergedB, d: runsB - divergedB)
    smallestAchievablePValue = try Self.smallestAchievablePValue(runsA: runsA, runsB: runsB)
    difference = try ProportionDifference(
      eventsA: divergedA, trialsA: runsA, eventsB: divergedB, trialsB: runsB, alpha: alpha)
    // Compare rates without division: kA/nA vs kB/nB  ⇔  kA·nB vs kB·nA.
    let (more, less) = (divergedA * runsB, divergedB * runsA)
    if !Self.isSignificant(smallestAchievablePValue, alpha) {
      verdict = .notEnoughRuns
    } else if !Self.isSignificant(fisher.twoSidedPValue, alpha) || more == less {
      verdict = .noSignificantDifference
    } else {
      verdict = more > less ? .aDivergesMore : .aDivergesLess
    }
  }

  /// The smallest two-sided Fisher p-value reachable with `runsA` and `runsB` runs.
  ///
  /// It is the p of the most extreme table `[[runsA, 0], [0, runsB]]` (all of A diverged, none of
  /// B), which equals 2/C(nA + nB, nA) when nA = nB and 1/C(nA + nB, nA) otherwise: that table
  /// alone has the smallest possible probability 1/C(nA + nB, nA), tied only by its mirror image
  /// when nA = nB. It is 1 when either count is 0.
  ///
  /// If it exceeds α, no experiment of this size can show a difference.
  public static func smallestAchievablePValue(runsA: Int, runsB: Int) throws(StatisticsError)
    -> Double
  {
    try Validation.count(runsA, "runsA")
    try Validation.count(runsB, "runsB")
    return try FisherExactPValues(a: runsA, b: 0, c: 0, d: runsB).twoSidedPValue
  }

  static func isSignificant(_ p: Double, _ alpha: Double) -> Bool {
    p <= alpha * (1 + FisherExactPValues.relativeTolerance)
  }
}
