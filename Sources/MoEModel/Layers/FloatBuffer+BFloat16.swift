import MoEKernels

extension FloatBuffer {
  /// Rounds every value to the nearest bfloat16 (ties to even) when `enabled`, else leaves the
  /// arena untouched: how the bfloat16 modes store an activation or activation gradient.
  @inline(__always)
  func roundToBFloat16(if enabled: Bool) {
    if enabled { BFloat16.roundInPlace(base, count: count) }
  }
}
