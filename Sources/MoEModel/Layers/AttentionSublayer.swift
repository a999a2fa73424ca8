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
  let normed: Arena, rstd: Arena
  let q: Arena, k: Arena, v: Arena
  /// qkNorm only: per-head normalised q and k (N, C) and their rstd (N·NH).
  let qNormed: Arena, kNormed: Arena, qRstd: Arena, kRstd: Arena
  let logits: Arena, probs: Arena, lse: Arena
  let heads: Arena, projected: Arena
  /// Dropout only: the multipliers and the dropped output (N, C).
  let dropoutMask: Arena, dropped: Arena
  // Used by backward.
  let dHeads: Arena, dq: Arena, dk: Arena, dv: Arena
  /// qkNorm only: gradients of the normalised q and k.
  let dqNormed: Arena, dkNormed: Arena
  /// One (T, T) score gradient at a time.
  let scoreGradient: Arena
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
    normed = Arena(count: nc)
    rstd = Arena(count: n)
    q = Arena(count: nc)
    k = Arena(count: nc)
    v = Arena(count: nc)
    qNormed = Arena(count: qkNorm ? nc : 0)
    kNormed = Arena(count: qkNorm ? nc : 0)
    qRstd = Arena(count: qkNorm ? n * config.headCount : 0)
    kRstd = Arena(count: qkNorm ? n * config.headCount : 0)
    logits = Arena(count: squares)
    probs = Arena(count: squares)
    lse = Arena(count: config.batchSize * config.headCount * config.sequenceLength)
    heads = Arena(count: nc)
    projected = Arena(count: nc)
    dropoutMask = Arena(count: dropout ? nc : 0)
    dropped = Arena(count: dropout ? nc : 0)
    dHeads = Arena(count: nc)
    dq = Arena(count: nc)
    dk = Arena(count: nc)
    dv = Arena(count: nc)
    dqNormed = Arena(count: qkNorm ? nc : 0)
    dkNormed = Arena(count: qkNorm ? nc : 0)
    scoreGradient = Arena(count: config.sequenceLength * config.sequenceLength)
  }

  /// The queries and keys the attention scores are computed from: q and k, or with `qkNorm`
  /// their per-head normalised copies.
  var scoreQueries: Arena { config.qkNorm ? qNormed : q }
  var scoreKeys: Arena { config.qkNorm ? kNormed : k }
  /// Where backward writes the gradients of ``scoreQueries`` and ``scoreKeys``.
  private var dScoreQueries: Arena { config.qkNorm ? dqNormed : dq }
  private var dScoreKeys: Arena { config.qkNorm ? dkNormed : dk }

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
    let nc = n * c
    let l = layer
    let precision = cfg.precision
    let round = precision.roundsToBFloat16
    var dBranch = dout
    if dropoutActive {
      let dBeforeDropout = scratch.dBeforeDropout
      dBeforeDropout.zero()
      Dropout.backward(dinp: dBeforeDropout.base, dout: dout, mask: dropoutMask.base, count: nc)
      dBeforeDropout.roundToBFloat16(if: round)
      dBranch = UnsafePointer(dBeforeDropout.base)
    }
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
