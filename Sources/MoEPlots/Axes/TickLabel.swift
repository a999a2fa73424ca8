/// Tick label text built from integers, never from a float's shortest representation.
enum TickLabel {
  /// Steps from 10⁻⁶ up to 10⁸ get fixed decimals; smaller or larger ones get "2.5e-7" style.
  static let plainExponents = -6...8

  /// Label of `n · 10^e` on a linear axis with step exponent `e`: fixed `max(0, −e)` decimals,
  /// so every label of the axis has the same number of decimals ("0.0", "0.2", …, "1.0").
  static func linear(_ n: Int, exponent e: Int) -> String {
    guard plainExponents.contains(e) else { return scientific(n, exponent: e) }
    return FixedPoint.string(TickStep.scaled(n, e), decimals: max(0, -e))
  }

  /// Label of `n · 10^e` on a logarithmic axis: plain for 10⁻⁴…10⁵ ("0.001", "20"),
  /// else scientific ("1e-6", "5e7").
  static func logarithmic(_ n: Int, exponent e: Int) -> String {
    let magnitude = e + String(abs(n)).count - 1
    guard (-4...5).contains(magnitude) else { return scientific(n, exponent: e) }
    return FixedPoint.string(TickStep.scaled(n, e), decimals: max(0, -e))
  }

  /// `n · 10^e` as `d.ddde±x` with trailing zeros dropped: `(15, -6)` → `"1.5e-5"`.
  static func scientific(_ n: Int, exponent e: Int) -> String {
    guard n != 0 else { return "0" }
    var magnitude = abs(n)
    var exponent = e
    while magnitude % 10 == 0 {
      magnitude /= 10
      exponent += 1
    }
    let digits = String(magnitude)
    exponent += digits.count - 1
    let mantissa = digits.count == 1 ? digits : "\(digits.prefix(1)).\(digits.dropFirst())"
    return (n < 0 ? "-" : "") + mantissa + "e\(exponent)"
  }
}
