/// Descriptive statistics of a sample, such as the final losses of the runs that did not diverge.
///
/// - ``mean``: arithmetic mean x̄ (`gsl_stats_mean`).
/// - ``standardDeviation``: s = √(Σ(xᵢ − x̄)² / (n − 1)) (`gsl_stats_sd_m`); `nil` when n = 1.
/// - ``meanInterval``: the (1 − α) t-interval x̄ ± t₁₋α/₂,ₙ₋₁ · s/√n (`gsl_cdf_tdist_Pinv`);
///   `nil` when n = 1. A constant sample gives s = 0 and an interval of width 0.
/// - ``median``, ``lowerQuartile``, ``upperQuartile``: R's type-7 quantiles at 0.5, 0.25, 0.75:
///   with h = (n − 1)f, i = ⌊h⌋, the value x₍ᵢ₎ + (h − i)(x₍ᵢ₊₁₎ − x₍ᵢ₎) on the sorted sample
///   (`gsl_stats_quantile_from_sorted_data`).
/// - ``minimum``, ``maximum``.
///
/// An empty sample has no summary: the initialiser returns `nil`. Non-finite samples (NaN or
/// infinite losses of diverged runs) are refused with ``StatisticsError/invalidArgument(_:)``:
/// filter them first and report how many there were. A sample so large in magnitude that the
/// standard deviation overflows throws ``StatisticsError/nonFiniteResult(function:)``.
///
/// For 3–5 seeds prefer the t-interval over a bootstrap: with n = 5 there are only 126 distinct
/// resamples.
public struct SampleSummary: Hashable, Sendable {
  /// Number of samples n ≥ 1.
  public let count: Int
  /// 1 − confidence level of ``meanInterval``.
  public let alpha: Double
  /// Arithmetic mean.
  public let mean: Double
  /// Sample standard deviation (divisor n − 1); `nil` when n = 1.
  public let standardDeviation: Double?
  /// (1 − α) t-interval for the mean; `nil` when n = 1.
  public let meanInterval: ClosedRange<Double>?
  /// Median (type-7 quantile at 0.5).
  public let median: Double
  /// First quartile (type-7 quantile at 0.25).
  public let lowerQuartile: Double
  /// Third quartile (type-7 quantile at 0.75).
  public let upperQuartile: Double
  /// Smallest sample.
  public let minimum: Double
  /// Largest sample.
  public let maximum: Double

  /// Summarises `samples`, or returns `nil` when it is empty.
  public init?(_ samples: [Double], alpha: Double = 0.05) throws(StatisticsError) {
    try Validation.alpha(alpha)
    try Validation.finite(samples, "samples")
    guard !samples.isEmpty else { return nil }
    let sorted = samples.sorted()
    (count, self.alpha) = (samples.count, alpha)
    mean = try GSL.mean(samples)
    (minimum, maximum) = (sorted[0], sorted[sorted.count - 1])
    median = try GSL.quantile(sorted: sorted, fraction: 0.5)
    lowerQuartile = try GSL.quantile(sorted: sorted, fraction: 0.25)
    upperQuartile = try GSL.quantile(sorted: sorted, fraction: 0.75)
    guard count >= 2 else {
      (standardDeviation, meanInterval) = (nil, nil)
      return
    }
    let sd = try GSL.standardDeviation(samples, mean: mean)
    guard sd.isFinite else { throw .nonFiniteResult(function: "gsl_stats_sd_m") }
    let quantile = try GSL.studentTQuantile(1 - alpha / 2, degreesOfFreedom: Double(count - 1))
    let halfWidth = quantile * sd / Double(count).squareRoot()
    guard halfWidth.isFinite else { throw .nonFiniteResult(function: "gsl_cdf_tdist_Pinv") }
    standardDeviation = sd
    meanInterval = (mean - halfWidth)...(mean + halfWidth)
  }
}
