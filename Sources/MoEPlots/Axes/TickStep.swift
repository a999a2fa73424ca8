import Foundation

/// A tick spacing `mantissa · 10^exponent` with `mantissa` ∈ {1, 2, 5}: the "nice numbers".
///
/// Multiples are computed as an integer times an exact power of ten (or divided by one), so
/// `3 × 0.1` is the double nearest to 0.3, not `0.30000000000000004`.
struct TickStep: Equatable {
  let mantissa: Int
  let exponent: Int

  /// The nice number nearest `x` (`rounding`) or the smallest one ≥ `x` (not rounding).
  ///
  /// Heckbert, "Nice numbers for graph labels", Graphics Gems (1990). With f = x / 10^⌊log₁₀x⌋
  /// in [1, 10): rounding picks 1 (f < 1.5), 2 (f < 3), 5 (f < 7), else 10; the ceiling picks
  /// 1 (f ≤ 1), 2 (f ≤ 2), 5 (f ≤ 5), else 10. 10 becomes 1 of the next decade.
  ///
  /// - Precondition: `x` is finite and positive.
  init(near x: Double, rounding: Bool) {
    precondition(x.isFinite && x > 0, "a tick step needs a finite positive span")
    let exponent = Self.decade(of: x)
    let fraction =
      exponent >= 0 ? x / Self.powerOfTen(exponent) : x * Self.powerOfTen(-exponent)
    let mantissa: Int
    if rounding {
      mantissa = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
    } else {
      mantissa = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
    }
    self = mantissa == 10 ? TickStep(1, exponent + 1) : TickStep(mantissa, exponent)
  }

  init(_ mantissa: Int, _ exponent: Int) {
    (self.mantissa, self.exponent) = (mantissa, exponent)
  }

  /// The spacing as a number.
  var value: Double { multiple(1) }

  /// `k · mantissa · 10^exponent`, correctly rounded for |exponent| ≤ 22.
  func multiple(_ k: Int) -> Double {
    Self.scaled(k * mantissa, exponent)
  }

  /// `n · 10^e`, correctly rounded for |e| ≤ 22 and |n| < 2⁵³.
  static func scaled(_ n: Int, _ e: Int) -> Double {
    e >= 0 ? Double(n) * powerOfTen(e) : Double(n) / powerOfTen(-e)
  }

  /// The e with 10^e ≤ x < 10^(e+1), for finite positive x.
  ///
  /// `log10` may be off by one ulp at exact powers of ten; the result is pinned by comparing
  /// with the power itself.
  static func decade(of x: Double) -> Int {
    var exponent = Int((log10(x)).rounded(.down))
    if powerOfTen(exponent) > x { exponent -= 1 }
    if powerOfTen(exponent + 1) <= x { exponent += 1 }
    return exponent
  }

  /// 10^e, exact for 0 ≤ e ≤ 22.
  static func powerOfTen(_ e: Int) -> Double {
    if e < 0 { return 1 / powerOfTen(-e) }
    if e <= 22 { return (0..<e).reduce(1.0) { power, _ in power * 10 } }
    return pow(10, Double(e))
  }
}
