/// True when `value` equals a reference printed with `places` decimals.
///
/// That is, it lies within half a unit of the last printed place (plus a hair for rounding).
func matches(_ value: Double?, _ reference: Double, places: Int = 4) -> Bool {
  guard let value else { return false }
  var halfUnit = 0.5
  for _ in 0..<places { halfUnit /= 10 }
  return abs(value - reference) <= halfUnit * (1 + 1e-9)
}

/// True when `value` agrees with an independently computed full-precision reference.
func agrees(_ value: Double?, _ reference: Double, relative: Double = 1e-9) -> Bool {
  guard let value else { return false }
  return abs(value - reference) <= relative * max(1, abs(reference))
}
