/// The p-values of Fisher's exact test for a 2×2 table `[[a, b], [c, d]]`.
///
/// Rows are the two variants, columns the outcome: variant A had `a` diverged and `b` healthy runs,
/// variant B `c` diverged and `d` healthy. Conditioning on all margins, X = a is hypergeometric:
/// P(X = k) = C(n1, k)·C(n2, t − k) / C(n1 + n2, t) with n1 = a + c (diverged runs), n2 = b + d
/// (healthy runs), t = a + b (runs of A), supported on max(0, t − n2)...min(t, n1).
///
/// - ``greaterPValue`` = P(X ≥ a): evidence that A diverges *more* (odds ratio > 1);
///   `gsl_cdf_hypergeometric_Q(a − 1, …)`, and exactly 1 when a = 0.
/// - ``lessPValue`` = P(X ≤ a): evidence that A diverges *less*; `gsl_cdf_hypergeometric_P(a, …)`.
/// - ``twoSidedPValue`` = Σ P(X = k) over the k with P(X = k) ≤ P(X = a)·(1 + 10⁻⁷): R's
///   `fisher.test` convention, where the relative tolerance keeps tables that tie in exact
///   arithmetic from being split by rounding.
///
/// A table with an empty row or column has only one possible outcome, so every p-value is 1.
/// Negative entries, or a total above `UInt32.max`, throw ``StatisticsError/invalidArgument(_:)``.
public struct FisherExactPValues: Hashable, Sendable {
  /// Which alternative hypothesis a p-value is for.
  public enum Alternative: String, Hashable, Sendable, CaseIterable {
    /// The odds ratio differs from 1 in either direction.
    case twoSided
    /// The first row (A) has the larger event rate (odds ratio > 1).
    case greater
    /// The first row (A) has the smaller event rate (odds ratio < 1).
    case less
  }

  /// Relative tolerance when comparing table probabilities for the two-sided p-value (R's).
  public static let relativeTolerance = 1e-7

  /// Table entries `[[a, b], [c, d]]`.
  public let a: Int, b: Int, c: Int, d: Int
  /// Two-sided p-value.
  public let twoSidedPValue: Double
  /// One-sided p-value P(X ≥ a) for "A has the larger rate".
  public let greaterPValue: Double
  /// One-sided p-value P(X ≤ a) for "A has the smaller rate".
  public let lessPValue: Double

  /// Tests the table `[[a, b], [c, d]]`.
  public init(a: Int, b: Int, c: Int, d: Int) throws(StatisticsError) {
    for (value, name) in [(a, "a"), (b, "b"), (c, "c"), (d, "d")] {
      try Validation.count(value, name)
    }
    guard a + b + c + d <= Validation.maximumCount else {
      throw .invalidArgument("table total \(a + b + c + d) exceeds \(Validation.maximumCount)")
    }
    (self.a, self.b, self.c, self.d) = (a, b, c, d)
    let (n1, n2, t) = (a + c, b + d, a + b)
    greaterPValue =
      a == 0 ? 1 : min(1, try GSL.hypergeometricUpperTail(a - 1, n1: n1, n2: n2, t: t))
    lessPValue = min(1, try GSL.hypergeometricLowerTail(a, n1: n1, n2: n2, t: t))
    let observed = try GSL.hypergeometricProbability(a, n1: n1, n2: n2, t: t)
    let threshold = observed * (1 + Self.relativeTolerance)
    var sum = 0.0
    for k in max(0, t - n2)...min(t, n1) {
      let probability = try GSL.hypergeometricProbability(k, n1: n1, n2: n2, t: t)
      if probability <= threshold { sum += probability }
    }
    twoSidedPValue = min(1, sum)
  }

  /// The p-value for `alternative`.
  public func pValue(_ alternative: Alternative) -> Double {
    switch alternative {
    case .twoSided: return twoSidedPValue
    case .greater: return greaterPValue
    case .less: return lessPValue
    }
  }
}
