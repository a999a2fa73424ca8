import MoEStats
import Testing

struct VerdictCase: Sendable, CustomTestStringConvertible {
  var kA: Int, nA: Int, kB: Int, nB: Int, alpha: Double, verdict: DivergenceVerdict
  var testDescription: String { "\(kA)/\(nA) vs \(kB)/\(nB) at \(alpha)" }
}

/// Verdicts on two variants' divergence counts, and the power of the underlying Fisher test.
@Suite struct DivergenceComparisonTests {
  @Test(arguments: [
    // Fisher [[5,0],[0,5]]: two-sided 0.0079 (harness-practice.md §5.4) ≤ 0.05.
    VerdictCase(kA: 5, nA: 5, kB: 0, nB: 5, alpha: 0.05, verdict: .aDivergesMore),
    VerdictCase(kA: 0, nA: 5, kB: 5, nB: 5, alpha: 0.05, verdict: .aDivergesLess),
    // Fisher [[0,5],[4,1]]: two-sided 0.0476 (§5.4) ≤ 0.05.
    VerdictCase(kA: 0, nA: 5, kB: 4, nB: 5, alpha: 0.05, verdict: .aDivergesLess),
    // Fisher [[3,1],[1,3]]: 0.4857 (§5.4); 4 vs 4 runs could reach 2/70 = 0.0286.
    VerdictCase(kA: 3, nA: 4, kB: 1, nB: 4, alpha: 0.05, verdict: .noSignificantDifference),
    // 3 vs 3 runs: the best possible p is 2/C(6,3) = 0.1 > 0.05, even for 3/3 vs 0/3 ...
    VerdictCase(kA: 3, nA: 3, kB: 0, nB: 3, alpha: 0.05, verdict: .notEnoughRuns),
    // ... but at α = 0.1 that table is exactly on the boundary and counts (scipy's
    // fisher_exact prints 0.10000000000000002 for it, GSL's sum 0.09999999999999992).
    VerdictCase(kA: 3, nA: 3, kB: 0, nB: 3, alpha: 0.1, verdict: .aDivergesMore),
    // Boundary cases where GSL's rounded p lands *above* the exact value, found by comparing a
    // C program's GSL sums with exact fractions in python: 6/6 vs 0/6 has p = 2/C(12,6) = 1/462
    // but sums to 0.0021645021645021684 > 1/462; 1/1 vs 0/8 has p = 1/9 but sums to
    // 0.11111111111111124. Only the relative tolerance keeps them significant at α = p.
    VerdictCase(kA: 6, nA: 6, kB: 0, nB: 6, alpha: 1.0 / 462, verdict: .aDivergesMore),
    VerdictCase(kA: 1, nA: 1, kB: 0, nB: 8, alpha: 1.0 / 9, verdict: .aDivergesMore),
    // 1 vs 1 run: best p = 1.
    VerdictCase(kA: 1, nA: 1, kB: 0, nB: 1, alpha: 0.05, verdict: .notEnoughRuns),
    // No runs at all for B.
    VerdictCase(kA: 2, nA: 6, kB: 0, nB: 0, alpha: 0.05, verdict: .notEnoughRuns),
    // Equal rates.
    VerdictCase(kA: 2, nA: 10, kB: 2, nB: 10, alpha: 0.05, verdict: .noSignificantDifference),
  ])
  func verdicts(_ c: VerdictCase) throws {
    let verdict = try DivergenceVerdict(
      divergedA: c.kA, runsA: c.nA, divergedB: c.kB, runsB: c.nB, alpha: c.alpha)
    #expect(verdict == c.verdict)
  }

  // The smallest two-sided p for run counts (nA, nB) is 2/C(nA+nB, nA) when nA = nB and
  // 1/C(nA+nB, nA) otherwise (the extreme table is the only one with probability 1/C, and its
  // mirror has the same probability only when nA = nB). Binomial coefficients by hand:
  // C(10,5) = 252, C(7,3) = 35, C(5,2) = 10, C(8,4) = 70, C(2,1) = 2.
  @Test func smallestAchievablePValueMatchesBinomialCoefficients() throws {
    let cases: [(Int, Int, Double)] = [
      (5, 5, 2.0 / 252), (3, 4, 1.0 / 35), (2, 3, 1.0 / 10), (4, 4, 2.0 / 70), (1, 1, 1), (0, 7, 1),
    ]
    for (nA, nB, expected) in cases {
      let p = try DivergenceComparison.smallestAchievablePValue(runsA: nA, runsB: nB)
      #expect(agrees(p, expected, relative: 1e-10), "nA = \(nA), nB = \(nB)")
    }
  }

  // The extreme table really is the minimum: brute force over every outcome for small n.
  @Test func smallestAchievablePValueIsTheMinimumOverAllOutcomes() throws {
    for nA in 0...6 {
      for nB in 0...6 {
        var smallest = 1.0
        for kA in 0...nA {
          for kB in 0...nB {
            let test = try FisherExactPValues(a: kA, b: nA - kA, c: kB, d: nB - kB)
            smallest = min(smallest, test.twoSidedPValue)
          }
        }
        let claimed = try DivergenceComparison.smallestAchievablePValue(runsA: nA, runsB: nB)
        #expect(agrees(claimed, smallest, relative: 1e-12), "nA = \(nA), nB = \(nB)")
      }
    }
  }

  // One run each: the only tables have p = 1, so the test never rejects.
  @Test(arguments: [(0.0, 1.0), (0.5, 0.5), (1.0, 0.0)])
  func powerIsZeroWithOneRunEach(rates: (Double, Double)) throws {
    let power = try DivergenceComparison.power(rateA: rates.0, runsA: 1, rateB: rates.1, runsB: 1)
    #expect(power == 0)
  }

  // 3 vs 3 runs at α = 0.12: only 3/3 vs 0/3 and 0/3 vs 3/3 reject (p = 0.1; the next most
  // extreme tables, e.g. [[3,0],[1,2]], have p = 8/20 = 0.4 by hand), so
  // power = pA³(1 − pB)³ + (1 − pA)³pB³. At (0.9, 0.1): 0.729² + 0.001² = 0.531442;
  // at (0.5, 0.5): 2/64 = 0.03125; at (1, 0): 1.
  @Test func powerWithThreeRunsEachByHand() throws {
    for (pA, pB, expected) in [(0.9, 0.1, 0.531442), (0.5, 0.5, 0.03125), (1.0, 0.0, 1.0)] {
      let power = try DivergenceComparison.power(
        rateA: pA, runsA: 3, rateB: pB, runsB: 3, alpha: 0.12)
      #expect(agrees(power, expected, relative: 1e-10), "pA = \(pA), pB = \(pB)")
    }
  }

  // Independent enumeration in python 3.11 with scipy.stats.fisher_exact (two-sided) and
  // scipy.stats.binom.pmf, rejecting when p ≤ α·(1 + 1e-7):
  // power(0.8, 5, 0.1, 5, 0.05) = 0.5428521024, power(0.5, 10, 0.1, 8, 0.05) = 0.335934494375.
  @Test func powerMatchesScipyEnumeration() throws {
    let a = try DivergenceComparison.power(rateA: 0.8, runsA: 5, rateB: 0.1, runsB: 5, alpha: 0.05)
    let b = try DivergenceComparison.power(rateA: 0.5, runsA: 10, rateB: 0.1, runsB: 8, alpha: 0.05)
    #expect(agrees(a, 0.5428521024, relative: 1e-9))
    #expect(agrees(b, 0.335934494375, relative: 1e-9))
  }

  // With pB fixed, power grows as pA moves away from pB; at pA = pB it is the size of the test,
  // at most α because Fisher's test is conservative.
  @Test func powerGrowsWithTheGapAndRespectsAlphaUnderTheNull() throws {
    var previous = 0.0
    for step in 0...9 {
      let pA = 0.1 + 0.1 * Double(step)
      let power = try DivergenceComparison.power(rateA: pA, runsA: 8, rateB: 0.1, runsB: 8)
      #expect(power >= previous - 1e-12, "pA = \(pA)")
      previous = power
    }
    #expect(previous > 0.9)  // pA = 1 vs pB = 0.1 with 8 runs each is usually detected
    for p in [0.05, 0.2, 0.5, 0.8] {
      #expect(try DivergenceComparison.power(rateA: p, runsA: 8, rateB: p, runsB: 8) <= 0.05)
    }
  }

  @Test func invalidArgumentsThrow() {
    #expect(throws: StatisticsError.self) {
      try DivergenceComparison(divergedA: 4, runsA: 3, divergedB: 0, runsB: 3)
    }
    #expect(throws: StatisticsError.self) {
      try DivergenceComparison.power(rateA: 1.2, runsA: 3, rateB: 0, runsB: 3)
    }
  }
}
