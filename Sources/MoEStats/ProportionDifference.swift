/// The difference of two binomial rates, "rate A − rate B", with Newcombe's hybrid score interval.
///
/// With p̂A = kA/nA, p̂B = kB/nB and the two (1 − α) Wilson intervals [lA, uA], [lB, uB]
/// (method 10 of Newcombe, *Statistics in Medicine* 17:873–890, 1998):
///
///     δ = p̂A − p̂B
///     lower = δ − √((p̂A − lA)² + (uB − p̂B)²)
///     upper = δ + √((uA − p̂A)² + (p̂B − lB)²)
///
/// The ends always lie in [−1, 1], the interval is never degenerate at 0/n or n/n, and its
/// coverage stays close to 1 − α even for small n (unlike the Wald interval).
///
/// Returns `nil` when either group has no trials; invalid counts or `alpha` throw
/// ``StatisticsError/invalidArgument(_:)``.
public struct ProportionDifference: Hashable, Sendable {
  /// Wilson interval of group A's rate.
  public let rateA: BinomialInterval
  /// Wilson interval of group B's rate.
  public let rateB: BinomialInterval
  /// Lower end of the interval for rate A − rate B.
  public let lower: Double
  /// Upper end of the interval for rate A − rate B.
  public let upper: Double

  /// Point estimate p̂A − p̂B.
  public var estimate: Double { rateA.estimate - rateB.estimate }
  /// 1 − confidence level.
  public var alpha: Double { rateA.alpha }
  /// `lower...upper`.
  public var range: ClosedRange<Double> { lower...upper }

  /// Compares `eventsA` of `trialsA` with `eventsB` of `trialsB`.
  public init?(
    eventsA: Int, trialsA: Int, eventsB: Int, trialsB: Int, alpha: Double = 0.05
  ) throws(StatisticsError) {
    try Validation.events(eventsA, of: trialsA, "eventsA", "trialsA")
    try Validation.events(eventsB, of: trialsB, "eventsB", "trialsB")
    guard
      let a = try BinomialInterval(events: eventsA, trials: trialsA, method: .wilson, alpha: alpha),
      let b = try BinomialInterval(events: eventsB, trials: trialsB, method: .wilson, alpha: alpha)
    else { return nil }
    (rateA, rateB) = (a, b)
    let (pA, pB) = (a.estimate, b.estimate)
    let (belowA, aboveA) = (pA - a.lower, a.upper - pA)
    let (belowB, aboveB) = (pB - b.lower, b.upper - pB)
    lower = max(-1, pA - pB - (belowA * belowA + aboveB * aboveB).squareRoot())
    upper = min(1, pA - pB + (aboveA * aboveA + belowB * belowB).squareRoot())
  }
}
