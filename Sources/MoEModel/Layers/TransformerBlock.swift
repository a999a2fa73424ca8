import MoEKernels

/// One pre-norm block over the residual stream x (N, C), N = B·T rows, row-major:
///
///     mid = x + attention(x)          attention(x) = drop(attn(norm(x)))
///     out = mid + feedForward(mid)    feedForward(mid) = drop(ffn(norm(mid)))
///
/// with the FFN dense or sparse (``FeedForwardNetwork``). The two sublayers own what they save
/// and share one pair of gradient buffers, used by one after the other in backward; the block
/// owns the residual sums and the gradient of `mid`.
final class TransformerBlock {
  let layer: Int
  let rows: Int, channels: Int
  let attention: AttentionSublayer
  let feedForward: FeedForwardSublayer
  /// The residual stream between the sublayers and after the block (N, C).
  let mid: FloatBuffer, out: FloatBuffer
  /// Gradient of `mid` (N, C).
  let dMid: FloatBuffer
  private let roundsToBFloat16: Bool

  /// `feedForwardIndex` is the layer's index among the dense (or the sparse) layers, for the
  /// stacked FFN, router and expert tensors.
  init(config: ModelConfig, layer: Int, feedForwardIndex: Int) {
    self.layer = layer
    rows = config.tokensPerStep
    channels = config.channels
    roundsToBFloat16 = config.precision.roundsToBFloat16
    let nc = rows * channels
    let scratch = SublayerGradientScratch(count: nc)
    attention = AttentionSublayer(config: config, layer: layer, scratch: scratch)
    mid = FloatBuffer(count: nc)
    feedForward = FeedForwardSublayer(
      config: config, layer: layer, feedForwardIndex: feedForwardIndex, scratch: scratch)
    out = FloatBuffer(count: nc)
    dMid = FloatBuffer(count: nc)
  }

  /// Statistics of the last forward pass.
  var maxAttentionLogit: Double { attention.maxLogit }
  var attentionZLoss: Double { attention.zLoss }
  var routing: MoELayer.Statistics? { feedForward.routing }

  func forward(inp: UnsafePointer<Float>, weights w: WeightViews, context: StepContext) {
    let nc = rows * channels
    attention.forward(inp: inp, weights: w, context: context)
    Elementwise.add(out: mid.base, inp, attention.output, count: nc)
    mid.roundToBFloat16(if: roundsToBFloat16)
    feedForward.forward(inp: mid.base, weights: w, context: context)
    Elementwise.add(out: out.base, mid.base, feedForward.output, count: nc)
    out.roundToBFloat16(if: roundsToBFloat16)
  }

  /// Accumulates into `dinp` (N, C) and the parameter gradients. `dout` is the gradient of
  /// ``out`` (already rounded in the bfloat16 modes).
  func backward(
    dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
    weights w: WeightViews
  ) {
    let nc = rows * channels
    // out = mid + feedForward(mid): the residual path first, then the branch.
    dMid.base.update(from: dout, count: nc)
    feedForward.backward(dinp: dMid.base, dout: dout, inp: mid.base, weights: w)
    dMid.roundToBFloat16(if: roundsToBFloat16)
    // mid = x + attention(x): likewise.
    Elementwise.accumulate(dinp, dMid.base, count: nc)
    attention.backward(dinp: dinp, dout: dMid.base, inp: inp, weights: w)
  }
}

/// The two (N, C) gradient buffers both sublayers of a block use in backward: the feed-forward
/// sublayer's backward is finished before the attention sublayer's starts, so one pair serves
/// both. Neither buffer holds anything between calls.
final class SublayerGradientScratch {
  /// Gradient of the sublayer's normalised input.
  let dNormed: FloatBuffer
  /// Gradient of the branch before its output dropout.
  let dBeforeDropout: FloatBuffer

  init(count: Int) {
    dNormed = FloatBuffer(count: count)
    dBeforeDropout = FloatBuffer(count: count)
  }

  /// The gradient of a branch before its output dropout: `dout` itself when dropout is off,
  /// otherwise `dout ⊙ mask` (the mask holds 0 or 1/(1 − rate)) in ``dBeforeDropout``, rounded
  /// to bfloat16 when `round`. `dout` and the result are (N, C).
  func gradientBeforeDropout(
    dout: UnsafePointer<Float>, mask: UnsafePointer<Float>, dropoutActive: Bool, round: Bool
  ) -> UnsafePointer<Float> {
    guard dropoutActive else { return dout }
    dBeforeDropout.zero()
    Dropout.backward(dinp: dBeforeDropout.base, dout: dout, mask: mask, count: dBeforeDropout.count)
    dBeforeDropout.roundToBFloat16(if: round)
    return UnsafePointer(dBeforeDropout.base)
  }
}
