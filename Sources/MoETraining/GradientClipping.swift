import MoEKernels

/// Global gradient-norm clipping over a whole flat gradient arena.
///
///     n = ‖g‖₂ = √(Σₖ gₖ²)     (accumulated in Double)
///     if n > c:  g ← g · (c / n)
///
/// Squares are summed in Double, so gradients whose float32 squares would overflow (|g| ≳ 1.8e19)
/// still give a finite, correct norm. A non-finite norm (a NaN or ±∞ anywhere in g) is returned
/// as such and the gradients are left untouched: clipping never turns a broken gradient into
/// finite numbers that would hide the failure from the divergence detector.
public enum GradientClipping {
  /// The global L2 norm of `count` gradients, in Double.
  public static func globalNorm(_ gradients: UnsafePointer<Float>, count: Int) -> Double {
    Elementwise.sumOfSquares(gradients, count: count).squareRoot()
  }

  /// Scales `gradients` in place so their global L2 norm is at most `maximumNorm`.
  ///
  /// - Parameters:
  ///   - gradients: the flat gradient arena, scaled in place.
  ///   - count: number of gradients.
  ///   - maximumNorm: the limit c; 0 (or less) turns clipping off and only measures.
  /// - Returns: the norm before clipping (NaN or +∞ if any gradient is non-finite).
  @discardableResult
  public static func clip(
    _ gradients: UnsafeMutablePointer<Float>, count: Int, maximumNorm: Double
  ) -> Double {
    let norm = globalNorm(gradients, count: count)
    guard maximumNorm > 0, norm.isFinite, norm > maximumNorm else { return norm }
    let scale = Float(maximumNorm / norm)
    var k = 0
    while k + 8 <= count {
      gradients.store(gradients.lanes(at: k) * scale, at: k)
      k += 8
    }
    while k < count {
      gradients[k] *= scale
      k += 1
    }
    return norm
  }
}
