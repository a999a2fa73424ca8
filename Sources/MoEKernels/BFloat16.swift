/// Emulation of bfloat16 storage by rounding float32 values in place.
///
/// bfloat16 keeps float32's sign and 8 exponent bits and the top 7 of its 23 mantissa bits, so a
/// float32 rounded to bfloat16 is still a float32 whose low 16 bits are zero. Rounding is to
/// nearest, ties to even, on the bit pattern: `(b + 0x7FFF + ((b >> 16) & 1)) & 0xFFFF_0000`.
/// This is exact for normals and subnormals alike, overflows to ±infinity exactly where a
/// hardware conversion does, keeps ±infinity, and keeps NaN a (quiet) NaN.
///
/// The product of two bfloat16 values has at most 16 significant bits, so it is exact in
/// float32: an sgemm on rounded inputs with float32 accumulation is an exact emulation of a
/// bfloat16 matmul that accumulates in float32 (the TPU's MXU contract).
public enum BFloat16 {
  /// `value` rounded to the nearest bfloat16 (ties to even), returned as float32.
  @inline(__always)
  public static func round(_ value: Float) -> Float {
    let bits = value.bitPattern
    if (bits & 0x7F80_0000) == 0x7F80_0000 && (bits & 0x007F_FFFF) != 0 {
      return Float(bitPattern: (bits | 0x0040_0000) & 0xFFFF_0000)  // quiet NaN, sign kept
    }
    let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000
    return Float(bitPattern: rounded)
  }

  /// Rounds `count` values at `pointer` in place, eight lanes at a time
  /// (``LaneMath/roundedToBFloat16(_:)``, the same bits as ``round(_:)``).
  public static func roundInPlace(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
    round(from: pointer, into: pointer, count: count)
  }

  /// Writes `destination[i] = round(source[i])` for `count` values (the two may be the same
  /// buffer): one pass instead of a copy and a rounding pass.
  public static func round(
    from source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, count: Int
  ) {
    StepProfile.enter(.rounding)
    defer { StepProfile.leave() }
    roundWithoutProfiling(from: source, into: destination, count: count)
  }

  /// ``round(from:into:count:)`` for kernels that round what they just wrote (a row still in
  /// cache): no profile hook, so the time counts as the kernel's.
  @inline(__always)
  static func roundWithoutProfiling(
    from source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, count: Int
  ) {
    var i = 0
    while i + 16 <= count {
      let first = LaneMath.roundedToBFloat16(source.lanes(at: i))
      let second = LaneMath.roundedToBFloat16(source.lanes(at: i + 8))
      destination.store(first, at: i)
      destination.store(second, at: i + 8)
      i += 16
    }
    while i < count {
      destination[i] = round(source[i])
      i += 1
    }
  }

  /// True if `value` is exactly representable in bfloat16.
  public static func isRepresentable(_ value: Float) -> Bool {
    value.isNaN || (value.bitPattern & 0xFFFF) == 0
  }
}
