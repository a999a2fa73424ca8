/// The two-sample log-rank (Mantel–Cox) test of event times with right censoring: do A and B
/// have the same hazard of the event over time?
///
/// At each distinct event time t, ascending, with n_t subjects at risk (time ≥ t; a subject
/// censored at t is still at risk at t) of which n_{A,t} in A, and d_t events of which d_{A,t}
/// in A:
///
///     E_A = Σ_t d_t · n_{A,t} / n_t                                   (expected events in A)
///     V   = Σ_t d_t · (n_{A,t}/n_t) · (1 − n_{A,t}/n_t) · (n_t − d_t)/(n_t − 1)   (n_t > 1)
///     χ²  = (O_A − E_A)² / V,   p = P(χ²₁ > χ²)                        (gsl_cdf_chisq_Q)
///
/// with O_A = Σ_t d_{A,t}. This is R's `survival::survdiff(rho = 0)` for two groups. It uses
/// the whole course of the events, not only whether they happened before the end: two arms
/// that both diverge 8 of 8 times, one at step 1,500 and one at step 2,900, differ here and not
/// in a Fisher test of the counts.
///
/// Returns `nil` when V = 0 (no event in either sample, or nothing left to compare). Non-finite
/// times throw ``StatisticsError/invalidArgument(_:)``.
public struct LogRankTest: Hashable, Sendable {
  /// Events observed in A.
  public let observedA: Int
  /// Events expected in A under equal hazards.
  public let expectedA: Double
  /// Variance of O_A − E_A under equal hazards.
  public let variance: Double
  /// (O_A − E_A)² / V, χ² with one degree of freedom under equal hazards.
  public let statistic: Double
  /// Two-sided p-value.
  public let pValue: Double

  public init?(_ a: [EventTime], _ b: [EventTime]) throws(StatisticsError) {
    try Validation.finite(a.map(\.time), "a")
    try Validation.finite(b.map(\.time), "b")
    var observed = 0
    var expected = 0.0
    var variance = 0.0
    for t in (a + b).distinctEventTimes {
      let (inA, inB) = (a.riskSet(at: t), b.riskSet(at: t))
      let atRisk = Double(inA.atRisk + inB.atRisk)
      let events = Double(inA.events + inB.events)
      observed += inA.events
      let share = Double(inA.atRisk) / atRisk
      expected += events * share
      if atRisk > 1 { variance += events * share * (1 - share) * (atRisk - events) / (atRisk - 1) }
    }
    guard variance > 0 else { return nil }
    observedA = observed
    expectedA = expected
    self.variance = variance
    let deviation = Double(observed) - expected
    statistic = deviation * deviation / variance
    pValue = try GSL.chiSquaredUpperTail(statistic, degreesOfFreedom: 1)
  }
}
