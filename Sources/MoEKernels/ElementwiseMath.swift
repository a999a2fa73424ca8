#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@inline(__always) func _log(_ x: Double) -> Double { log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { cos(x) }

/// Scalar math used by the kernels, in one place so precision and speed choices are visible.
///
/// `log` and `tanh` are the C library's single-precision functions (glibc's: < 1 ulp,
/// deterministic on one machine), used once per softmax row and by soft-capping. Exponentials,
/// the hottest elementwise work (every softmax entry, every GELU unit forward and backward), use
/// one branch-free polynomial, ``exp(_:)``, whose lane-by-lane twin ``LaneMath/exp(_:)`` the
/// vector loops use: a kernel gives the same bits whatever part of it ran in lanes.
public enum ElementwiseMath {
  @inline(__always) public static func log(_ x: Float) -> Float { logf(x) }
  @inline(__always) public static func tanh(_ x: Float) -> Float { tanhf(x) }

  /// e^x without calls: x = n·ln2 + r with |r| ≤ ln2/2 (n by the 1.5·2²³ round-to-nearest
  /// trick, ln2 split in a high part exact in float32 and a low part), e^r by its degree-6
  /// Taylor polynomial (truncation ≤ (ln2/2)⁷/7! ≈ 1.2e-7), times 2ⁿ built in the exponent
  /// bits. Inputs are clamped to [−87, 88], so the result is a normal float32:
  /// e^−87 ≈ 1.6e-38 for anything below, −∞ included (a softmax probability of practically 0),
  /// and e^88 ≈ 1.65e38 for anything above, +∞ included; NaN stays NaN. Max relative error
  /// against double-precision exp over [−87, 88]: < 4e-7 (`ElementwiseMathTests`).
  @inline(__always) public static func exp(_ x: Float) -> Float {
    let low: Float = x < -87 ? -87 : x  // NaN compares false both times and passes through
    let clamped: Float = low > 88 ? 88 : low
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
    return p * Float(bitPattern: exponent)
  }

  /// ``exp(_:)`` except that ±∞ give NaN (what GELU's tanh uses; its inputs are finite).
  @inline(__always) public static func fastExp(_ x: Float) -> Float {
    exp(x) + (x - x)
  }

  /// tanh via e^(2u): `1 − 2 / (e^(2u) + 1)`; absolute error < 1e-6, exact ±1 in the tails.
  @inline(__always) static func fastTanh(_ u: Float) -> Float {
    1 - 2 / (fastExp(2 * u) + 1)
  }

  @usableFromInline static let geluScale: Float = 0.797_884_56  // sqrt(2/π)
  @usableFromInline static let geluCubic: Float = 0.044_715

  /// GELU's tanh term `t(x) = tanh(√(2/π)·(x + 0.044715·x³))`.
  @inline(__always) public static func geluTanh(_ x: Float) -> Float {
    fastTanh(geluScale * (x + geluCubic * x * x * x))
  }

  /// The tanh approximation of GELU: `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
  @inline(__always) public static func gelu(_ x: Float) -> Float {
    gelu(x, tanh: geluTanh(x))
  }

  /// GELU from its tanh term `t = geluTanh(x)`.
  @inline(__always) public static func gelu(_ x: Float, tanh t: Float) -> Float {
    0.5 * x * (1 + t)
  }

  /// d gelu(x) / dx for the tanh approximation.
  @inline(__always) public static func geluDerivative(_ x: Float) -> Float {
    geluDerivative(x, tanh: geluTanh(x))
  }

  /// d gelu(x) / dx from the tanh term `t = geluTanh(x)`:
  /// `0.5·(1 + t) + 0.5·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²)`.
  @inline(__always) public static func geluDerivative(_ x: Float, tanh t: Float) -> Float {
    0.5 * (1 + t) + 0.5 * x * (1 - t * t) * geluScale * (1 + 3 * geluCubic * x * x)
  }
}
