import MoEStats
import Testing

/// The restricted mean time to the event and the difference of two. References: hand
/// computation, and R 4.2 `survival` 3.5-3 (Debian 12's r-cran-survival):
/// `summary(survfit(Surv(time, status) ~ 1), rmean = tau)$table[c("rmean", "se(rmean)")]`.
@Suite struct RestrictedMeanTimeTests {
  // Events at 100 and 200, censored at 150 and 300, τ = 300. By hand: Ŝ = 1 on [0, 100),
  // 3/4 on [100, 200), 3/8 on [200, 300], area 100 + 75 + 37.5 = 212.5. A(200) = 37.5 with 2 at
  // risk, A(100) = 112.5 with 4: Var = 37.5²/(2·1) + 112.5²/(4·3) = 1757.8125. R: rmean
  // 212.5, se 41.9262745781.
  @Test func matchesHandComputationAndR() throws {
    let mean = try #require(
      try RestrictedMeanTime(
        EventTimeFixtures.sample(events: [100, 200], censored: [150, 300]), horizon: 300))
    #expect(mean.estimate == 212.5)
    #expect(agrees(mean.variance, 1757.8125, relative: 1e-12))
    #expect(matches(mean.standardError, 41.9262745781, places: 10))
  }

  // Tied events and runs trained to one length (times 10, 20, 20, 40 diverged, four completed
  // at 50): R rmean 36.25, se 5.5726732813. Every subject has the event (10, 20, 30): the last
  // term has nᵢ = dᵢ and adds nothing; R rmean 20, se 4.7140452079 (= √(200/9), by hand).
  @Test func tiesAndACurveThatReachesZero() throws {
    let tied = try #require(
      try RestrictedMeanTime(
        EventTimeFixtures.sample(events: [10, 20, 20, 40], censored: [50, 50, 50, 50]), horizon: 50)
    )
    #expect(agrees(tied.estimate, 36.25, relative: 1e-12))
    #expect(matches(tied.standardError, 5.5726732813, places: 10))
    let all = try #require(
      try RestrictedMeanTime(EventTimeFixtures.sample(events: [10, 20, 30]), horizon: 50))
    #expect(agrees(all.estimate, 20, relative: 1e-12))
    #expect(agrees(all.variance, 200.0 / 9, relative: 1e-12))
  }

  /// No event before τ: the whole horizon, with no variance; events after τ do not count.
  @Test func eventsAfterTheHorizonAreIgnored() throws {
    let mean = try #require(
      try RestrictedMeanTime(EventTimeFixtures.sample(events: [80], censored: [100]), horizon: 50))
    #expect(mean.estimate == 50 && mean.variance == 0)
    #expect(try RestrictedMeanTime([], horizon: 50) == nil)
    #expect(throws: StatisticsError.self) {
      try RestrictedMeanTime(EventTimeFixtures.sample(events: [1]), horizon: 0)
    }
    #expect(throws: StatisticsError.self) {
      try RestrictedMeanTime(EventTimeFixtures.sample(events: [.nan]), horizon: 10)
    }
  }

  // The Gehan leukaemia data (as in LogRankTestTests), τ = 23 weeks. R: 6-MP rmean
  // 17.9092436975, se 1.5531899782; placebo rmean 8.6666666667, se 1.3773900413. The
  // difference 9.2425770308 ± 1.959963984540054 · √(1.55319² + 1.37739²) (z from Python's
  // statistics.NormalDist) is [5.1737737319, 13.3113803297].
  @Test func differenceMatchesRsArmsOnTheGehanData() throws {
    let (mercaptopurine, placebo) = (EventTimeFixtures.mercaptopurine, EventTimeFixtures.placebo)
    let difference = try #require(
      try RestrictedMeanDifference(mercaptopurine, placebo, horizon: 23))
    #expect(matches(difference.a.estimate, 17.9092436975, places: 10))
    #expect(matches(difference.a.standardError, 1.5531899782, places: 10))
    #expect(matches(difference.b.estimate, 8.6666666667, places: 10))
    #expect(matches(difference.b.standardError, 1.3773900413, places: 10))
    #expect(matches(difference.estimate, 9.2425770308, places: 9))
    #expect(matches(difference.lower, 5.1737737319, places: 8))
    #expect(matches(difference.upper, 13.3113803297, places: 8))
    #expect(try RestrictedMeanDifference(placebo, [], horizon: 23) == nil)
  }
}
