/// The feed-forward nonlinearities: GEGLU's gated product and the plain ReLU / GELU.
///
/// GEGLU: `act = gelu(gate) ⊙ linear` with `gate = x·W₀ᵀ`, `linear = x·W₁ᵀ` (Shazeer 2020;
/// ST-MoE Eq. 3 without biases). Shapes: all (count) flat.
///
/// GELU is evaluated eight lanes at a time (``LaneMath``) with a scalar tail; both compute
/// exactly ``ElementwiseMath/gelu(_:)``, so the result does not depend on the count's
/// remainder. The `roundToBFloat16` variants fuse the bfloat16 rounding of the stored tensors
/// into the same pass and give the same bits as separate ``BFloat16/roundInPlace(_:count:)``
/// passes before and after.
public enum Activation {
  /// Writes `out = gelu(gate) ⊙ linear` and `tanh`, GELU's tanh term t(gate) (see
  /// ``ElementwiseMath/geluTanh(_:)``), which the backward pass reuses instead of recomputing.
  public static func gegluForward(
    out: UnsafeMutablePointer<Float>, tanh: UnsafeMutablePointer<Float>,
    gate: UnsafePointer<Float>, linear: UnsafePointer<Float>, count: Int
  ) {
    // Nothing is stored into gate or linear without rounding: the casts are never written.
    geglu(
      out: out, tanh: tanh, gate: UnsafeMutablePointer(mutating: gate),
      linear: UnsafeMutablePointer(mutating: linear), count: count, round: false)
  }

  /// bfloat16 GEGLU: rounds `gate` and `linear` in place (they are stored matmul outputs),
  /// then writes `out = round(gelu(gate) ⊙ linear)` and `tanh` (float32: a saved intermediate
  /// of the kernel, not a stored activation).
  public static func gegluForwardRoundingToBFloat16(
    out: UnsafeMutablePointer<Float>, tanh: UnsafeMutablePointer<Float>,
    gate: UnsafeMutablePointer<Float>, linear: UnsafeMutablePointer<Float>, count: Int
  ) {
    geglu(out: out, tanh: tanh, gate: gate, linear: linear, count: count, round: true)
  }

  /// GEGLU over two lane blocks per iteration: both blocks are loaded and computed before
  /// anything is stored, so their exp-and-divide chains overlap (~10% faster than one block
  /// at a time); then one block, then a scalar tail, all with the same arithmetic. With
  /// `round`, gate and linear are written back rounded.
  @inline(__always)
  private static func geglu(
    out: UnsafeMutablePointer<Float>, tanh: UnsafeMutablePointer<Float>,
    gate: UnsafeMutablePointer<Float>, linear: UnsafeMutablePointer<Float>, count: Int,
    round: Bool
  ) {
    var i = 0
    while i + 16 <= count {
      // Written out (not two gegluBlock calls) so that fewer values are live at once: the
      // helper's four results per block spill registers at the x86-64 baseline.
      var g0 = gate.lanes(at: i), u0 = linear.lanes(at: i)
      var g1 = gate.lanes(at: i + 8), u1 = linear.lanes(at: i + 8)
      if round {
        g0 = LaneMath.roundedToBFloat16(g0)
        u0 = LaneMath.roundedToBFloat16(u0)
        g1 = LaneMath.roundedToBFloat16(g1)
        u1 = LaneMath.roundedToBFloat16(u1)
      }
      let t0 = LaneMath.geluTanh(g0), t1 = LaneMath.geluTanh(g1)
      if round {
        gate.store(g0, at: i)
        linear.store(u0, at: i)
        gate.store(g1, at: i + 8)
        linear.store(u1, at: i + 8)
      }
      tanh.store(t0, at: i)
      tanh.store(t1, at: i + 8)
      let a0 = LaneMath.gelu(g0, tanh: t0) * u0, a1 = LaneMath.gelu(g1, tanh: t1) * u1
      out.store(round ? LaneMath.roundedToBFloat16(a0) : a0, at: i)
      out.store(round ? LaneMath.roundedToBFloat16(a1) : a1, at: i + 8)
      i += 16
    }
    while i + 8 <= count {
      let result = gegluBlock(gate.lanes(at: i), linear.lanes(at: i), round: round)
      storeGEGLUBlock(result, at: i, out: out, tanh: tanh, gate: gate, linear: linear, round: round)
      i += 8
    }
    while i < count {
      var g = gate[i], u = linear[i]
      if round {
        g = BFloat16.round(g)
        u = BFloat16.round(u)
        gate[i] = g
        linear[i] = u
      }
      let t = ElementwiseMath.geluTanh(g)
      tanh[i] = t
      let a = ElementwiseMath.gelu(g, tanh: t) * u
      out[i] = round ? BFloat16.round(a) : a
      i += 1
    }
  }

  @inline(__always)
  private static func storeGEGLUBlock(
    _ result: (g: Lanes, u: Lanes, t: Lanes, out: Lanes), at i: Int,
    out: UnsafeMutablePointer<Float>, tanh: UnsafeMutablePointer<Float>,
    gate: UnsafeMutablePointer<Float>, linear: UnsafeMutablePointer<Float>, round: Bool
  ) {
    if round {
      gate.store(result.g, at: i)
      linear.store(result.u, at: i)
    }
    tanh.store(result.t, at: i)
    out.store(result.out, at: i)
  }

  /// One lane block of GEGLU: gate and linear as stored (rounded with `round`), GELU's tanh
  /// term, and the output.
  @inline(__always)
  private static func gegluBlock(_ gate: Lanes, _ linear: Lanes, round: Bool)
    -> (g: Lanes, u: Lanes, t: Lanes, out: Lanes)
  {
    let g = round ? LaneMath.roundedToBFloat16(gate) : gate
    let u = round ? LaneMath.roundedToBFloat16(linear) : linear
    let t = LaneMath.geluTanh(g)
    let a = LaneMath.gelu(g, tanh: t) * u
    return (g, u, t, round ? LaneMath.roundedToBFloat16(a) : a)
  }

  /// `dgate (+)= dout ⊙ linear ⊙ gelu′(gate)`, `dlinear (+)= dout ⊙ gelu(gate)`, from the
  /// forward pass's `tanh`: accumulated, or written when `accumulate` is false (the caller's
  /// buffers then need no zeroing; the bits are those of accumulating into zeros, up to the
  /// sign of a zero).
  ///
  /// With `roundToBFloat16`, `dout` is rounded as it is read (a no-op when it already is) and
  /// both gradients are rounded as they are written.
  public static func gegluBackward(
    dgate: UnsafeMutablePointer<Float>, dlinear: UnsafeMutablePointer<Float>,
    dout: UnsafePointer<Float>, gate: UnsafePointer<Float>, linear: UnsafePointer<Float>,
    tanh: UnsafePointer<Float>, count: Int, accumulate: Bool = true,
    roundToBFloat16: Bool = false
  ) {
    // Each combination gets its own specialised loop.
    let (g, l, d) = (dgate, dlinear, dout)
    switch (accumulate, roundToBFloat16) {
    case (true, false):
      gegluGradients(g, l, d, gate, linear, tanh, count, accumulate: true, round: false)
    case (true, true):
      gegluGradients(g, l, d, gate, linear, tanh, count, accumulate: true, round: true)
    case (false, false):
      gegluGradients(g, l, d, gate, linear, tanh, count, accumulate: false, round: false)
    case (false, true):
      gegluGradients(g, l, d, gate, linear, tanh, count, accumulate: false, round: true)
    }
  }

  @inline(__always)
  private static func gegluGradients(
    _ dgate: UnsafeMutablePointer<Float>, _ dlinear: UnsafeMutablePointer<Float>,
    _ dout: UnsafePointer<Float>, _ gate: UnsafePointer<Float>, _ linear: UnsafePointer<Float>,
    _ tanh: UnsafePointer<Float>, _ count: Int, accumulate: Bool, round: Bool
  ) {
    var i = 0
    while i + 8 <= count {
      let x = gate.lanes(at: i), t = tanh.lanes(at: i)
      let value = LaneMath.gelu(x, tanh: t)
      let derivative = LaneMath.geluDerivative(x, tanh: t)
      var d = dout.lanes(at: i)
      if round { d = LaneMath.roundedToBFloat16(d) }
      var dg = d * linear.lanes(at: i) * derivative
      var du = d * value
      if accumulate {
        dg = dgate.lanes(at: i) + dg
        du = dlinear.lanes(at: i) + du
      }
      if round {
        dg = LaneMath.roundedToBFloat16(dg)
        du = LaneMath.roundedToBFloat16(du)
      }
      dgate.store(dg, at: i)
      dlinear.store(du, at: i)
      i += 8
    }
    while i < count {
      let x = gate[i], t = tanh[i]
      let value = ElementwiseMath.gelu(x, tanh: t)
      let derivative = ElementwiseMath.geluDerivative(x, tanh: t)
      let d = round ? BFloat16.round(dout[i]) : dout[i]
      var dg = d * linear[i] * derivative
      var du = d * value
      if accumulate {
        dg = dgate[i] + dg
        du = dlinear[i] + du
      }
      dgate[i] = round ? BFloat16.round(dg) : dg
      dlinear[i] = round ? BFloat16.round(du) : du
      i += 1
    }
  }

  public static func reluForward(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int
  ) {
    for i in 0..<count { out[i] = max(inp[i], 0) }
  }

  /// Accumulates `dinp += dout` where `inp > 0` (the subgradient at 0 is taken as 0).
  public static func reluBackward(
    dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
    count: Int
  ) {
    for i in 0..<count where inp[i] > 0 { dinp[i] += dout[i] }
  }

  public static func geluForward(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int
  ) {
    var i = 0
    while i + 8 <= count {
      out.store(LaneMath.gelu(inp.lanes(at: i)), at: i)
      i += 8
    }
    while i < count {
      out[i] = ElementwiseMath.gelu(inp[i])
      i += 1
    }
  }

  public static func geluBackward(
    dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
    count: Int
  ) {
    var i = 0
    while i + 8 <= count {
      let x = inp.lanes(at: i)
      let derivative = LaneMath.geluDerivative(x, tanh: LaneMath.geluTanh(x))
      dinp.store(dinp.lanes(at: i) + dout.lanes(at: i) * derivative, at: i)
      i += 8
    }
    while i < count {
      dinp[i] += dout[i] * ElementwiseMath.geluDerivative(inp[i])
      i += 1
    }
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
    var i = 0
    while i + 8 <= count {
      out.store(a.lanes(at: i) + b.lanes(at: i), at: i)
      i += 8
    }
    while i < count {
      out[i] = a[i] + b[i]
      i += 1
    }
  }

  /// `dst += src`.
  public static func accumulate(
    _ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, count: Int
  ) {
    add(out: dst, dst, src, count: count)
  }

  /// Σ x² in Double: eight running sums (one per lane), added at the end. Differs from a
  /// sequential Double sum only by reassociation (≤ about count·2⁻⁵³ relative).
  @inline(__always)
  public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
    var low = SIMD4<Double>(), high = SIMD4<Double>()
    var i = 0
    while i + 8 <= count {
      let (l, h) = LaneMath.widened(x.lanes(at: i))
      low += l * l
      high += h * h
      i += 8
    }
    var sum = (low + high).sum()
    while i < count {
      sum += Double(x[i]) * Double(x[i])
      i += 1
    }
    return sum
  }
}
