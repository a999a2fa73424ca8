/// Deterministic decimal formatting that never goes through the C library or a locale.
///
/// Every number written into an SVG passes through here, so the same input always gives the
/// same bytes.
enum FixedPoint {
  /// Exact powers of ten 10⁰…10¹⁵ (each is representable as a `Double`).
  static let powersOfTen: [Double] = (0...15).map { exponent in
    (0..<exponent).reduce(1.0) { power, _ in power * 10 }
  }

  /// `value` with exactly `decimals` digits after the point: `(3.14159, 2)` → `"3.14"`.
  ///
  /// Rounds half away from zero on `value · 10^decimals`, so `0.30000000000000004` with one
  /// decimal is `"0.3"`. A result that would read as negative zero (`"-0.00"`) is written
  /// without the sign.
  ///
  /// - Precondition: `value` is finite, `decimals` is in `0...15` and
  ///   `|value| · 10^decimals < 2⁵³` (the scaled value must be an exact integer).
  static func string(_ value: Double, decimals: Int) -> String {
    precondition(value.isFinite, "FixedPoint.string needs a finite value")
    precondition((0...15).contains(decimals), "decimals must be in 0...15")
    let scaled = (value * powersOfTen[decimals]).rounded(.toNearestOrAwayFromZero)
    precondition(abs(scaled) < 9_007_199_254_740_992, "value too large for \(decimals) decimals")
    let magnitude = UInt64(abs(scaled))
    let sign = scaled < 0 && magnitude != 0 ? "-" : ""
    var digits = String(magnitude)
    guard decimals > 0 else { return sign + digits }
    if digits.count <= decimals {
      digits = String(repeating: "0", count: decimals + 1 - digits.count) + digits
    }
    let pointIndex = digits.index(digits.endIndex, offsetBy: -decimals)
    return sign + digits[..<pointIndex] + "." + digits[pointIndex...]
  }

  /// A pixel coordinate or length with two decimals; values beyond ±10⁷ px are clamped.
  ///
  /// Clamping keeps far-off-domain points (which a clip path hides anyway) formattable.
  static func coordinate(_ value: Double) -> String {
    string(min(max(value, -1e7), 1e7), decimals: 2)
  }
}
