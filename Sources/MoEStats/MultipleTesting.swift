/// Corrections for testing several hypotheses at once, such as every variant against a baseline.
public enum MultipleTesting {
  /// Holm–Bonferroni adjusted p-values, in the order given.
  ///
  /// Sort the m p-values ascending, p₍₁₎ ≤ … ≤ p₍ₘ₎; then
  /// p̃₍ᵢ₎ = min(1, max over j ≤ i of (m − j + 1)·p₍ⱼ₎). Rejecting every hypothesis with p̃ ≤ α
  /// controls the family-wise error rate at α under any dependence, and is uniformly more powerful
  /// than plain Bonferroni (m·p). Ties keep their input order; the result matches R's
  /// `p.adjust(p, "holm")`.
  ///
  /// An empty list gives an empty list. A p-value outside [0, 1] (or NaN) throws
  /// ``StatisticsError/invalidArgument(_:)``.
  public static func holmAdjusted(_ pValues: [Double]) throws(StatisticsError) -> [Double] {
    for (index, p) in pValues.enumerated() {
      try Validation.probability(p, "pValues[\(index)]")
    }
    let m = pValues.count
    let order = pValues.indices.sorted { (pValues[$0], $0) < (pValues[$1], $1) }
    var adjusted = [Double](repeating: 0, count: m)
    var runningMax = 0.0
    for (rank, index) in order.enumerated() {
      runningMax = max(runningMax, min(1, Double(m - rank) * pValues[index]))
      adjusted[index] = runningMax
    }
    return adjusted
  }
}
