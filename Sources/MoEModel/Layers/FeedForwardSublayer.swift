import MoEKernels

/// The feed-forward branch of a pre-norm block: `branch = drop(ffn(norm(mid)))` for the
/// residual stream mid (N, C), N = B·T rows; the block adds it back (`out = mid + branch`).
///
/// ffn is the layer's ``FeedForwardNetwork``: a dense FFN (with dropout on its hidden
/// activation when `dropoutRate > 0`) or an MoE layer (router, capacity-limited dispatch to
/// the experts, gate-weighted combine; jitter, expert dropout and the train capacity factor in
/// training only). Forward keeps the MoE layer's routing statistics.
///
/// In the bfloat16 modes every stored activation and activation gradient is rounded to
/// bfloat16.
final class FeedForwardSublayer {
  let config: ModelConfig
  let layer: Int
  let rows: Int
  // Saved by forward.
  let normed: FloatBuffer, rstd: FloatBuffer
  let network: FeedForwardNetwork
  /// Dropout only: the multipliers and the dropped output (N, C).
  let dropoutMask: FloatBuffer, dropped: FloatBuffer
  let scratch: SublayerGradientScratch

  /// Routing statistics of the last forward pass (nil for a dense FFN).
  private(set) var routing: MoELayer.Statistics?
  private var dropoutActive = false
  private var expertDropoutActive = false

  init(config: ModelConfig, layer: Int, feedForwardIndex: Int, scratch: SublayerGradientScratch) {
    self.config = config
    self.layer = layer
    self.scratch = scratch
    let n = config.tokensPerStep
    let nc = n * config.channels
    rows = n
    let dropout = config.dropoutRate > 0
    normed = FloatBuffer(count: nc)
    rstd = FloatBuffer(count: n)
    network = FeedForwardNetwork(
      config: config, layer: layer, feedForwardIndex: feedForwardIndex, rows: n)
    dropoutMask = FloatBuffer(count: dropout ? nc : 0)
    dropped = FloatBuffer(count: dropout ? nc : 0)
  }

  /// The branch (N, C) of the last forward pass.
  var output: UnsafePointer<Float> {
    UnsafePointer(dropoutActive ? dropped.base : network.output)
  }

  /// Computes ``output`` from `inp` (N, C), the residual stream after the attention sublayer.
  func forward(inp: UnsafePointer<Float>, weights w: WeightViews, context: StepContext) {
    let cfg = config
    let n = rows
    let c = cfg.channels
    let nc = n * c
    let l = layer
    let precision = cfg.precision
    let round = precision.roundsToBFloat16
    dropoutActive = context.training && cfg.dropoutRate > 0
    expertDropoutActive = context.training && cfg.expertDropoutRate > 0
    let rate = Float(cfg.dropoutRate)
    RMSNorm.forward(
      out: normed.base, rstd: rstd.base, inp: inp,
      scale: w.optionalWeight(.feedForwardNormScale, l), rows: n, channels: c)
    normed.roundToBFloat16(if: round)
    switch network {
    case .dense(let dense, let denseIndex):
      var random = context.random(.dropout, layer: l, site: 1)
      dense.forward(
        offset: 0, rows: n, inp: normed.base, weights: w.denseFeedForward(denseIndex),
        dropoutRate: dropoutActive ? rate : 0, random: &random, round: round)
      routing = nil
    case .moe(let moe, let s):
      var jitterRandom = context.random(.jitter, layer: l)
      var routingRandom = context.random(.routing, layer: l)
      var dropoutRandom = context.random(.expertDropout, layer: l)
      let routerWeight =
        precision.routerInFloat32 ? w.masterWeight(.routerWeight, s) : w.weight(.routerWeight, s)
      let factor = context.training ? cfg.trainCapacityFactor : cfg.evalCapacityFactor
      routing = moe.forward(
        inp: normed.base, routerWeight: routerWeight,
        masterRouterWeight: w.masterWeight(.routerWeight, s),
        expertWeights: { w.expert(sparseIndex: s, expert: $0) },
        capacity: cfg.capacity(tokens: cfg.routingGroupTokens, factor: factor),
        jitter: context.training ? Float(cfg.routerJitter) : 0, clip: Float(cfg.routerLogitClip),
        expertDropout: context.training ? Float(cfg.expertDropoutRate) : 0,
        jitterRandom: &jitterRandom, routingRandom: &routingRandom, dropoutRandom: &dropoutRandom,
        precision: precision, defersLoggedStatistics: context.defersLoggedStatistics)
    }
    if dropoutActive {
      var random = context.random(.dropout, layer: l, site: 2)
      Dropout.forward(
        out: dropped.base, mask: dropoutMask.base, inp: network.output, count: nc, rate: rate,
        random: &random)
      dropped.roundToBFloat16(if: round)
    }
  }

  /// Accumulates into `dinp` (N, C) the gradient that reaches `inp` through the branch (not the
  /// residual path, which the block adds), and into the weight gradients. `dout` (N, C) is the
  /// gradient of ``output``.
  func backward(
    dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
    weights w: WeightViews
  ) {
    let cfg = config
    let n = rows
    let c = cfg.channels
    let l = layer
    let precision = cfg.precision
    let round = precision.roundsToBFloat16
    let dBranch = scratch.gradientBeforeDropout(
      dout: dout, mask: dropoutMask.base, dropoutActive: dropoutActive, round: round)
    let dNormed = scratch.dNormed
    dNormed.zero()
    switch network {
    case .dense(let dense, let denseIndex):
      dense.backward(
        offset: 0, rows: n, dinp: dNormed.base, dw: w.denseFeedForward(denseIndex, gradients: true),
        dout: dBranch, inp: normed.base, weights: w.denseFeedForward(denseIndex),
        dropoutActive: dropoutActive, round: round)
    case .moe(let moe, let s):
      let routerWeight =
        precision.routerInFloat32 ? w.masterWeight(.routerWeight, s) : w.weight(.routerWeight, s)
      moe.backward(
        dinp: dNormed.base, dout: dBranch, inp: normed.base, routerWeight: routerWeight,
        dRouterWeight: w.gradient(.routerWeight, s),
        expertWeights: { w.expert(sparseIndex: s, expert: $0) },
        expertGradients: { w.expert(sparseIndex: s, expert: $0, gradients: true) },
        balanceCoefficient: Float(cfg.balanceLossCoefficient),
        zCoefficient: Float(cfg.routerZLossCoefficient), clip: Float(cfg.routerLogitClip),
        expertDropoutActive: expertDropoutActive, precision: precision)
    }
    dNormed.roundToBFloat16(if: round)
    RMSNorm.backward(
      dinp: dinp, dscale: w.optionalGradient(.feedForwardNormScale, l), dout: dNormed.base,
      inp: inp, scale: w.optionalWeight(.feedForwardNormScale, l), rstd: rstd.base, rows: n,
      channels: c)
  }
}
