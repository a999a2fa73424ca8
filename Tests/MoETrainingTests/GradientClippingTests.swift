import MoETraining
import Testing

/// Global gradient-norm clipping.
@Suite struct GradientClippingTests {
  func clip(_ values: [Float], to limit: Double) -> (norm: Double, clipped: [Float]) {
    var copy = values
    let norm = copy.withUnsafeMutableBufferPointer {
      GradientClipping.clip($0.baseAddress!, count: $0.count, maximumNorm: limit)
    }
    return (norm, copy)
  }

  /// ‖[3, 4]‖ = 5 (the 3-4-5 triangle); limit 1 scales by 1/5 → [0.6, 0.8].
  @Test func gradientsAboveTheLimitAreScaledToIt() {
    let (norm, clipped) = clip([3, 4], to: 1)
    #expect(norm == 5)
    expectClose(clipped, [0.6, 0.8])
  }

  /// Limit 10 > 5 and limit 0 (off): unchanged, the norm is still reported.
  @Test func gradientsBelowTheLimitOrWithClippingOffAreUntouched() {
    #expect(clip([3, 4], to: 10) == (5, [3, 4]))
    #expect(clip([3, 4], to: 0) == (5, [3, 4]))
  }

  /// [3e20, 4e20]: float32 squares overflow (9e40 > 3.4e38), the Double sum does not:
  /// norm 5e20, clipped to [0.6, 0.8].
  @Test func normIsAccumulatedInDouble() {
    let (norm, clipped) = clip([3e20, 4e20], to: 1)
    expectClose(norm / 5e20, 1, tolerance: 1e-6)
    expectClose(clipped, [0.6, 0.8])
  }

  /// A NaN or ∞ gradient gives a non-finite norm and is never clipped into finite numbers.
  @Test func nonFiniteNormsAreReportedAndNotClipped() {
    let (nanNorm, nanValues) = clip([3, .nan, 4], to: 1)
    #expect(nanNorm.isNaN)
    #expect(nanValues[0] == 3 && nanValues[1].isNaN && nanValues[2] == 4)
    let (infiniteNorm, infiniteValues) = clip([3, .infinity], to: 1)
    #expect(infiniteNorm == .infinity)
    #expect(infiniteValues == [3, .infinity])
  }
}
