/// A two-sided (1 − α) confidence interval for a binomial rate.
///
/// The rate is `events` (diverged runs, say) out of `trials` (runs).
///
/// ```swift
/// let rate = try BinomialInterval(events: 3, trials: 10)  // Wilson: [0.1078, 0.6032]
/// ```
///
/// With `trials == 0` there is no estimate and the initialiser returns `nil`. Arguments outside
/// `0 ≤ events ≤ trials` or `alpha ∉ (0, 1)` throw ``StatisticsError/invalidArgument(_:)``.
public struct BinomialInterval: Hashable, Sendable {
  /// How the interval is constructed.
  public enum Method: String, Hashable, Sendable, CaseIterable {
    /// Wilson score interval (recommended for reporting). With p̂ = k/n and z = Φ⁻¹(1 − α/2):
    /// centre = (p̂ + z²/2n) / (1 + z²/n), half-width = z·√(p̂(1 − p̂)/n + z²/4n²) / (1 + z²/n).
    /// Its coverage is close to 1 − α on average; it is never degenerate at k = 0 or k = n.
    case wilson
    /// Clopper–Pearson "exact" interval: lower = Beta⁻¹(α/2; k, n − k + 1),
    /// upper = Beta⁻¹(1 − α/2; k + 1, n − k). Coverage is at least 1 − α (conservative).
    /// k = 0 gives lower = 0 and k = n gives upper = 1 without calling GSL (a Beta shape of 0
    /// makes GSL abort or hang); then the other end is 1 − (α/2)^(1/n) resp. (α/2)^(1/n).
    case clopperPearson
  }

  /// Number of events k.
  public let events: Int
  /// Number of trials n > 0.
  public let trials: Int
  /// Construction method.
  public let method: Method
  /// 1 − confidence level.
  public let alpha: Double
  /// Lower end, in [0, estimate].
  public let lower: Double
  /// Upper end, in [estimate, 1].
  public let upper: Double

  /// Point estimate k/n.
  public var estimate: Double { Double(events) / Double(trials) }
  /// `lower...upper`.
  public var range: ClosedRange<Double> { lower...upper }

  /// The interval for `events` out of `trials`, or `nil` when `trials == 0`.
  public init?(
    events k: Int, trials n: Int, method: Method = .wilson, alpha: Double = 0.05
  ) throws(StatisticsError) {
    try Validation.events(k, of: n, "events", "trials")
    try Validation.alpha(alpha)
    guard n > 0 else { return nil }
    (events, trials, self.method, self.alpha) = (k, n, method, alpha)
    switch method {
    case .wilson:
      (lower, upper) = try Self.wilson(k, n, alpha)
    case .clopperPearson:
      (lower, upper) = try Self.clopperPearson(k, n, alpha)
    }
  }

  private static func wilson(_ k: Int, _ n: Int, _ alpha: Double) throws(StatisticsError)
    -> (Double, Double)
  {
    let z = try GSL.normalQuantile(1 - alpha / 2)
    let (p, count, zz) = (Double(k) / Double(n), Double(n), z * z)
    let denominator = 1 + zz / count
    let centre = (p + zz / (2 * count)) / denominator
    let halfWidth = z * (p * (1 - p) / count + zz / (4 * count * count)).squareRoot() / denominator
    // At k = 0 (k = n) the lower (upper) end is exactly 0 (1) in exact arithmetic; pin it so
    // rounding cannot produce -1e-17 or 1 + 1e-16. Elsewhere clamp for the same reason.
    let lower = k == 0 ? 0 : max(0, centre - halfWidth)
    let upper = k == n ? 1 : min(1, centre + halfWidth)
    return (lower, upper)
  }

  private static func clopperPearson(_ k: Int, _ n: Int, _ alpha: Double)
    throws(StatisticsError) -> (Double, Double)
  {
    let (events, trials) = (Double(k), Double(n))
    let lower = k == 0 ? 0 : try GSL.betaQuantile(alpha / 2, a: events, b: trials - events + 1)
    let upper =
      k == n ? 1 : try GSL.betaQuantile(1 - alpha / 2, a: events + 1, b: trials - events)
    return (lower, upper)
  }
}
