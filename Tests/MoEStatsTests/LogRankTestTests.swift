import MoEStats
import Testing

/// The two-sample log-rank test.
@Suite struct LogRankTestTests {
  // A = {1, 2, 4+}, B = {2, 3, 5+} (+ = censored). By hand, at the event times:
  //   t = 1: n = 6, n_A = 3, d = 1, d_A = 1: E += 1/2,  V += 1·½·½·5/5 = 1/4;
  //   t = 2: n = 5, n_A = 2, d = 2, d_A = 1: E += 4/5,  V += 2·(2/5)(3/5)·3/4 = 9/25;
  //   t = 3: n = 3, n_A = 1, d = 1, d_A = 0: E += 1/3,  V += 1·(1/3)(2/3)·2/2 = 2/9;
  // O_A = 2, E_A = 49/30, V = 1/4 + 9/25 + 2/9 = 749/900, χ² = (11/30)² / (749/900) = 121/749.
  // scipy.stats.logrank (scipy 1.17.1) on the same data: statistic 0.40193125238302835 (its
  // signed square root), pvalue 0.6877346217696223.
  @Test func matchesHandComputationAndScipy() throws {
    let test = try #require(
      try LogRankTest(
        EventTimeFixtures.sample(events: [1, 2], censored: [4]),
        EventTimeFixtures.sample(events: [2, 3], censored: [5])))
    #expect(test.observedA == 2)
    #expect(agrees(test.expectedA, 49.0 / 30, relative: 1e-12))
    #expect(agrees(test.variance, 749.0 / 900, relative: 1e-12))
    #expect(agrees(test.statistic, 121.0 / 749, relative: 1e-12))
    #expect(agrees(test.statistic, 0.40193125238302835 * 0.40193125238302835, relative: 1e-12))
    #expect(agrees(test.pValue, 0.6877346217696223, relative: 1e-9))
  }

  // Freireich et al. (1963), remission times in weeks, 6-MP against placebo (R's MASS::gehan).
  // R's survdiff(Surv(time, cens) ~ treat, data = gehan) prints for 6-MP N 21, Observed 9,
  // Expected 19.3, and Chisq = 16.8 on 1 degree of freedom, p = 4e-05; scipy.stats.logrank
  // (1.17.1) gives statistic −4.097919104767264 (χ² = 16.792940989216536), pvalue
  // 4.168809109334529e-05.
  @Test func matchesTheGehanLeukaemiaExample() throws {
    let (mercaptopurine, placebo) = (EventTimeFixtures.mercaptopurine, EventTimeFixtures.placebo)
    let test = try #require(try LogRankTest(mercaptopurine, placebo))
    #expect(test.observedA == 9)
    #expect(matches(test.expectedA, 19.3, places: 1))
    #expect(agrees(test.statistic, 16.792940989216536, relative: 1e-10))
    #expect(agrees(test.pValue, 4.168809109334529e-05, relative: 1e-8))
  }

  /// Swapping the samples changes O − E's sign, not χ² or p.
  @Test func isSymmetric() throws {
    let a = EventTimeFixtures.sample(events: [3, 5, 8], censored: [10, 10])
    let b = EventTimeFixtures.sample(events: [1, 2, 2, 6], censored: [10])
    let ab = try #require(try LogRankTest(a, b))
    let ba = try #require(try LogRankTest(b, a))
    #expect(agrees(ab.statistic, ba.statistic, relative: 1e-12))
    #expect(agrees(ab.pValue, ba.pValue, relative: 1e-12))
    #expect(agrees(Double(ab.observedA) - ab.expectedA, ba.expectedA - Double(ba.observedA)))
  }

  /// No event anywhere: nothing to compare. A non-finite time is refused.
  @Test func undefinedAndInvalidInputs() throws {
    #expect(
      try LogRankTest(
        EventTimeFixtures.sample(events: [], censored: [5, 5]),
        EventTimeFixtures.sample(events: [], censored: [5])) == nil)
    #expect(throws: StatisticsError.self) {
      try LogRankTest(
        EventTimeFixtures.sample(events: [.nan]), EventTimeFixtures.sample(events: [1]))
    }
  }
}
