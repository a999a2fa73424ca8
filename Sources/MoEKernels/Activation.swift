/// The feed-forward nonlinearities: GEGLU's gated product and the plain ReLU / GELU.
///
/// GEGLU: `act = gelu(gate) ⊙ linear` with `gate = x·W₀ᵀ`, `linear = x·W₁ᵀ` (Shazeer 2020;
/// ST-MoE Eq. 3 without biases). Shapes: all (count) flat.
public enum Activation {
  public static func gegluForward(
    out: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>, linear: UnsafePointer<Float>,
    count: Int
  ) {
    for i in 0..<count { out[i] = ElementwiseMath.gelu(gate[i]) * linear[i] }
  }

  /// Accumulates `dgate += dout ⊙ linear ⊙ gelu′(gate)`, `dlinear += dout ⊙ gelu(gate)`.
  public static func gegluBackward(
    dgate: UnsafeMutablePointer<Float>, dlinear: UnsafeMutablePointer<Float>,
    dout: UnsafePointer<Float>, gate: UnsafePointer<Float>, linear: UnsafePointer<Float>,
    count: Int
  ) {
    for i in 0..<count {
      let (value, derivative) = ElementwiseMath.geluWithDerivative(gate[i])
      dgate[i] += dout[i] * linear[i] * derivative
      dlinear[i] += dout[i] * value
    }
  }

  public static func reluForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { out[i] = max(inp[i], 0) }
  }

  /// Accumulates `dinp += dout` where `inp > 0` (the subgradient at 0 is taken as 0).
  public static func reluBackward(
    dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
    count: Int
  ) {
    for i in 0..<count where inp[i] > 0 { dinp[i] += dout[i] }
  }

  public static func geluForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { out[i] = ElementwiseMath.gelu(inp[i]) }
  }

  public static func geluBackward(
    dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
    count: Int
  ) {
    for i in 0..<count { dinp[i] += dout[i] * ElementwiseMath.geluDerivative(inp[i]) }
  }
}

/// Per-channel multiplicative scale, `out[n, f] = inp[n, f] · scale[f]` (the expert bias).
public enum ChannelScale {
  public static func forward(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, scale: UnsafePointer<Float>,
    rows n: Int, channels f: Int
  ) {
    for row in 0..<n {
      for i in 0..<f { out[row * f + i] = inp[row * f + i] * scale[i] }
    }
  }

  /// Accumulates `dinp += dout ⊙ scale`, `dscale += Σ_n dout ⊙ inp`.
  public static func backward(
    dinp: UnsafeMutablePointer<Float>, dscale: UnsafeMutablePointer<Float>,
    dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, scale: UnsafePointer<Float>,
    rows n: Int, channels f: Int
  ) {
    for row in 0..<n {
      for i in 0..<f {
        dinp[row * f + i] += dout[row * f + i] * scale[i]
        dscale[i] += dout[row * f + i] * inp[row * f + i]
      }
    }
  }
}

/// Elementwise helpers on flat buffers.
public enum Elementwise {
  /// `out = a + b`.
  public static func add(
    out: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
    count: Int
  ) {
    for i in 0..<count { out[i] = a[i] + b[i] }
  }

  /// `dst += src`.
  public static func accumulate(
    _ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, count: Int
  ) {
    for i in 0..<count { dst[i] += src[i] }
  }

  /// Σ x² in Double.
  public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
    var sum: Double = 0
    for i in 0..<count { sum += Double(x[i]) * Double(x[i]) }
    return sum
  }
}
