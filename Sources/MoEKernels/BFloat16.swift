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

  /// Rounds `count` values at `pointer` in place.
  public static func roundInPlace(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
    // Vectorised on the bit patterns; from the first block holding a NaN on, scalar.
    let raw = UnsafeMutableRawPointer(pointer)
    var index = 0
    while index + 8 <= count {
      let bits = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<UInt32>.self)
      // A lane is NaN when its exponent is all ones (adding one more exponent step carries into
      // bit 31) and its mantissa is non-zero (adding 0x7FFFFF carries into bit 23). Such a
      // block is left to the scalar path, which keeps the NaN quiet instead of rounding it.
      let exponentCarry = ((bits & 0x7F80_0000) &+ 0x0080_0000) &>> 31
      let mantissaCarry = ((bits & 0x007F_FFFF) &+ 0x007F_FFFF) &>> 23
      if (exponentCarry & mantissaCarry).wrappedSum() != 0 { break }
      let rounded = (bits &+ 0x7FFF &+ ((bits &>> 16) & 1)) & 0xFFFF_0000
      raw.storeBytes(of: rounded, toByteOffset: index * 4, as: SIMD8<UInt32>.self)
      index += 8
    }
    while index < count {
      pointer[index] = round(pointer[index])
      index += 1
    }
  }

  /// True if `value` is exactly representable in bfloat16.
  public static func isRepresentable(_ value: Float) -> Bool {
    value.isNaN || (value.bitPattern & 0xFFFF) == 0
  }
}
