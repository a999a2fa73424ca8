import MoEStats
import Testing

/// Welch's unequal-variance t-test.
@Suite struct WelchTStatisticTests {
  // A = {1, 2, 3, 4}: x̄ = 2.5, s² = (2.25 + 0.25 + 0.25 + 2.25)/3 = 5/3, vA = s²/4 = 5/12.
  // B = {2, 4, 6, 8, 10}: x̄ = 6, s² = (16 + 4 + 0 + 4 + 16)/4 = 10, vB = 10/5 = 2.
  // t = (2.5 − 6)/√(5/12 + 2) = −3.5/√(29/12) = −2.2514363;
  // ν = (29/12)² / ((5/12)²/3 + 2²/4) = (841/144)/(25/432 + 1) = 2523/457 = 5.5207877.
  // p: scipy.stats.ttest_ind([1,2,3,4], [2,4,6,8,10], equal_var=False) (scipy 1.17.1) gives
  // statistic −2.2514363231593695, pvalue 0.06913359319239237, df 5.520787746170677.
  @Test func matchesHandComputationAndScipy() throws {
    let w = try #require(try WelchTStatistic([1, 2, 3, 4], [2, 4, 6, 8, 10]))
    #expect(w.meanDifference == -3.5)
    #expect(agrees(w.t, -3.5 / (29.0 / 12).squareRoot(), relative: 1e-12))
    #expect(agrees(w.degreesOfFreedom, 2523.0 / 457, relative: 1e-12))
    #expect(agrees(w.pValue, 0.06913359319239237, relative: 1e-8))
  }

  // The interval: scipy's TtestResult.confidence_interval(0.95) on the same samples (scipy 1.17.1)
  // gives (−7.385368080514045, 0.3853680805140449), and at 0.90 (−6.568411028749692,
  // −0.4315889712503096); both are −3.5 ± t·√(29/12).
  @Test func differenceIntervalMatchesScipy() throws {
    let w = try #require(try WelchTStatistic([1, 2, 3, 4], [2, 4, 6, 8, 10]))
    let interval95 = try w.differenceInterval()
    #expect(agrees(interval95.lowerBound, -7.385368080514045, relative: 1e-9))
    #expect(agrees(interval95.upperBound, 0.3853680805140449, relative: 1e-8))
    let interval90 = try w.differenceInterval(alpha: 0.1)
    #expect(agrees(interval90.lowerBound, -6.568411028749692, relative: 1e-9))
    #expect(agrees(interval90.upperBound, -0.4315889712503096, relative: 1e-8))
    #expect(throws: StatisticsError.self) { try w.differenceInterval(alpha: 1) }
  }

  // Unequal sizes with realistic losses. scipy.stats.ttest_ind(a, b, equal_var=False):
  // statistic −2.3709109729130833, pvalue 0.08467222850940444, df 3.564717991496227.
  @Test func matchesScipyOnLosses() throws {
    let w = try #require(try WelchTStatistic([2.31, 2.25, 2.40, 2.28, 2.35], [2.41, 2.38, 2.52]))
    #expect(agrees(w.t, -2.3709109729130833, relative: 1e-10))
    #expect(agrees(w.degreesOfFreedom, 3.564717991496227, relative: 1e-10))
    #expect(agrees(w.pValue, 0.08467222850940444, relative: 1e-8))
  }

  // One constant group: ν = n − 1 of the other exactly. {1,1,1} vs {2,3,4}: t = −2/√(1/3)
  // = −3.4641016; scipy (equal_var=False) gives pvalue 0.07417990022744854 with df 2.
  @Test func oneConstantGroupIsFine() throws {
    let w = try #require(try WelchTStatistic([1, 1, 1], [2, 3, 4]))
    #expect(agrees(w.degreesOfFreedom, 2, relative: 1e-12))
    #expect(agrees(w.t, -2 * 3.0.squareRoot(), relative: 1e-12))
    #expect(agrees(w.pValue, 0.07417990022744854, relative: 1e-8))
  }

  // Swapping the groups flips t and keeps ν and p.
  @Test func swappingGroupsFlipsT() throws {
    let ab = try #require(try WelchTStatistic([0.3, 0.9, 0.4], [1.2, 0.8, 1.9, 1.1]))
    let ba = try #require(try WelchTStatistic([1.2, 0.8, 1.9, 1.1], [0.3, 0.9, 0.4]))
    #expect(ab.t == -ba.t && ab.degreesOfFreedom == ba.degreesOfFreedom && ab.pValue == ba.pValue)
  }

  // Undefined cases give nil, never NaN: fewer than 2 samples, or both groups constant
  // (t = 0/0 with equal means, ±∞ with different means).
  @Test func undefinedCasesGiveNil() throws {
    #expect(try WelchTStatistic([1], [1, 2, 3]) == nil)
    #expect(try WelchTStatistic([1, 2, 3], []) == nil)
    #expect(try WelchTStatistic([2, 2, 2], [2, 2]) == nil)
    #expect(try WelchTStatistic([2, 2, 2], [5, 5]) == nil)
  }

  @Test func nonFiniteSamplesThrow() {
    #expect(throws: StatisticsError.self) { try WelchTStatistic([1, .nan, 2], [1, 2]) }
  }
}
