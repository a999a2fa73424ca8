import MoEStats
import Testing

/// Mean, sd, t-interval and type-7 quantiles of final losses.
@Suite struct SampleSummaryTests {
  // harness-practice.md §5.4: mean 2.3180, sd 0.0589, t-CI [2.2449, 2.3911], median 2.3100,
  // q25 2.2800. By hand: sorted {2.25, 2.28, 2.31, 2.35, 2.40}; type 7 at f: h = 4f, so q75 is
  // x₍₄₎ = 2.35 exactly; min 2.25, max 2.40.
  @Test func matchesReferenceSample() throws {
    let s = try #require(try SampleSummary([2.31, 2.25, 2.40, 2.28, 2.35]))
    #expect(s.count == 5)
    #expect(matches(s.mean, 2.3180) && matches(s.standardDeviation, 0.0589))
    #expect(
      matches(s.meanInterval?.lowerBound, 2.2449) && matches(s.meanInterval?.upperBound, 2.3911))
    #expect(matches(s.median, 2.3100) && matches(s.lowerQuartile, 2.2800))
    #expect(matches(s.upperQuartile, 2.35, places: 12))
    #expect(s.minimum == 2.25 && s.maximum == 2.40)
  }

  // Textbook case (harness-practice.md §5.4): {1, 2, 3} has mean 2, s = 1, and the 95% half-width
  // is t₀.₉₇₅,₂/√3 = 4.302653/√3. At α = 0.1 it is t₀.₉₅,₂/√3 with t₀.₉₅,₂ = 2.919986 (t table;
  // scipy.stats.t.ppf(0.95, 2) = 2.9199855803537242).
  @Test func textbookTInterval() throws {
    let s = try #require(try SampleSummary([1, 2, 3]))
    #expect(s.mean == 2 && matches(s.standardDeviation, 1, places: 12))
    #expect(matches(s.meanInterval?.upperBound, 2 + 4.302653 / 3.0.squareRoot(), places: 6))
    #expect(matches(s.meanInterval?.lowerBound, 2 - 4.302653 / 3.0.squareRoot(), places: 6))
    let wider = try #require(try SampleSummary([3, 1, 2], alpha: 0.1))
    #expect(
      matches(wider.meanInterval?.upperBound, 2 + 2.9199855803537242 / 3.0.squareRoot(), places: 9))
  }

  // Even n: R's quantile(c(1, 2, 3, 4)) gives 1.75, 2.5, 3.25 (h = 3f: 0.75, 1.5, 2.25).
  @Test func evenCountInterpolates() throws {
    let s = try #require(try SampleSummary([4, 1, 3, 2]))
    #expect(s.lowerQuartile == 1.75 && s.median == 2.5 && s.upperQuartile == 3.25)
  }

  // One sample: location is defined, spread is not (nil, never NaN).
  @Test func singleSampleHasNoSpread() throws {
    let s = try #require(try SampleSummary([2.5]))
    #expect(s.standardDeviation == nil && s.meanInterval == nil)
    #expect(s.mean == 2.5 && s.median == 2.5 && s.lowerQuartile == 2.5 && s.minimum == 2.5)
  }

  // Constant sample: s = 0 and the interval has width 0 (not NaN).
  @Test func constantSampleHasZeroWidthInterval() throws {
    let s = try #require(try SampleSummary([0.7, 0.7, 0.7, 0.7]))
    #expect(s.standardDeviation == 0 && s.meanInterval == 0.7...0.7)
  }

  @Test func emptySampleGivesNil() throws {
    #expect(try SampleSummary([]) == nil)
  }

  // Diverged runs must be filtered before summarising.
  @Test(arguments: [Double.nan, .infinity, -.infinity])
  func nonFiniteSamplesThrow(bad: Double) {
    #expect(throws: StatisticsError.self) { try SampleSummary([1, bad, 2]) }
  }
}
