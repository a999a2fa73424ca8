#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@inline(__always) func _log(_ x: Double) -> Double { log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { cos(x) }

/// Scalar math used by the kernels, in one place so precision and speed choices are visible.
///
/// `exp` and `tanh` are the C library's single-precision functions (glibc's are correctly
/// rounded in practice to < 1 ulp and deterministic on one machine).
public enum ElementwiseMath {
  @inline(__always) public static func exp(_ x: Float) -> Float { expf(x) }
  @inline(__always) public static func log(_ x: Float) -> Float { logf(x) }
  @inline(__always) public static func tanh(_ x: Float) -> Float { tanhf(x) }

  static let geluScale: Float = 0.797_884_56  // sqrt(2/π)
  static let geluCubic: Float = 0.044_715

  /// The tanh approximation of GELU: `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
  @inline(__always) public static func gelu(_ x: Float) -> Float {
    0.5 * x * (1 + tanhf(geluScale * (x + geluCubic * x * x * x)))
  }

  /// d gelu(x) / dx for the tanh approximation.
  @inline(__always) public static func geluDerivative(_ x: Float) -> Float {
    let t = tanhf(geluScale * (x + geluCubic * x * x * x))
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * geluScale * (1 + 3 * geluCubic * x * x)
  }
}
