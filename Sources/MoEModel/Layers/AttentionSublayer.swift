import MoEKernels

/// The attention branch of a pre-norm block: `branch = drop(attn(norm(x)))` for the residual
/// stream x (N, C), N = B·T rows; the block adds it back (`mid = x + branch`).
///
/// With x̂ = RMSNorm(x) (learnable scale unless `normScale` is off):
/// `q = x̂·W_qᵀ`, `k = x̂·W_kᵀ`, `v = x̂·W_vᵀ` (N, C); with `qkNorm`, q and k are RMS-normalised
/// per head (N·NH rows of hs) into the queries and keys the scores use; causal multi-head
/// attention (``CausalAttention``: logits and probs (B, NH, T, T), lse (B, NH, T)) gives the
/// heads (N, C); `branch = drop(heads·W_oᵀ)`. Forward records the largest |attention logit| and
/// the attention z-loss `mean(lse²)` of the layer.
///
/// In the bfloat16 modes every stored activation and activation gradient is rounded to
/// bfloat16 (logits and probabilities only when exponentials are not kept in float32).
final class AttentionSublayer {
  let config: ModelConfig
  let layer: Int
  let rows: Int
  // Saved by forward.
  let normed: FloatBuffer, rstd: FloatBuffer
  let q: FloatBuffer, k: FloatBuffer, v: FloatBuffer
  /// qkNorm only: per-head normalised q and k (N, C) and their rstd (N·NH).
  let qNormed: FloatBuffer, kNormed: FloatBuffer, qRstd: FloatBuffer, kRstd: FloatBuffer
  let logits: FloatBuffer, probs: FloatBuffer, lse: FloatBuffer
  let heads: FloatBuffer, projected: FloatBuffer
  /// Dropout only: the multipliers and the dropped output (N, C).
  let dropoutMask: FloatBuffer, dropped: FloatBuffer
  // Used by backward.
  let dHeads: FloatBuffer, dq: FloatBuffer, dk: FloatBuffer, dv: FloatBuffer
  /// qkNorm only: gradients of the normalised q and k.
  let dqNormed: FloatBuffer, dkNormed: FloatBuffer
  /// One (T, T) score gradient at a time.
  let scoreGradient: FloatBuffer
  let scratch: SublayerGradientScratch

  /// Statistics of the last forward pass.
  private(set) var maxLogit: Double = 0
  private(set) var zLoss: Double = 0
  private var dropoutActive = false

  init(config: ModelConfig, layer: Int, scratch: SublayerGradientScratch) {
    self.config = config
    self.layer = layer
    self.scratch = scratch
    let n = config.tokensPerStep
    let nc = n * config.channels
    rows = n
    let squares =
      config.batchSize * config.headCount * config.sequenceLength * config.sequenceLength
    let dropout = config.dropoutRate > 0
    let qkNorm = config.qkNorm
    normed = FloatBuffer(count: nc)
    rstd = FloatBuffer(count: n)
    q = FloatBuffer(count: nc)
    k = FloatBuffer(count: nc)
    v = FloatBuffer(count: nc)
    qNormed = FloatBuffer(count: qkNorm ? nc : 0)
    kNormed = FloatBuffer(count: qkNorm ? nc : 0)
    qRstd = FloatBuffer(count: qkNorm ? n * config.headCount : 0)
    kRstd = FloatBuffer(count: qkNorm ? n * config.headCount : 0)
    logits = FloatBuffer(count: squares)
    probs = FloatBuffer(count: squares)
    lse = FloatBuffer(count: config.batchSize * config.headCount * config.sequenceLength)
    heads = FloatBuffer(count: nc)
    projected = FloatBuffer(count: nc)
    dropoutMask = FloatBuffer(count: dropout ? nc : 0)
    dropped = FloatBuffer(count: dropout ? nc : 0)
    dHeads = FloatBuffer(count: nc)
    dq = FloatBuffer(count: nc)
    dk = FloatBuffer(count: nc)
    dv = FloatBuffer(count: nc)
    dqNormed = FloatBuffer(count: qkNorm ? nc : 0)
    dkNormed = FloatBuffer(count: qkNorm ? nc : 0)
    scoreGradient = FloatBuffer(count: config.sequenceLength * config.sequenceLength)
  }

  /// The queries and keys the attention scores are computed from: q and k, or with `qkNorm`
  /// their per-head normalised copies.
  var scoreQueries: FloatBuffer { config.qkNorm ? qNormed : q }
  var scoreKeys: FloatBuffer { config.qkNorm ? kNormed : k }
  /// Where backward writes the gradients of ``scoreQueries`` and ``scoreKeys``.
  private var dScoreQueries: FloatBuffer { config.qkNorm ? dqNormed : dq }
  private var dScoreKeys: FloatBuffer { config.qkNorm ? dkNormed : dk }

  /// The branch (N, C) of the last forward pass.
  var output: UnsafePointer<Float> { UnsafePointer(dropoutActive ? dropped.base : projected.base) }

  /// Computes ``output`` from `inp` (N, C), the residual stream entering the block.
  func forward(inp: UnsafePointer<Float>, weights w: WeightViews, context: StepContext) {
    let cfg = config
    let n = rows
    let c = cfg.channels
    let nc = n * c
    let l = layer
    let precision = cfg.precision
    let round = precision.roundsToBFloat16
    dropoutActive = context.training && cfg.dropoutRate > 0
    RMSNorm.forward(
      out: normed.base, rstd: rstd.base, inp: inp, scale: w.optionalWeight(.attentionNormScale, l),
      rows: n, channels: c)
    normed.roundToBFloat16(if: round)
    for (projection, name) in [(q, ParameterName.queryWeight), (k, .keyWeight), (v, .valueWeight)] {
      Linear.forward(
        out: projection.base, inp: normed.base, weight: w.weight(name, l), rows: n,
        inFeatures: c, outFeatures: c)
    }
    q.roundToBFloat16(if: round)
    k.roundToBFloat16(if: round)
    v.roundToBFloat16(if: round)
    if cfg.qkNorm {
      let headRows = n * cfg.headCount
      let hs = cfg.headSize
      RMSNorm.forward(
        out: qNormed.base, rstd: qRstd.base, inp: q.base,
        scale: w.optionalWeight(.queryNormScale, l), rows: headRows, channels: hs)
      RMSNorm.forward(
        out: kNormed.base, rstd: kRstd.base, inp: k.base,
        scale: w.optionalWeight(.keyNormScale, l), rows: headRows, channels: hs)
      qNormed.roundToBFloat16(if: round)
      kNormed.roundToBFloat16(if: round)
    }
    let stats = CausalAttention.forward(
      out: heads.base, probs: probs.base, logits: logits.base, lse: lse.base,
      q: scoreQueries.base, k: scoreKeys.base, v: v.base, batch: cfg.batchSize,
      time: cfg.sequenceLength, channels: c, heads: cfg.headCount,
      softCap: Float(cfg.attentionSoftCap),
      roundToBFloat16: round && !precision.exponentiatedInFloat32)
    maxLogit = Double(stats.maxAbsLogit)
    zLoss = stats.sumSquaredLogPartition / Double(lse.count)
    heads.roundToBFloat16(if: round)
    Linear.forward(
      out: projected.base, inp: heads.base, weight: w.weight(.attentionOutputWeight, l),
      rows: n, inFeatures: c, outFeatures: c)
    projected.roundToBFloat16(if: round)
    if dropoutActive {
      var random = context.random(.dropout, layer: l, site: 0)
      Dropout.forward(
        out: dropped.base, mask: dropoutMask.base, inp: projected.base, count: nc,
        rate: Float(cfg.dropoutRate), random: &random)
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
    dHeads.zero()
    Linear.backward(
      dinp: dHeads.base, dweight: w.gradient(.attentionOutputWeight, l), dout: dBranch,
      inp: heads.base, weight: w.weight(.attentionOutputWeight, l), rows: n, inFeatures: c,
      outFeatures: c)
    dHeads.roundToBFloat16(if: round)
    dq.zero()
    dk.zero()
    dv.zero()
    if cfg.qkNorm {
      dqNormed.zero()
      dkNormed.zero()
    }
    CausalAttention.backward(
      dq: dScoreQueries.base, dk: dScoreKeys.base, dv: dv.base, scratch: scoreGradient.base,
      dout: dHeads.base, probs: probs.base, logits: logits.base, lse: lse.base,
      q: scoreQueries.base, k: scoreKeys.base, v: v.base, batch: cfg.batchSize,
      time: cfg.sequenceLength, channels: c, heads: cfg.headCount,
      softCap: Float(cfg.attentionSoftCap),
      zLossScale: Float(cfg.attentionZLossCoefficient) / Float(lse.count),
      roundToBFloat16: round && !precision.exponentiatedInFloat32)
    if cfg.qkNorm {
      dqNormed.roundToBFloat16(if: round)
      dkNormed.roundToBFloat16(if: round)
      let headRows = n * cfg.headCount
      let hs = cfg.headSize
      RMSNorm.backward(
        dinp: dq.base, dscale: w.optionalGradient(.queryNormScale, l), dout: dqNormed.base,
        inp: q.base, scale: w.optionalWeight(.queryNormScale, l), rstd: qRstd.base,
        rows: headRows, channels: hs)
      RMSNorm.backward(
        dinp: dk.base, dscale: w.optionalGradient(.keyNormScale, l), dout: dkNormed.base,
        inp: k.base, scale: w.optionalWeight(.keyNormScale, l), rstd: kRstd.base,
        rows: headRows, channels: hs)
    }
    dq.roundToBFloat16(if: round)
    dk.roundToBFloat16(if: round)
    dv.roundToBFloat16(if: round)
    let dNormed = scratch.dNormed
    dNormed.zero()
    let projections = [(dq, ParameterName.queryWeight), (dk, .keyWeight), (dv, .valueWeight)]
    for (dProjection, name) in projections {
      Linear.backward(
        dinp: dNormed.base, dweight: w.gradient(name, l), dout: dProjection.base,
        inp: normed.base, weight: w.weight(name, l), rows: n, inFeatures: c, outFeatures: c)
    }
    dNormed.roundToBFloat16(if: round)
    RMSNorm.backward(
      dinp: dinp, dscale: w.optionalGradient(.attentionNormScale, l), dout: dNormed.base,
      inp: inp, scale: w.optionalWeight(.attentionNormScale, l), rstd: rstd.base, rows: n,
      channels: c)
  }
}
