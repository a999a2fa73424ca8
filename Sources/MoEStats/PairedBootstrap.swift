/// A deterministic percentile bootstrap over paired units (seeds, say).
///
/// Each of ``resamples`` replicates draws `unitCount` unit indices uniformly with replacement
/// and evaluates the statistic on them; the (1 − α) interval is the type-7 quantiles at α/2 and
/// 1 − α/2 of the finite replicates (a replicate the statistic rejects, `nil`, is skipped and
/// counted). Resampling *units* keeps a unit's measurements together, so for a difference
/// between two arms measured on the same seeds the seed-to-seed variation common to both
/// cancels, as in a paired test.
///
/// The indices come from SplitMix64 (Steele, Lea and Flood 2014) started at ``seed``; an index
/// is the high 64 bits of `next() × unitCount`, whose bias is at most `unitCount / 2⁶⁴`. The
/// same seed, unit count, resample count and statistic give the same interval bit for bit, on
/// every platform.
public struct PairedBootstrap: Sendable {
  /// Number of replicates B.
  public let resamples: Int
  /// SplitMix64 starting state.
  public let seed: UInt64

  public init(resamples: Int = 2000, seed: UInt64 = 20_220_217) throws(StatisticsError) {
    guard resamples >= 1 else {
      throw .invalidArgument("resamples must be at least 1, got \(resamples)")
    }
    (self.resamples, self.seed) = (resamples, seed)
  }

  /// A percentile interval and what it was computed from.
  public struct Interval: Hashable, Sendable {
    /// Lower and upper ends; `nil` when no replicate was finite.
    public var range: ClosedRange<Double>?
    /// Replicates the statistic was defined on (the others were skipped).
    public var validResamples: Int
  }

  /// The (1 − α) percentile interval of `statistic` over `unitCount` paired units.
  ///
  /// `statistic` receives the resampled unit indices (length `unitCount`, values in
  /// `0..<unitCount`, repeats allowed) and returns nil when undefined on them. With
  /// `unitCount == 0` the interval is empty (`range == nil`).
  public func interval(
    unitCount: Int, alpha: Double = 0.05, statistic: ([Int]) -> Double?
  ) throws(StatisticsError) -> Interval {
    try Validation.alpha(alpha)
    try Validation.count(unitCount, "unitCount")
    guard unitCount > 0 else { return Interval(range: nil, validResamples: 0) }
    var generator = SplitMix64(state: seed)
    var replicates: [Double] = []
    replicates.reserveCapacity(resamples)
    var indices = [Int](repeating: 0, count: unitCount)
    for _ in 0..<resamples {
      for position in 0..<unitCount { indices[position] = generator.index(below: unitCount) }
      if let value = statistic(indices), value.isFinite { replicates.append(value) }
    }
    guard !replicates.isEmpty else { return Interval(range: nil, validResamples: 0) }
    replicates.sort()
    let lower = try GSL.quantile(sorted: replicates, fraction: alpha / 2)
    let upper = try GSL.quantile(sorted: replicates, fraction: 1 - alpha / 2)
    return Interval(range: lower...upper, validResamples: replicates.count)
  }
}

/// SplitMix64: state += 0x9E3779B97F4A7C15, then two xor-shift-multiply rounds of the state.
struct SplitMix64 {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// An index in `0..<bound` (`bound > 0`): the high word of `next() × bound`.
  mutating func index(below bound: Int) -> Int {
    Int(next().multipliedFullWidth(by: UInt64(bound)).high)
  }
}
