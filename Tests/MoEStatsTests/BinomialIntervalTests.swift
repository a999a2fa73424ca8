import Foundation
import MoEStats
import Testing

struct BinomialCase: Sendable, CustomTestStringConvertible {
  var events: Int, trials: Int, method: BinomialInterval.Method, lower: Double, upper: Double
  var testDescription: String { "\(method) \(events)/\(trials)" }
}

/// Intervals for k diverged runs out of n.
@Suite struct BinomialIntervalTests {
  // Reference values: harness-practice.md §5.4 (GSL 2.7.1; agree with R `binom.test` for
  // Clopper–Pearson and with the Wilson formula); 4 decimals.
  @Test(arguments: [
    BinomialCase(events: 0, trials: 10, method: .clopperPearson, lower: 0, upper: 0.3085),
    BinomialCase(events: 3, trials: 10, method: .clopperPearson, lower: 0.0667, upper: 0.6525),
    BinomialCase(events: 5, trials: 5, method: .clopperPearson, lower: 0.4782, upper: 1),
    BinomialCase(events: 3, trials: 10, method: .wilson, lower: 0.1078, upper: 0.6032),
    BinomialCase(events: 0, trials: 5, method: .wilson, lower: 0, upper: 0.4345),
  ])
  func matchesReferenceValues(_ c: BinomialCase) throws {
    let interval = try #require(
      try BinomialInterval(events: c.events, trials: c.trials, method: c.method))
    #expect(matches(interval.lower, c.lower))
    #expect(matches(interval.upper, c.upper))
  }

  // Closed forms (harness-practice.md §5.4): CP 0/n upper = 1 − (α/2)^(1/n) and
  // CP n/n lower = (α/2)^(1/n), because Beta(1, n) and Beta(n, 1) have CDFs 1 − (1 − x)ⁿ and xⁿ.
  // The ends at 0 and 1 must be exact.
  @Test(arguments: [0.05, 0.1, 0.01])
  func clopperPearsonEdgesMatchClosedForms(alpha: Double) throws {
    for n in 1...40 {
      let none = try #require(
        try BinomialInterval(events: 0, trials: n, method: .clopperPearson, alpha: alpha))
      let all = try #require(
        try BinomialInterval(events: n, trials: n, method: .clopperPearson, alpha: alpha))
      let closedForm = pow(alpha / 2, 1 / Double(n))
      #expect(none.lower == 0 && all.upper == 1)
      #expect(agrees(none.upper, 1 - closedForm, relative: 1e-8), "n = \(n)")
      #expect(agrees(all.lower, closedForm, relative: 1e-8), "n = \(n)")
    }
  }

  // Swapping events and non-events mirrors the interval: [l, u] for k/n ⇔ [1 − u, 1 − l] for
  // (n − k)/n. Both methods are symmetric by construction, the code paths are not.
  @Test(arguments: BinomialInterval.Method.allCases)
  func intervalsMirrorUnderSwappingOutcomes(method: BinomialInterval.Method) throws {
    for n in 1...12 {
      for k in 0...n {
        let a = try #require(try BinomialInterval(events: k, trials: n, method: method))
        let b = try #require(try BinomialInterval(events: n - k, trials: n, method: method))
        #expect(
          agrees(a.lower, 1 - b.upper, relative: 1e-8)
            && agrees(a.upper, 1 - b.lower, relative: 1e-8))
        #expect(a.lower <= a.estimate && a.estimate <= a.upper)
      }
    }
  }

  // No runs: no estimate.
  @Test(arguments: BinomialInterval.Method.allCases)
  func zeroTrialsGiveNil(method: BinomialInterval.Method) throws {
    #expect(try BinomialInterval(events: 0, trials: 0, method: method) == nil)
  }

  @Test func impossibleCountsThrow() {
    #expect(throws: StatisticsError.self) { try BinomialInterval(events: 4, trials: 3) }
    #expect(throws: StatisticsError.self) { try BinomialInterval(events: -1, trials: 3) }
    #expect(throws: StatisticsError.self) { try BinomialInterval(events: 1, trials: 3, alpha: 0) }
  }
}
