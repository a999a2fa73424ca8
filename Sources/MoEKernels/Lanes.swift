#if arch(x86_64)
  import _Builtin_intrinsics.intel
#endif

/// Eight float32 lanes: the unit of the kernels' explicit vector loops.
///
/// At the portable x86-64 baseline (SSE2) one value is two 128-bit registers, so each
/// operation is two independent instructions; a wider target uses one 256-bit register.
/// Only operations that lower to vector instructions are used (Swift 6.3 turns SIMD
/// comparisons, `pointwiseMin`/`Max`, float→int conversion and `squareRoot()` into per-lane
/// code): arithmetic, bit operations on the bit pattern, shifts, bit casts, and unaligned loads
/// and stores through raw pointers. Every lane function below computes exactly what its scalar
/// counterpart computes (same operations in the same order, no fused multiply-add), so a
/// vector loop with a scalar tail gives the same bits as the scalar loop.
public typealias Lanes = SIMD8<Float>

extension UnsafePointer where Pointee == Float {
  /// The eight floats at `self + index`, any alignment.
  @inlinable @inline(__always)
  public func lanes(at index: Int) -> Lanes {
    UnsafeRawPointer(self + index).loadUnaligned(as: Lanes.self)
  }

  /// The `count` (< 8) floats at `self + index` in the first lanes, `padding` in the others;
  /// nothing past them is read.
  @inlinable @inline(__always)
  public func lanes(at index: Int, count: Int, padding: Float) -> Lanes {
    var value = Lanes(repeating: padding)
    for lane in 0..<count { value[lane] = self[index + lane] }
    return value
  }
}

extension UnsafeMutablePointer where Pointee == Float {
  /// The eight floats at `self + index`, any alignment.
  @inlinable @inline(__always)
  public func lanes(at index: Int) -> Lanes {
    UnsafeRawPointer(self + index).loadUnaligned(as: Lanes.self)
  }

  /// Stores eight floats at `self + index`, any alignment.
  @inlinable @inline(__always)
  public func store(_ value: Lanes, at index: Int) {
    UnsafeMutableRawPointer(self + index).storeBytes(of: value, as: Lanes.self)
  }

  /// Stores the first `count` (< 8) lanes at `self + index`; nothing past them is written.
  @inlinable @inline(__always)
  public func store(_ value: Lanes, at index: Int, count: Int) {
    for lane in 0..<count { self[index + lane] = value[lane] }
  }
}

extension UnsafeMutablePointer where Pointee == Double {
  /// The four doubles at `self + index`, any alignment.
  @inlinable @inline(__always)
  public func lanes(at index: Int) -> SIMD4<Double> {
    UnsafeRawPointer(self + index).loadUnaligned(as: SIMD4<Double>.self)
  }

  /// Stores four doubles at `self + index`, any alignment.
  @inlinable @inline(__always)
  public func store(_ value: SIMD4<Double>, at index: Int) {
    UnsafeMutableRawPointer(self + index).storeBytes(of: value, as: SIMD4<Double>.self)
  }
}

/// Lane-wise math without comparisons or per-lane fallbacks.
public enum LaneMath {
  public typealias Bits = SIMD8<UInt32>
  public typealias SignedBits = SIMD8<Int32>

  @inlinable @inline(__always)
  public static func bits(_ value: Lanes) -> Bits { unsafeBitCast(value, to: Bits.self) }

  @inlinable @inline(__always)
  public static func float(_ bits: Bits) -> Lanes { unsafeBitCast(bits, to: Lanes.self) }

  /// All ones in the lanes whose sign bit is set (negative numbers, −0, negative NaNs).
  @inlinable @inline(__always)
  public static func signMask(_ value: Lanes) -> Bits {
    unsafeBitCast(unsafeBitCast(value, to: SignedBits.self) &>> 31, to: Bits.self)
  }

  /// `mask ? a : b` lane by lane, for masks of all ones or all zeros.
  @inlinable @inline(__always)
  public static func select(_ mask: Bits, _ a: Lanes, _ b: Lanes) -> Lanes {
    float((bits(a) & mask) | (bits(b) & ~mask))
  }

  /// `a > b ? a : b` lane by lane: a NaN in `a` or `b` yields `b`, so
  /// `maximum(x, runningMax)` skips NaNs in x as `Swift.max(runningMax, x)` does.
  @inlinable @inline(__always)
  public static func maximum(_ a: Lanes, _ b: Lanes) -> Lanes {
    #if arch(x86_64)
      Lanes(lowHalf: _mm_max_ps(a.lowHalf, b.lowHalf), highHalf: _mm_max_ps(a.highHalf, b.highHalf))
    #else
      b.replacing(with: a, where: a .> b)
    #endif
  }

  /// `a < b ? a : b` lane by lane: a NaN in `a` or `b` yields `b`.
  @inlinable @inline(__always)
  public static func minimum(_ a: Lanes, _ b: Lanes) -> Lanes {
    #if arch(x86_64)
      Lanes(lowHalf: _mm_min_ps(a.lowHalf, b.lowHalf), highHalf: _mm_min_ps(a.highHalf, b.highHalf))
    #else
      b.replacing(with: a, where: a .< b)
    #endif
  }

  /// The largest lane (NaN lanes skipped unless all are NaN).
  @inlinable @inline(__always)
  public static func largestLane(_ value: Lanes) -> Float {
    var result = value[0]
    for lane in 1..<8 { result = Swift.max(result, value[lane]) }
    return result
  }

  /// |x| lane by lane (the sign bit cleared).
  @inlinable @inline(__always)
  public static func magnitude(_ value: Lanes) -> Lanes {
    float(bits(value) & 0x7FFF_FFFF)
  }

  /// All ones in lanes `0 ..< count`, zeros above (count in 0...8).
  @inlinable @inline(__always)
  public static func firstLanes(_ count: Int) -> Bits {
    let index = SignedBits(0, 1, 2, 3, 4, 5, 6, 7)
    return unsafeBitCast((index &- SignedBits(repeating: Int32(count))) &>> 31, to: Bits.self)
  }

  /// Correctly rounded square root (IEEE `sqrt`, as `Float.squareRoot()`), lane by lane.
  @inlinable @inline(__always)
  public static func squareRoot(_ value: Lanes) -> Lanes {
    #if arch(x86_64)
      Lanes(lowHalf: _mm_sqrt_ps(value.lowHalf), highHalf: _mm_sqrt_ps(value.highHalf))
    #else
      value.squareRoot()
    #endif
  }

  /// ``BFloat16/round(_:)`` lane by lane: nearest, ties to even, NaN kept a quiet NaN with its
  /// sign and top payload bits. In NaN lanes the rounding increment is dropped and the quiet bit
  /// set, so the sum cannot carry into the exponent or the sign.
  @inlinable @inline(__always)
  public static func roundedToBFloat16(_ value: Lanes) -> Lanes {
    let b = bits(value)
    let increment = ((b &>> 16) & 1) &+ 0x7FFF
    let nan = nanMask(value)
    return float(((b | (nan & 0x0040_0000)) &+ (increment & ~nan)) & 0xFFFF_0000)
  }

  /// All ones in the NaN lanes.
  @inlinable @inline(__always)
  public static func nanMask(_ value: Lanes) -> Bits {
    #if arch(x86_64)
      let low = _mm_cmpunord_ps(value.lowHalf, value.lowHalf)
      let high = _mm_cmpunord_ps(value.highHalf, value.highHalf)
      return bits(Lanes(lowHalf: low, highHalf: high))
    #else
      // NaN exactly when 0x7F80_0000 − |bits| is negative.
      let magnitude = bits(value) & 0x7FFF_FFFF
      return unsafeBitCast(
        unsafeBitCast(Bits(repeating: 0x7F80_0000) &- magnitude, to: SignedBits.self) &>> 31,
        to: Bits.self)
    #endif
  }

  /// ``ElementwiseMath/fastExp(_:)`` lane by lane.
  @inlinable @inline(__always)
  public static func fastExp(_ x: Lanes) -> Lanes {
    exp(x) + (x - x)
  }

  /// ``ElementwiseMath/exp(_:)`` lane by lane: the softmaxes' exponential (clamped to
  /// [−87, 88], so −∞ gives e^−87 and +∞ gives e^88; NaN stays NaN).
  @inlinable @inline(__always)
  public static func exp(_ x: Lanes) -> Lanes {
    // Constant first: the x86 max/min return their second operand when either is NaN.
    let clamped = minimum(Lanes(repeating: 88), maximum(Lanes(repeating: -87), x))
    let shifter = Lanes(repeating: 12_582_912)
    let shifted = clamped * 1.442_695_04 + shifter
    let n = shifted - shifter
    let r = (clamped - n * 0.693_359_375) + n * 2.121_944_4e-4
    var p = Lanes(repeating: 1.0 / 720)
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let exponent = (bits(shifted) &- bits(shifter) &+ 127) &<< 23
    return p * float(exponent)
  }

  /// ``ElementwiseMath/geluTanh(_:)`` lane by lane.
  @inlinable @inline(__always)
  public static func geluTanh(_ x: Lanes) -> Lanes {
    let u = ElementwiseMath.geluScale * (x + ElementwiseMath.geluCubic * x * x * x)
    return 1 - 2 / (fastExp(2 * u) + 1)
  }

  /// ``ElementwiseMath/gelu(_:)`` lane by lane.
  @inlinable @inline(__always)
  public static func gelu(_ x: Lanes) -> Lanes {
    gelu(x, tanh: geluTanh(x))
  }

  /// ``ElementwiseMath/gelu(_:tanh:)`` lane by lane.
  @inlinable @inline(__always)
  public static func gelu(_ x: Lanes, tanh t: Lanes) -> Lanes {
    0.5 * x * (1 + t)
  }

  /// ``ElementwiseMath/geluDerivative(_:tanh:)`` lane by lane.
  @inlinable @inline(__always)
  public static func geluDerivative(_ x: Lanes, tanh t: Lanes) -> Lanes {
    let half: Float = 0.5
    let cubicSlope: Lanes = 1 + 3 * ElementwiseMath.geluCubic * x * x
    let tanhSlope: Lanes = half * x * (1 - t * t) * ElementwiseMath.geluScale
    return half * (1 + t) + tanhSlope * cubicSlope
  }

  /// The eight lanes widened to Double, as two halves.
  @inlinable @inline(__always)
  public static func widened(_ value: Lanes) -> (low: SIMD4<Double>, high: SIMD4<Double>) {
    (SIMD4<Double>(value.lowHalf), SIMD4<Double>(value.highHalf))
  }

  /// Two Double halves rounded to float32 (round to nearest), as `Float(double)` does.
  @inlinable @inline(__always)
  public static func narrowed(_ low: SIMD4<Double>, _ high: SIMD4<Double>) -> Lanes {
    Lanes(lowHalf: SIMD4<Float>(low), highHalf: SIMD4<Float>(high))
  }
}
