extension DivergenceComparison {
  /// Probability that the two-sided Fisher test at level α rejects "equal divergence rates" when
  /// the true rates are `rateA` and `rateB` with `runsA` and `runsB` runs.
  ///
  /// Exact enumeration over both binomial outcomes:
  ///
  ///     power = Σ_{kA=0..nA} Σ_{kB=0..nB} Bin(kA; nA, pA)·Bin(kB; nB, pB)·[p_Fisher(kA, kB) ≤ α]
  ///
  /// with the significance rule of ``DivergenceComparison`` (tolerance 10⁻⁷ relative). At pA = pB
  /// the result is the test's actual size, at most α (Fisher's test is conservative). The cost is
  /// (nA + 1)(nB + 1) Fisher tests of O(nA + nB) each: fine for the tens of runs of a sweep.
  ///
  /// Rates outside [0, 1], negative run counts or α ∉ (0, 1) throw
  /// ``StatisticsError/invalidArgument(_:)``. With no runs in either variant the power is 0.
  public static func power(
    rateA: Double, runsA: Int, rateB: Double, runsB: Int, alpha: Double = 0.05
  ) throws(StatisticsError) -> Double {
    try Validation.probability(rateA, "rateA")
    try Validation.probability(rateB, "rateB")
    try Validation.count(runsA, "runsA")
    try Validation.count(runsB, "runsB")
    try Validation.alpha(alpha)
    var probabilityA = [Double]()
    for k in 0...runsA { probabilityA.append(try GSL.binomialProbability(k, p: rateA, n: runsA)) }
    var probabilityB = [Double]()
    for k in 0...runsB { probabilityB.append(try GSL.binomialProbability(k, p: rateB, n: runsB)) }
    var power = 0.0
    for kA in 0...runsA where probabilityA[kA] > 0 {
      for kB in 0...runsB where probabilityB[kB] > 0 {
        let test = try FisherExactPValues(a: kA, b: runsA - kA, c: kB, d: runsB - kB)
        if isSignificant(test.twoSidedPValue, alpha) {
          power += probabilityA[kA] * probabilityB[kB]
        }
      }
    }
    return min(1, power)
  }
}
