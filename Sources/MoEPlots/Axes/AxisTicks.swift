import Foundation

/// Tick values and their labels for one axis.
///
/// ```swift
/// AxisTicks.linear(covering: 0...0.93).values  // [0, 0.2, 0.4, 0.6, 0.8, 1]
/// AxisTicks.logarithmic(within: 1e-3...20).labels  // ["0.001", "0.01", "0.1", "1", "10"]
/// ```
public struct AxisTicks: Equatable, Sendable {
  /// Tick positions in data units, increasing.
  public let values: [Double]
  /// One label per value.
  public let labels: [String]

  init(values: [Double], labels: [String]) {
    precondition(values.count == labels.count)
    (self.values, self.labels) = (values, labels)
  }

  /// Heckbert's nice ticks covering `range`: the first tick is ≤ the lower bound and the last
  /// ≥ the upper bound, the step is 1, 2 or 5 times a power of ten.
  ///
  /// The step is the rounded nice number of (nice span) / (`targetCount` − 1), so the count is
  /// near `targetCount`, not equal to it. A single-value range `v...v` is widened to
  /// `v ± 10^⌊log₁₀|v|⌋` (`0...0` to `−1...1`) first. Bounds must be finite.
  public static func linear(covering range: ClosedRange<Double>, targetCount: Int = 5)
    -> AxisTicks
  {
    let (lower, upper) = widened(range)
    let step = niceStep(lower, upper, targetCount)
    return linear(
      step, from: Int(snapped(lower / step.value).rounded(.down)),
      through: Int(snapped(upper / step.value).rounded(.up)))
  }

  /// Nice ticks inside `range` (bounds included), with the step ``linear(covering:targetCount:)``
  /// would choose. Used for a fixed axis domain.
  public static func linear(within range: ClosedRange<Double>, targetCount: Int = 5)
    -> AxisTicks
  {
    let (lower, upper) = widened(range)
    let step = niceStep(lower, upper, targetCount)
    return linear(
      step, from: Int(snapped(lower / step.value).rounded(.up)),
      through: Int(snapped(upper / step.value).rounded(.down)))
  }

  /// Ticks for a logarithmic axis over a positive `range`.
  ///
  /// Powers of ten inside the range when there are at least three (every second, third, …
  /// when there are more than `maxCount`); else 1, 2 and 5 times powers of ten when that gives
  /// at least three; else nice linear ticks inside the range.
  public static func logarithmic(within range: ClosedRange<Double>, maxCount: Int = 8)
    -> AxisTicks
  {
    decades(within: range, maxCount: maxCount) ?? oneTwoFive(within: range)
      ?? linear(within: range, targetCount: 5)
  }

  /// Powers of ten inside `range`, thinned to at most `maxCount`; `nil` if fewer than three.
  static func decades(within range: ClosedRange<Double>, maxCount: Int = 8) -> AxisTicks? {
    let decades = logCandidates(within: range, multiples: [1])
    guard decades.count >= 3 else { return nil }
    let stride = (decades.count + maxCount - 1) / maxCount
    let kept = decades.filter { $0.e % stride == 0 }
    return AxisTicks(
      values: kept.map { TickStep.scaled($0.n, $0.e) },
      labels: kept.map { TickLabel.logarithmic($0.n, exponent: $0.e) })
  }

  /// 1, 2 and 5 times powers of ten inside `range`; `nil` if fewer than three.
  static func oneTwoFive(within range: ClosedRange<Double>) -> AxisTicks? {
    let candidates = logCandidates(within: range, multiples: [1, 2, 5])
    guard candidates.count >= 3 else { return nil }
    return AxisTicks(
      values: candidates.map { TickStep.scaled($0.n, $0.e) },
      labels: candidates.map { TickLabel.logarithmic($0.n, exponent: $0.e) })
  }

  /// The values `n · 10^e` (n from `multiples`) inside a positive `range`, increasing.
  private static func logCandidates(within range: ClosedRange<Double>, multiples: [Int])
    -> [(n: Int, e: Int)]
  {
    precondition(range.lowerBound > 0 && range.upperBound.isFinite, "log ticks need 0 < range")
    let first = TickStep.decade(of: range.lowerBound) - 1
    let last = TickStep.decade(of: range.upperBound) + 1
    return (first...last).flatMap { e in multiples.map { (n: $0, e: e) } }.filter {
      let value = TickStep.scaled($0.n, $0.e)
      return value >= range.lowerBound * (1 - 1e-12) && value <= range.upperBound * (1 + 1e-12)
    }
  }

  private static func linear(_ step: TickStep, from first: Int, through last: Int) -> AxisTicks {
    let multiples = Array(first...max(first, last))
    return AxisTicks(
      values: multiples.map(step.multiple),
      labels: multiples.map { TickLabel.linear($0 * step.mantissa, exponent: step.exponent) })
  }

  private static func niceStep(_ lower: Double, _ upper: Double, _ targetCount: Int) -> TickStep {
    let span = TickStep(near: upper - lower, rounding: false).value
    return TickStep(near: span / Double(max(2, targetCount) - 1), rounding: true)
  }

  /// `range`, or `v ± 10^⌊log₁₀|v|⌋` (`±1` for 0) when it is a single value `v`.
  private static func widened(_ range: ClosedRange<Double>) -> (Double, Double) {
    precondition(range.lowerBound.isFinite && range.upperBound.isFinite, "ticks need finite bounds")
    let (lower, upper) = (range.lowerBound, range.upperBound)
    // A span below 10⁻¹² of the magnitude is treated as one value: its ticks would need more
    // significant digits than a double has.
    guard upper - lower <= max(abs(lower), abs(upper)) * 1e-12 else { return (lower, upper) }
    let value = (lower + upper) / 2
    let pad = value == 0 ? 1 : TickStep.powerOfTen(TickStep.decade(of: abs(value)))
    return (value - pad, value + pad)
  }

  /// `q` rounded to the nearest integer when within 10⁻⁹ of it, so that 0.6 / 0.2 =
  /// 2.9999999999999996 counts as 3 rather than adding a tick.
  private static func snapped(_ q: Double) -> Double {
    let nearest = q.rounded()
    return abs(q - nearest) < 1e-9 ? nearest : q
  }
}
