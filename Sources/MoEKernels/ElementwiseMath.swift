#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@inline(__always) func _log(_ x: Double) -> Double { log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { cos(x) }

/// Scalar math used by the kernels, in one place so precision and speed choices are visible.
///
/// `exp`, `log` and `tanh` are the C library's single-precision functions (glibc's: < 1 ulp,
/// deterministic on one machine), used by softmaxes and soft-capping. GELU, the hottest
/// elementwise function (every FFN hidden unit, forward and backward), uses ``fastExp``, a
/// branch-free polynomial the compiler vectorises (see its error bound).
public enum ElementwiseMath {
  @inline(__always) public static func exp(_ x: Float) -> Float { expf(x) }
  @inline(__always) public static func log(_ x: Float) -> Float { logf(x) }
  @inline(__always) public static func tanh(_ x: Float) -> Float { tanhf(x) }

  /// e^x without branches or calls: x = n·ln2 + r with |r| ≤ ln2/2 (n by the 1.5·2²³
  /// round-to-nearest trick, ln2 split in a high part exact in float32 and a low part), e^r by
  /// its degree-6 Taylor polynomial (truncation ≤ (ln2/2)⁷/7! ≈ 1.2e-7), times 2ⁿ built in the
  /// exponent bits. Inputs are clamped to [−87, 88], so the result is a normal float32
  /// (e^-87 ≈ 1.6e-38 instead of a subnormal; e^88 ≈ 1.65e38 instead of +inf); NaN propagates
  /// as NaN. Measured max relative error against glibc's expf over [−87, 88]: < 4e-7
  /// (`ElementwiseMathTests`).
  @inline(__always) public static func fastExp(_ x: Float) -> Float {
    let clamped = x < -87 ? -87 : (x > 88 ? 88 : x)
    let shifter: Float = 12_582_912  // 1.5·2²³: adding it rounds to an integer in the low bits
    let shifted = clamped * 1.442_695_04 + shifter
    let n = shifted - shifter
    let r = (clamped - n * 0.693_359_375) + n * 2.121_944_4e-4
    var p: Float = 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let exponent = (shifted.bitPattern &- shifter.bitPattern &+ 127) << 23
    return p * Float(bitPattern: exponent) + (x - x)  // + (x − x) turns a NaN input into NaN
  }

  /// tanh via e^(2u): `1 − 2 / (e^(2u) + 1)`; absolute error < 1e-6, exact ±1 in the tails.
  @inline(__always) static func fastTanh(_ u: Float) -> Float {
    1 - 2 / (fastExp(2 * u) + 1)
  }

  static let geluScale: Float = 0.797_884_56  // sqrt(2/π)
  static let geluCubic: Float = 0.044_715

  /// The tanh approximation of GELU: `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
  @inline(__always) public static func gelu(_ x: Float) -> Float {
    0.5 * x * (1 + fastTanh(geluScale * (x + geluCubic * x * x * x)))
  }

  /// d gelu(x) / dx for the tanh approximation.
  @inline(__always) public static func geluDerivative(_ x: Float) -> Float {
    geluWithDerivative(x).derivative
  }

  /// GELU and its derivative from one tanh.
  @inline(__always) public static func geluWithDerivative(_ x: Float) -> (value: Float, derivative: Float) {
    let t = fastTanh(geluScale * (x + geluCubic * x * x * x))
    let value = 0.5 * x * (1 + t)
    let derivative = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * geluScale * (1 + 3 * geluCubic * x * x)
    return (value, derivative)
  }
}
