import Foundation
import MoEKernels
import Testing

@Suite("Fast elementwise math against the C library")
struct ElementwiseMathTests {
  /// fastExp against glibc's double-precision exp (the independent reference) on a dense grid.
  @Test func fastExpRelativeError() {
    var worst: Double = 0
    var x: Float = -87
    while x <= 88 {
      let reference = Foundation.exp(Double(x))
      worst = max(worst, abs(Double(ElementwiseMath.fastExp(x)) - reference) / reference)
      x += 0.000_37
    }
    #expect(worst < 4e-7, "max relative error \(worst)")
    #expect(ElementwiseMath.fastExp(.nan).isNaN)
    #expect(ElementwiseMath.fastExp(-1000) > 0 && ElementwiseMath.fastExp(1000).isFinite)
    #expect(ElementwiseMath.fastExp(0) == 1)
  }

  /// The softmax exponential against double-precision exp (the independent reference) on a
  /// dense grid, and its documented clamps.
  @Test func expRelativeErrorAndClamps() {
    var worst: Double = 0
    var x: Float = -87
    while x <= 88 {
      let reference = Foundation.exp(Double(x))
      worst = max(worst, abs(Double(ElementwiseMath.exp(x)) - reference) / reference)
      x += 0.000_37
    }
    #expect(worst < 4e-7, "max relative error \(worst)")
    #expect(ElementwiseMath.exp(-.infinity) == ElementwiseMath.exp(-87))
    #expect(ElementwiseMath.exp(-.infinity) > 0 && ElementwiseMath.exp(-.infinity) < 2e-38)
    #expect(ElementwiseMath.exp(.infinity) == ElementwiseMath.exp(88))
    #expect(ElementwiseMath.exp(.nan).isNaN)
    #expect(ElementwiseMath.fastExp(.infinity).isNaN && ElementwiseMath.fastExp(-.infinity).isNaN)
  }

  /// GELU (tanh form) against a double-precision evaluation of the same formula.
  @Test func geluAbsoluteError() {
    var worst: Double = 0
    var x: Float = -12
    while x <= 12 {
      let d = Double(x)
      let reference =
        0.5 * d * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (d + 0.044715 * d * d * d)))
      worst = max(worst, abs(Double(ElementwiseMath.gelu(x)) - reference) / max(1, abs(reference)))
      x += 0.001
    }
    #expect(worst < 2e-6, "max error \(worst)")
  }
}
