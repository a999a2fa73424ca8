import MoEKernels

/// One pre-norm block: `mid = x + drop(attn(norm(x)))`, `out = mid + drop(ffn(norm(mid)))`,
/// with the FFN dense or sparse. Owns every activation it saves and its activation gradients.
/// All (N, C) buffers are row-major over N = B·T tokens.
final class TransformerBlock {
  let config: ModelConfig
  let layer: Int
  /// Index among dense (or sparse) layers, for the stacked FFN / router / expert tensors.
  let feedForwardIndex: Int
  let rows: Int
  // Attention sublayer.
  let attentionNormed: Arena, attentionRstd: Arena
  let q: Arena, k: Arena, v: Arena
  let qNormed: Arena, kNormed: Arena, qRstd: Arena, kRstd: Arena
  let attentionLogits: Arena, attentionProbs: Arena, attentionLse: Arena
  let heads: Arena, attentionProjected: Arena, attentionMask: Arena, attentionDropped: Arena
  let mid: Arena
  // FFN sublayer.
  let feedForwardNormed: Arena, feedForwardRstd: Arena
  let dense: FeedForward?
  let sparse: MoELayer?
  let feedForwardMask: Arena, feedForwardDropped: Arena
  let out: Arena
  // Gradient scratch.
  let dMid: Arena, dNormed: Arena, dProjected: Arena, dHeads: Arena
  let dq: Arena, dk: Arena, dv: Arena, dqNormed: Arena, dkNormed: Arena, attentionScratch: Arena

  /// Statistics of the last forward pass.
  private(set) var maxAttentionLogit: Double = 0
  private(set) var attentionZLoss: Double = 0
  private(set) var routing: MoELayer.Statistics?
  private var dropoutActive = false
  private var expertDropoutActive = false

  init(config: ModelConfig, layer: Int, feedForwardIndex: Int) {
    self.config = config
    self.layer = layer
    self.feedForwardIndex = feedForwardIndex
    let n = config.tokensPerStep, c = config.channels
    rows = n
    let nc = n * c
    let squares = config.batchSize * config.headCount * config.sequenceLength * config.sequenceLength
    let dropout = config.dropoutRate > 0
    attentionNormed = Arena(count: nc); attentionRstd = Arena(count: n)
    q = Arena(count: nc); k = Arena(count: nc); v = Arena(count: nc)
    qNormed = Arena(count: config.qkNorm ? nc : 0); kNormed = Arena(count: config.qkNorm ? nc : 0)
    qRstd = Arena(count: config.qkNorm ? n * config.headCount : 0)
    kRstd = Arena(count: config.qkNorm ? n * config.headCount : 0)
    attentionLogits = Arena(count: squares); attentionProbs = Arena(count: squares)
    attentionLse = Arena(count: config.batchSize * config.headCount * config.sequenceLength)
    heads = Arena(count: nc); attentionProjected = Arena(count: nc)
    attentionMask = Arena(count: dropout ? nc : 0); attentionDropped = Arena(count: dropout ? nc : 0)
    mid = Arena(count: nc)
    feedForwardNormed = Arena(count: nc); feedForwardRstd = Arena(count: n)
    if config.isSparse(layer: layer) {
      sparse = MoELayer(config: config, rows: n)
      dense = nil
    } else {
      dense = FeedForward(
        kind: config.feedForward, channels: c, hidden: config.hiddenWidth, maxRows: n,
        bias: false, dropout: dropout)
      sparse = nil
    }
    feedForwardMask = Arena(count: dropout ? nc : 0); feedForwardDropped = Arena(count: dropout ? nc : 0)
    out = Arena(count: nc)
    dMid = Arena(count: nc); dNormed = Arena(count: nc); dProjected = Arena(count: nc)
    dHeads = Arena(count: nc)
    dq = Arena(count: nc); dk = Arena(count: nc); dv = Arena(count: nc)
    dqNormed = Arena(count: config.qkNorm ? nc : 0); dkNormed = Arena(count: config.qkNorm ? nc : 0)
    attentionScratch = Arena(count: config.sequenceLength * config.sequenceLength)
  }

  func forward(inp: UnsafePointer<Float>, weights w: WeightViews, context: StepContext) {
    let cfg = config, n = rows, c = cfg.channels, nc = n * c, l = layer
    let precision = cfg.precision
    let round = precision.roundsToBFloat16
    func r(_ arena: Arena) { if round { BFloat16.roundInPlace(arena.base, count: arena.count) } }
    dropoutActive = context.training && cfg.dropoutRate > 0
    expertDropoutActive = context.training && cfg.expertDropoutRate > 0
    let rate = Float(cfg.dropoutRate)

    // Attention sublayer.
    RMSNorm.forward(
      out: attentionNormed.base, rstd: attentionRstd.base, inp: inp,
      scale: w.optionalWeight(.attentionNormScale, l), rows: n, channels: c)
    r(attentionNormed)
    Linear.forward(out: q.base, inp: attentionNormed.base, weight: w.weight(.queryWeight, l), rows: n, inFeatures: c, outFeatures: c)
    Linear.forward(out: k.base, inp: attentionNormed.base, weight: w.weight(.keyWeight, l), rows: n, inFeatures: c, outFeatures: c)
    Linear.forward(out: v.base, inp: attentionNormed.base, weight: w.weight(.valueWeight, l), rows: n, inFeatures: c, outFeatures: c)
    r(q); r(k); r(v)
    var qUse = q, kUse = k
    if cfg.qkNorm {
      let headRows = n * cfg.headCount, hs = cfg.headSize
      RMSNorm.forward(out: qNormed.base, rstd: qRstd.base, inp: q.base, scale: w.optionalWeight(.queryNormScale, l), rows: headRows, channels: hs)
      RMSNorm.forward(out: kNormed.base, rstd: kRstd.base, inp: k.base, scale: w.optionalWeight(.keyNormScale, l), rows: headRows, channels: hs)
      r(qNormed); r(kNormed)
      qUse = qNormed
      kUse = kNormed
    }
    let stats = CausalAttention.forward(
      out: heads.base, probs: attentionProbs.base, logits: attentionLogits.base, lse: attentionLse.base,
      q: qUse.base, k: kUse.base, v: v.base, batch: cfg.batchSize, time: cfg.sequenceLength,
      channels: c, heads: cfg.headCount, softCap: Float(cfg.attentionSoftCap),
      roundToBFloat16: round && !precision.exponentiatedInFloat32)
    maxAttentionLogit = Double(stats.maxAbsLogit)
    attentionZLoss = stats.sumSquaredLogPartition / Double(attentionLse.count)
    r(heads)
    Linear.forward(
      out: attentionProjected.base, inp: heads.base, weight: w.weight(.attentionOutputWeight, l),
      rows: n, inFeatures: c, outFeatures: c)
    r(attentionProjected)
    var branch = attentionProjected.base
    if dropoutActive {
      var random = context.random(.dropout, layer: l, site: 0)
      Dropout.forward(out: attentionDropped.base, mask: attentionMask.base, inp: branch, count: nc, rate: rate, random: &random)
      r(attentionDropped)
      branch = attentionDropped.base
    }
    Elementwise.add(out: mid.base, inp, branch, count: nc)
    r(mid)

    // Feed-forward sublayer.
    RMSNorm.forward(
      out: feedForwardNormed.base, rstd: feedForwardRstd.base, inp: mid.base,
      scale: w.optionalWeight(.feedForwardNormScale, l), rows: n, channels: c)
    r(feedForwardNormed)
    let ffnOut: UnsafeMutablePointer<Float>
    if let dense {
      var random = context.random(.dropout, layer: l, site: 1)
      dense.forward(
        offset: 0, rows: n, inp: feedForwardNormed.base, weights: w.denseFeedForward(feedForwardIndex),
        dropoutRate: dropoutActive ? rate : 0, random: &random, round: round)
      ffnOut = dense.out.base
      routing = nil
    } else {
      let moe = sparse!
      var jitterRandom = context.random(.jitter, layer: l)
      var routingRandom = context.random(.routing, layer: l)
      var dropoutRandom = context.random(.expertDropout, layer: l)
      let s = feedForwardIndex
      let routerWeight = precision.routerInFloat32 ? w.masterWeight(.routerWeight, s) : w.weight(.routerWeight, s)
      let factor = context.training ? cfg.trainCapacityFactor : cfg.evalCapacityFactor
      routing = moe.forward(
        inp: feedForwardNormed.base, routerWeight: routerWeight,
        masterRouterWeight: w.masterWeight(.routerWeight, s),
        expertWeights: { w.expert(sparseIndex: s, expert: $0) },
        capacity: cfg.capacity(tokens: cfg.routingGroupTokens, factor: factor),
        jitter: context.training ? Float(cfg.routerJitter) : 0, clip: Float(cfg.routerLogitClip),
        expertDropout: context.training ? Float(cfg.expertDropoutRate) : 0,
        jitterRandom: &jitterRandom, routingRandom: &routingRandom, dropoutRandom: &dropoutRandom,
        precision: precision)
      ffnOut = moe.out.base
    }
    branch = ffnOut
    if dropoutActive {
      var random = context.random(.dropout, layer: l, site: 2)
      Dropout.forward(out: feedForwardDropped.base, mask: feedForwardMask.base, inp: branch, count: nc, rate: rate, random: &random)
      r(feedForwardDropped)
      branch = feedForwardDropped.base
    }
    Elementwise.add(out: out.base, mid.base, branch, count: nc)
    r(out)
  }

  /// Accumulates into `dinp` (N, C) and the parameter gradients. `dout` is the gradient of
  /// ``out`` (already rounded in the bfloat16 modes).
  func backward(
    dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
    weights w: WeightViews
  ) {
    let cfg = config, n = rows, c = cfg.channels, nc = n * c, l = layer
    let precision = cfg.precision
    let round = precision.roundsToBFloat16
    func r(_ arena: Arena) { if round { BFloat16.roundInPlace(arena.base, count: arena.count) } }

    // Feed-forward sublayer: out = mid + drop(ffn(norm(mid))).
    var dBranch = dout
    if dropoutActive {
      dProjected.zero()
      Dropout.backward(dinp: dProjected.base, dout: dout, mask: feedForwardMask.base, count: nc)
      r(dProjected)
      dBranch = UnsafePointer(dProjected.base)
    }
    dNormed.zero()
    if let dense {
      dense.backward(
        offset: 0, rows: n, dinp: dNormed.base, dw: w.denseFeedForward(feedForwardIndex, gradients: true),
        dout: dBranch, inp: feedForwardNormed.base, weights: w.denseFeedForward(feedForwardIndex),
        dropoutActive: dropoutActive, round: round)
    } else {
      let s = feedForwardIndex
      let routerWeight = precision.routerInFloat32 ? w.masterWeight(.routerWeight, s) : w.weight(.routerWeight, s)
      sparse!.backward(
        dinp: dNormed.base, dout: dBranch, inp: feedForwardNormed.base, routerWeight: routerWeight,
        dRouterWeight: w.gradient(.routerWeight, s),
        expertWeights: { w.expert(sparseIndex: s, expert: $0) },
        expertGradients: { w.expert(sparseIndex: s, expert: $0, gradients: true) },
        balanceCoefficient: Float(cfg.balanceLossCoefficient), zCoefficient: Float(cfg.routerZLossCoefficient),
        clip: Float(cfg.routerLogitClip), expertDropoutActive: expertDropoutActive,
        precision: precision)
    }
    r(dNormed)
    dMid.base.update(from: dout, count: nc)
    RMSNorm.backward(
      dinp: dMid.base, dscale: w.optionalGradient(.feedForwardNormScale, l), dout: dNormed.base,
      inp: mid.base, scale: w.optionalWeight(.feedForwardNormScale, l), rstd: feedForwardRstd.base,
      rows: n, channels: c)
    r(dMid)

    // Attention sublayer: mid = x + drop(attn(norm(x))).
    dBranch = UnsafePointer(dMid.base)
    if dropoutActive {
      dProjected.zero()
      Dropout.backward(dinp: dProjected.base, dout: dMid.base, mask: attentionMask.base, count: nc)
      r(dProjected)
      dBranch = UnsafePointer(dProjected.base)
    }
    dHeads.zero()
    Linear.backward(
      dinp: dHeads.base, dweight: w.gradient(.attentionOutputWeight, l), dout: dBranch,
      inp: heads.base, weight: w.weight(.attentionOutputWeight, l), rows: n, inFeatures: c, outFeatures: c)
    r(dHeads)
    dq.zero(); dk.zero(); dv.zero()
    let qUse = cfg.qkNorm ? qNormed : q, kUse = cfg.qkNorm ? kNormed : k
    let dqUse = cfg.qkNorm ? dqNormed : dq, dkUse = cfg.qkNorm ? dkNormed : dk
    if cfg.qkNorm { dqNormed.zero(); dkNormed.zero() }
    let rowsOfLse = Float(attentionLse.count)
    CausalAttention.backward(
      dq: dqUse.base, dk: dkUse.base, dv: dv.base, scratch: attentionScratch.base, dout: dHeads.base,
      probs: attentionProbs.base, logits: attentionLogits.base, lse: attentionLse.base,
      q: qUse.base, k: kUse.base, v: v.base, batch: cfg.batchSize, time: cfg.sequenceLength,
      channels: c, heads: cfg.headCount, softCap: Float(cfg.attentionSoftCap),
      zLossScale: Float(cfg.attentionZLossCoefficient) / rowsOfLse,
      roundToBFloat16: round && !precision.exponentiatedInFloat32)
    if cfg.qkNorm {
      r(dqNormed); r(dkNormed)
      let headRows = n * cfg.headCount, hs = cfg.headSize
      RMSNorm.backward(
        dinp: dq.base, dscale: w.optionalGradient(.queryNormScale, l), dout: dqNormed.base, inp: q.base,
        scale: w.optionalWeight(.queryNormScale, l), rstd: qRstd.base, rows: headRows, channels: hs)
      RMSNorm.backward(
        dinp: dk.base, dscale: w.optionalGradient(.keyNormScale, l), dout: dkNormed.base, inp: k.base,
        scale: w.optionalWeight(.keyNormScale, l), rstd: kRstd.base, rows: headRows, channels: hs)
    }
    r(dq); r(dk); r(dv)
    dNormed.zero()
    for (dProjection, name) in [(dq, ParameterName.queryWeight), (dk, .keyWeight), (dv, .valueWeight)] {
      Linear.backward(
        dinp: dNormed.base, dweight: w.gradient(name, l), dout: dProjection.base,
        inp: attentionNormed.base, weight: w.weight(name, l), rows: n, inFeatures: c, outFeatures: c)
    }
    r(dNormed)
    Elementwise.accumulate(dinp, dMid.base, count: nc)
    RMSNorm.backward(
      dinp: dinp, dscale: w.optionalGradient(.attentionNormScale, l), dout: dNormed.base, inp: inp,
      scale: w.optionalWeight(.attentionNormScale, l), rstd: attentionRstd.base, rows: n, channels: c)
  }
}
