/// Argument checks shared by the public entry points; each throws
/// ``StatisticsError/invalidArgument(_:)`` with the argument's name and value.
enum Validation {
  /// Largest count GSL's `unsigned int` arguments can carry (also bounds table totals).
  static let maximumCount = Int(UInt32.max)

  /// A significance level: finite and strictly between 0 and 1.
  static func alpha(_ alpha: Double) throws(StatisticsError) {
    guard alpha > 0 && alpha < 1 else {
      throw .invalidArgument("alpha must be in (0, 1), got \(alpha)")
    }
  }

  /// A probability: in [0, 1] (NaN is refused).
  static func probability(_ p: Double, _ name: String) throws(StatisticsError) {
    guard p >= 0 && p <= 1 else {
      throw .invalidArgument("\(name) must be in [0, 1], got \(p)")
    }
  }

  /// A count of runs: 0...maximumCount.
  static func count(_ n: Int, _ name: String) throws(StatisticsError) {
    guard n >= 0 && n <= maximumCount else {
      throw .invalidArgument("\(name) must be in 0...\(maximumCount), got \(n)")
    }
  }

  /// `k` events out of `n` trials: 0 ≤ k ≤ n ≤ maximumCount.
  static func events(_ k: Int, of n: Int, _ kName: String, _ nName: String)
    throws(StatisticsError)
  {
    try count(n, nName)
    guard k >= 0 && k <= n else {
      throw .invalidArgument("\(kName) must be in 0...\(nName) = 0...\(n), got \(k)")
    }
  }

  /// Samples must all be finite: diverged runs (NaN or infinite losses) are filtered by callers.
  static func finite(_ samples: [Double], _ name: String) throws(StatisticsError) {
    if let index = samples.firstIndex(where: { !$0.isFinite }) {
      throw .invalidArgument(
        "\(name)[\(index)] = \(samples[index]) is not finite (filter diverged runs first)")
    }
  }
}
