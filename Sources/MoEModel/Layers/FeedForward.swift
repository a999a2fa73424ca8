import MoEKernels

/// Pointers to one FFN's weights (or to their gradients), all (out, in) row-major:
/// `gate` (F, C) for GEGLU only, `up` (F, C), `down` (C, F), `bias` (F) when enabled.
struct FeedForwardWeights {
  var gate: UnsafeMutablePointer<Float>?
  var up: UnsafeMutablePointer<Float>
  var down: UnsafeMutablePointer<Float>
  var bias: UnsafeMutablePointer<Float>?
}

/// One FFN (dense, or a single expert) applied to a block of rows, with its saved activations.
///
/// Forward, for rows x (R, C), F the hidden width:
/// `up = x·W_upᵀ`; GEGLU: `gate = x·W_gateᵀ`, `a = gelu(gate) ⊙ up`; ReLU/GELU: `a = act(up)`;
/// optional expert bias `a ← a ⊙ b`; optional dropout `a ← a ⊙ mask`; `out = a·W_downᵀ`.
/// The buffers hold `maxRows` rows; a call works on rows `offset ..< offset + R`, so all experts
/// of a layer share one set of buffers, each expert on its own contiguous block of rows.
final class FeedForward {
  let kind: FeedForwardKind
  let channels: Int, hidden: Int, maxRows: Int
  let hasBias: Bool, hasDropout: Bool
  let gate: FloatBuffer, up: FloatBuffer, activated: FloatBuffer, biased: FloatBuffer,
    mask: FloatBuffer, dropped: FloatBuffer
  /// GEGLU only: GELU's tanh term of every gate value, saved for the backward pass.
  let geluTanh: FloatBuffer
  let out: FloatBuffer
  let dHidden: FloatBuffer, dBeforeDropout: FloatBuffer, dActivated: FloatBuffer,
    dGate: FloatBuffer, dUp: FloatBuffer

  init(kind: FeedForwardKind, channels: Int, hidden: Int, maxRows: Int, bias: Bool, dropout: Bool) {
    self.kind = kind
    self.channels = channels
    self.hidden = hidden
    self.maxRows = maxRows
    hasBias = bias
    hasDropout = dropout
    let wide = maxRows * hidden
    gate = FloatBuffer(count: kind == .geglu ? wide : 0)
    geluTanh = FloatBuffer(count: kind == .geglu ? wide : 0)
    up = FloatBuffer(count: wide)
    activated = FloatBuffer(count: wide)
    biased = FloatBuffer(count: bias ? wide : 0)
    mask = FloatBuffer(count: dropout ? wide : 0)
    dropped = FloatBuffer(count: dropout ? wide : 0)
    out = FloatBuffer(count: maxRows * channels)
    dHidden = FloatBuffer(count: wide)
    dBeforeDropout = FloatBuffer(count: dropout ? wide : 0)
    dActivated = FloatBuffer(count: bias ? wide : 0)
    dGate = FloatBuffer(count: kind == .geglu ? wide : 0)
    dUp = FloatBuffer(count: wide)
  }

  /// The input of the down projection for rows starting at `offset`.
  private func hiddenOutput(_ offset: Int, dropoutActive: Bool) -> UnsafeMutablePointer<Float> {
    let at = offset * hidden
    if dropoutActive { return dropped.base + at }
    if hasBias { return biased.base + at }
    return activated.base + at
  }

  func forward(
    offset: Int, rows r: Int, inp: UnsafePointer<Float>, weights w: FeedForwardWeights,
    dropoutRate: Float, random: inout RandomStream, round: Bool
  ) {
    guard r > 0 else { return }
    precondition(offset + r <= maxRows)
    StepProfile.enter(.forward)  // an expert's FFN is model compute, not routing
    defer { StepProfile.leave() }
    let c = channels, f = hidden, at = offset * f, count = r * f
    Linear.forward(
      out: up.base + at, inp: inp, weight: w.up, rows: r, inFeatures: c, outFeatures: f)
    switch kind {
    case .geglu:
      Linear.forward(
        out: gate.base + at, inp: inp, weight: w.gate!, rows: r, inFeatures: c, outFeatures: f)
      if round {  // rounds gate and up in place, and the product as it is written
        Activation.gegluForwardRoundingToBFloat16(
          out: activated.base + at, tanh: geluTanh.base + at, gate: gate.base + at,
          linear: up.base + at, count: count)
      } else {
        Activation.gegluForward(
          out: activated.base + at, tanh: geluTanh.base + at, gate: gate.base + at,
          linear: up.base + at, count: count)
      }
    case .relu, .gelu:
      if round { BFloat16.roundInPlace(up.base + at, count: count) }
      if kind == .relu {
        Activation.reluForward(out: activated.base + at, inp: up.base + at, count: count)
      } else {
        Activation.geluForward(out: activated.base + at, inp: up.base + at, count: count)
      }
      if round { BFloat16.roundInPlace(activated.base + at, count: count) }
    }
    var h = activated.base + at
    if hasBias, let bias = w.bias {
      ChannelScale.forward(out: biased.base + at, inp: h, scale: bias, rows: r, channels: f)
      if round { BFloat16.roundInPlace(biased.base + at, count: count) }
      h = biased.base + at
    }
    if dropoutRate > 0 {
      precondition(hasDropout, "feed-forward built without dropout buffers")
      Dropout.forward(
        out: dropped.base + at, mask: mask.base + at, inp: h, count: count, rate: dropoutRate,
        random: &random)
      if round { BFloat16.roundInPlace(dropped.base + at, count: count) }
      h = dropped.base + at
    }
    Linear.forward(
      out: out.base + offset * c, inp: h, weight: w.down, rows: r, inFeatures: f, outFeatures: c)
    if round { BFloat16.roundInPlace(out.base + offset * c, count: r * c) }
  }

  /// Accumulates into `dinp` (R, C) and the weight gradients `dw`; `dout` (R, C) is the
  /// gradient of ``out`` for these rows.
  func backward(
    offset: Int, rows r: Int, dinp: UnsafeMutablePointer<Float>, dw: FeedForwardWeights,
    dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, weights w: FeedForwardWeights,
    dropoutActive: Bool, round: Bool
  ) {
    guard r > 0 else { return }
    StepProfile.enter(.backward)  // an expert's FFN is model compute, not routing
    defer { StepProfile.leave() }
    let c = channels, f = hidden, at = offset * f, count = r * f
    var dh = dHidden.base + at
    Linear.backward(
      dinp: dh, dweight: dw.down, dout: dout,
      inp: hiddenOutput(offset, dropoutActive: dropoutActive),
      weight: w.down, rows: r, inFeatures: f, outFeatures: c, accumulateInputGradient: false)
    // GEGLU's backward rounds its incoming gradient as it reads it; the other paths read dh.
    if round && (kind != .geglu || dropoutActive || hasBias) {
      BFloat16.roundInPlace(dh, count: count)
    }
    if dropoutActive {
      let next = dBeforeDropout.base + at
      next.update(repeating: 0, count: count)
      Dropout.backward(dinp: next, dout: dh, mask: mask.base + at, count: count)
      if round { BFloat16.roundInPlace(next, count: count) }
      dh = next
    }
    if hasBias, let bias = w.bias, let dbias = dw.bias {
      let next = dActivated.base + at
      next.update(repeating: 0, count: count)
      ChannelScale.backward(
        dinp: next, dscale: dbias, dout: dh, inp: activated.base + at, scale: bias, rows: r,
        channels: f)
      if round { BFloat16.roundInPlace(next, count: count) }
      dh = next
    }
    let du = dUp.base + at
    switch kind {
    case .geglu:
      let dg = dGate.base + at
      Activation.gegluBackward(
        dgate: dg, dlinear: du, dout: dh, gate: gate.base + at, linear: up.base + at,
        tanh: geluTanh.base + at, count: count, accumulate: false, roundToBFloat16: round)
      Linear.backward(
        dinp: dinp, dweight: dw.gate!, dout: dg, inp: inp, weight: w.gate!, rows: r, inFeatures: c,
        outFeatures: f)
    case .relu:
      du.update(repeating: 0, count: count)
      Activation.reluBackward(dinp: du, dout: dh, inp: up.base + at, count: count)
    case .gelu:
      du.update(repeating: 0, count: count)
      Activation.geluBackward(dinp: du, dout: dh, inp: up.base + at, count: count)
      if round { BFloat16.roundInPlace(du, count: count) }
    }
    Linear.backward(
      dinp: dinp, dweight: dw.up, dout: du, inp: inp, weight: w.up, rows: r, inFeatures: c,
      outFeatures: f)
  }
}
