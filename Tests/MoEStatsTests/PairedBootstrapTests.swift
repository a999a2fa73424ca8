import Testing

@testable import MoEStats

/// The seeded percentile bootstrap.
@Suite struct PairedBootstrapTests {
  // SplitMix64 from state 0: 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F, the
  // values of Vigna's reference C implementation (splitmix64.c), which are widely tabulated.
  @Test func splitMixMatchesTheReferenceSequence() {
    var generator = SplitMix64(state: 0)
    #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
    #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
    #expect(generator.next() == 0x06C4_5D18_8009_454F)
  }

  // Two units with values 0 and 1, statistic the mean of the resample: the replicate is 0, 1/2
  // or 1 with probabilities 1/4, 1/2, 1/4, so with 4,000 replicates the 2.5% and 97.5%
  // quantiles are 0 and 1 (each end holds ~1,000 replicates, far more than the 100 at 2.5%),
  // and the 30% and 70% quantiles are 1/2.
  @Test func twoUnitsGiveTheHandComputedQuantiles() throws {
    let values = [0.0, 1.0]
    let bootstrap = try PairedBootstrap(resamples: 4000, seed: 7)
    func mean(_ indices: [Int]) -> Double? { indices.map { values[$0] }.reduce(0, +) / 2 }
    let wide = try bootstrap.interval(unitCount: 2, statistic: mean)
    #expect(wide.range == 0...1)
    #expect(wide.validResamples == 4000)
    let middle = try bootstrap.interval(unitCount: 2, alpha: 0.6, statistic: mean)
    #expect(middle.range == 0.5...0.5)
  }

  // A constant unit set gives a degenerate interval at the value; an undefined statistic is
  // skipped and counted.
  @Test func degenerateAndUndefinedCases() throws {
    let bootstrap = try PairedBootstrap(resamples: 100)
    let constant = try bootstrap.interval(unitCount: 5) { _ in 2.5 }
    #expect(constant.range == 2.5...2.5)
    let undefined = try bootstrap.interval(unitCount: 5) { _ in nil }
    #expect(undefined.range == nil && undefined.validResamples == 0)
    let empty = try bootstrap.interval(unitCount: 0) { _ in 1 }
    #expect(empty.range == nil)
    #expect(throws: StatisticsError.self) { try PairedBootstrap(resamples: 0) }
  }

  /// Same seed, same interval; another seed, (almost surely) other replicates.
  @Test func isDeterministic() throws {
    let values = [0.3, 1.7, 0.2, 0.9, 1.1, 0.4]
    func mean(_ indices: [Int]) -> Double? { indices.map { values[$0] }.reduce(0, +) / 6 }
    let first = try PairedBootstrap(resamples: 500, seed: 1).interval(unitCount: 6, statistic: mean)
    let again = try PairedBootstrap(resamples: 500, seed: 1).interval(unitCount: 6, statistic: mean)
    #expect(first == again)
    let other = try PairedBootstrap(resamples: 500, seed: 2).interval(unitCount: 6, statistic: mean)
    #expect(first != other)
  }
}
