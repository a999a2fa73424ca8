import CGSL

/// Thin wrappers over the GSL functions MoEStats uses, one per function.
///
/// They do not validate: callers check arguments first (see `Validation.swift`). Errors GSL
/// reports anyway become ``StatisticsError`` through ``GSL/call(_:_:)``; integer arguments that do
/// not fit GSL's `unsigned int` become ``StatisticsError/invalidArgument(_:)`` instead of a trap.
extension GSL {
  /// Standard normal quantile Φ⁻¹(p) (`gsl_cdf_ugaussian_Pinv`).
  static func normalQuantile(_ p: Double) throws(StatisticsError) -> Double {
    try evaluate("gsl_cdf_ugaussian_Pinv") { gsl_cdf_ugaussian_Pinv(p) }
  }

  /// Quantile of Beta(a, b) at probability p (`gsl_cdf_beta_Pinv`); needs a, b > 0.
  static func betaQuantile(_ p: Double, a: Double, b: Double) throws(StatisticsError) -> Double {
    try evaluate("gsl_cdf_beta_Pinv") { gsl_cdf_beta_Pinv(p, a, b) }
  }

  /// Quantile of Student's t with ν degrees of freedom at probability p (`gsl_cdf_tdist_Pinv`).
  static func studentTQuantile(_ p: Double, degreesOfFreedom nu: Double) throws(StatisticsError)
    -> Double
  {
    try evaluate("gsl_cdf_tdist_Pinv") { gsl_cdf_tdist_Pinv(p, nu) }
  }

  /// Upper tail P(T > x) of Student's t with ν degrees of freedom (`gsl_cdf_tdist_Q`).
  static func studentTUpperTail(_ x: Double, degreesOfFreedom nu: Double) throws(StatisticsError)
    -> Double
  {
    try evaluate("gsl_cdf_tdist_Q") { gsl_cdf_tdist_Q(x, nu) }
  }

  /// Upper tail P(X > x) of the χ² distribution with ν degrees of freedom (`gsl_cdf_chisq_Q`).
  static func chiSquaredUpperTail(_ x: Double, degreesOfFreedom nu: Double) throws(StatisticsError)
    -> Double
  {
    try evaluate("gsl_cdf_chisq_Q") { gsl_cdf_chisq_Q(x, nu) }
  }

  /// Binomial probability P(K = k) for K ~ Binomial(n, p) (`gsl_ran_binomial_pdf`).
  static func binomialProbability(_ k: Int, p: Double, n: Int) throws(StatisticsError) -> Double {
    let (k32, n32) = (try unsigned(k, "k"), try unsigned(n, "n"))
    return try evaluate("gsl_ran_binomial_pdf") { gsl_ran_binomial_pdf(k32, p, n32) }
  }

  /// Hypergeometric probability P(X = k) = C(n1, k)·C(n2, t − k) / C(n1 + n2, t): k marked items
  /// when drawing t without replacement from n1 marked and n2 unmarked (`gsl_ran_hypergeometric_pdf`).
  static func hypergeometricProbability(_ k: Int, n1: Int, n2: Int, t: Int) throws(StatisticsError)
    -> Double
  {
    let (k32, n1_32, n2_32, t32) = try unsignedHypergeometric(k, n1, n2, t)
    return try evaluate("gsl_ran_hypergeometric_pdf") {
      gsl_ran_hypergeometric_pdf(k32, n1_32, n2_32, t32)
    }
  }

  /// Hypergeometric lower tail P(X ≤ k) (`gsl_cdf_hypergeometric_P`).
  static func hypergeometricLowerTail(_ k: Int, n1: Int, n2: Int, t: Int) throws(StatisticsError)
    -> Double
  {
    let (k32, n1_32, n2_32, t32) = try unsignedHypergeometric(k, n1, n2, t)
    return try evaluate("gsl_cdf_hypergeometric_P") {
      gsl_cdf_hypergeometric_P(k32, n1_32, n2_32, t32)
    }
  }

  /// Hypergeometric upper tail P(X > k) (`gsl_cdf_hypergeometric_Q`).
  static func hypergeometricUpperTail(_ k: Int, n1: Int, n2: Int, t: Int) throws(StatisticsError)
    -> Double
  {
    let (k32, n1_32, n2_32, t32) = try unsignedHypergeometric(k, n1, n2, t)
    return try evaluate("gsl_cdf_hypergeometric_Q") {
      gsl_cdf_hypergeometric_Q(k32, n1_32, n2_32, t32)
    }
  }

  /// Arithmetic mean (`gsl_stats_mean`, a running mean that does not overflow on large sums).
  static func mean(_ data: [Double]) throws(StatisticsError) -> Double {
    try evaluate("gsl_stats_mean") {
      data.withUnsafeBufferPointer { gsl_stats_mean($0.baseAddress, 1, $0.count) }
    }
  }

  /// Sample standard deviation with divisor n − 1 around a given mean (`gsl_stats_sd_m`).
  static func standardDeviation(_ data: [Double], mean: Double) throws(StatisticsError) -> Double {
    try evaluate("gsl_stats_sd_m") {
      data.withUnsafeBufferPointer { gsl_stats_sd_m($0.baseAddress, 1, $0.count, mean) }
    }
  }

  /// R type-7 quantile of ascending `sorted` data at fraction f ∈ [0, 1]
  /// (`gsl_stats_quantile_from_sorted_data`, which does not check sortedness).
  static func quantile(sorted: [Double], fraction f: Double) throws(StatisticsError) -> Double {
    try evaluate("gsl_stats_quantile_from_sorted_data") {
      sorted.withUnsafeBufferPointer {
        gsl_stats_quantile_from_sorted_data($0.baseAddress, 1, $0.count, f)
      }
    }
  }

  private static func unsigned(_ value: Int, _ name: String) throws(StatisticsError) -> UInt32 {
    guard let converted = UInt32(exactly: value) else {
      throw .invalidArgument("\(name) = \(value) is not in 0...\(UInt32.max)")
    }
    return converted
  }

  private static func unsignedHypergeometric(_ k: Int, _ n1: Int, _ n2: Int, _ t: Int)
    throws(StatisticsError) -> (UInt32, UInt32, UInt32, UInt32)
  {
    (try unsigned(k, "k"), try unsigned(n1, "n1"), try unsigned(n2, "n2"), try unsigned(t, "t"))
  }
}
