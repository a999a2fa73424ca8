/// Welch's two-sample t-test (unequal variances) for mean(A) − mean(B): the t statistic, its
/// degrees of freedom and its two-sided p-value.
///
/// With means x̄A, x̄B, variances sA², sB² (divisor n − 1) and vA = sA²/nA, vB = sB²/nB:
///
///     t  = (x̄A − x̄B) / √(vA + vB)
///     ν  = (vA + vB)² / (vA²/(nA − 1) + vB²/(nB − 1))      (Welch–Satterthwaite)
///     p  = 2·P(T_ν > |t|)                                   (two-sided, gsl_cdf_tdist_Q)
///     CI = (x̄A − x̄B) ± t₁₋α/₂,ν · √(vA + vB)                (``differenceInterval(alpha:)``)
///
/// ν lies between min(nA, nB) − 1 and nA + nB − 2 and need not be an integer.
///
/// Returns `nil` when the test is undefined:
/// - either group has fewer than 2 samples (no variance estimate);
/// - both groups are (essentially) constant: √(vA + vB) ≤ 10·ε·max(|x̄A|, |x̄B|), R's
///   `t.test` rule, which would otherwise give t = 0/0 or ±∞. Compare the means directly then.
///
/// One constant group is fine: ν reduces to n − 1 of the other group. Non-finite samples throw
/// ``StatisticsError/invalidArgument(_:)``; samples so large that the variance overflows throw
/// ``StatisticsError/nonFiniteResult(function:)``.
public struct WelchTStatistic: Hashable, Sendable {
  /// Mean of A minus mean of B.
  public let meanDifference: Double
  /// Standard error √(sA²/nA + sB²/nB) of the difference.
  public let standardError: Double
  /// The t statistic.
  public let t: Double
  /// Welch–Satterthwaite degrees of freedom.
  public let degreesOfFreedom: Double
  /// Two-sided p-value.
  public let pValue: Double

  /// Tests whether samples `a` and `b` have different means.
  public init?(_ a: [Double], _ b: [Double]) throws(StatisticsError) {
    try Validation.finite(a, "a")
    try Validation.finite(b, "b")
    guard a.count >= 2 && b.count >= 2 else { return nil }
    let (meanA, meanB) = (try GSL.mean(a), try GSL.mean(b))
    let sdA = try GSL.standardDeviation(a, mean: meanA)
    let sdB = try GSL.standardDeviation(b, mean: meanB)
    let (nA, nB) = (Double(a.count), Double(b.count))
    let (vA, vB) = (sdA * sdA / nA, sdB * sdB / nB)
    let se = (vA + vB).squareRoot()
    guard se.isFinite else { throw .nonFiniteResult(function: "gsl_stats_sd_m") }
    guard se > 10 * Double.ulpOfOne * max(abs(meanA), abs(meanB)), se > 0 else { return nil }
    meanDifference = meanA - meanB
    standardError = se
    t = meanDifference / se
    degreesOfFreedom = (vA + vB) * (vA + vB) / (vA * vA / (nA - 1) + vB * vB / (nB - 1))
    pValue = min(1, 2 * (try GSL.studentTUpperTail(abs(t), degreesOfFreedom: degreesOfFreedom)))
  }

  /// The (1 − α) Welch interval for mean(A) − mean(B): the difference ± t₁₋α/₂,ν times the
  /// standard error, with ν the Welch–Satterthwaite degrees of freedom (R's `t.test` interval).
  /// `alpha ∉ (0, 1)` throws ``StatisticsError/invalidArgument(_:)``.
  public func differenceInterval(alpha: Double = 0.05) throws(StatisticsError)
    -> ClosedRange<Double>
  {
    try Validation.alpha(alpha)
    let quantile = try GSL.studentTQuantile(1 - alpha / 2, degreesOfFreedom: degreesOfFreedom)
    let halfWidth = quantile * standardError
    guard halfWidth.isFinite else { throw .nonFiniteResult(function: "gsl_cdf_tdist_Pinv") }
    return (meanDifference - halfWidth)...(meanDifference + halfWidth)
  }
}
