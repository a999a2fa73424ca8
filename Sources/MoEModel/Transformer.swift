import MoEKernels

/// The decoder-only sparse Transformer with hand-written forward and backward passes.
///
/// Token + position embedding → L pre-norm blocks → final RMSNorm → untied output projection
/// → softmax cross-entropy. Parameters, gradients and the bfloat16 compute copy are three
/// arenas laid out by ``ParameterLayout``; every activation buffer is allocated once here, so
/// a step allocates only the small per-step routing plans.
///
/// Loss (what ``backward()`` differentiates):
/// `CE + c_B·Σ_l balance_l + c_z·Σ_l z_l + c_attnZ·Σ_l mean(lse_attn²) + c_outZ·mean(lse_out²)`,
/// the aux terms summed over layers (the reference spec's choice).
public final class Transformer {
  public let config: ModelConfig
  public let layout: ParameterLayout
  public let seed: UInt64
  /// Float32 master weights.
  public let parameters: FloatBuffer
  /// Gradients of the last ``backward()``.
  public let gradients: FloatBuffer
  /// The weights the passes use: a rounded copy in the bfloat16 modes.
  let computeWeights: FloatBuffer
  let blocks: [TransformerBlock]
  /// Token buffers (B·T each) the next ``forward(training:step:)`` reads.
  public let inputTokens: Int32Buffer, targetTokens: Int32Buffer
  let embedded: FloatBuffer, finalNormed: FloatBuffer, finalRstd: FloatBuffer
  let logits: FloatBuffer, probs: FloatBuffer, lse: FloatBuffer
  let dLogits: FloatBuffer, dFinalNormed: FloatBuffer, dResidualA: FloatBuffer,
    dResidualB: FloatBuffer
  private var lastContext: StepContext?
  private var lastLoss: LossBreakdown?

  public init(config: ModelConfig, seed: UInt64) {
    self.config = config
    self.seed = seed
    layout = ParameterLayout(config)
    parameters = FloatBuffer(count: layout.totalCount)
    gradients = FloatBuffer(count: layout.totalCount)
    computeWeights =
      config.precision.roundsToBFloat16 ? FloatBuffer(count: layout.totalCount) : parameters
    var denseIndex = 0, sparseIndex = 0
    blocks = (0..<config.layerCount).map { l in
      let sparse = config.isSparse(layer: l)
      defer { if sparse { sparseIndex += 1 } else { denseIndex += 1 } }
      return TransformerBlock(
        config: config, layer: l, feedForwardIndex: sparse ? sparseIndex : denseIndex)
    }
    let n = config.tokensPerStep, c = config.channels, v = config.vocabSize
    inputTokens = Int32Buffer(count: n)
    targetTokens = Int32Buffer(count: n)
    embedded = FloatBuffer(count: n * c)
    finalNormed = FloatBuffer(count: n * c)
    finalRstd = FloatBuffer(count: n)
    logits = FloatBuffer(count: n * v)
    probs = FloatBuffer(count: n * v)
    lse = FloatBuffer(count: n)
    dLogits = FloatBuffer(count: n * v)
    dFinalNormed = FloatBuffer(count: n * c)
    dResidualA = FloatBuffer(count: n * c)
    dResidualB = FloatBuffer(count: n * c)
    initializeParameters()
  }

  /// Truncated normal (±2σ, resampled) with σ = √(scale / fanIn) for every weight, scale =
  /// `routerInitScale` for the router weights (when set) and `initScale` for the rest, each
  /// tensor from its own random stream; norm scales and the expert bias start at one.
  public func initializeParameters() {
    for (position, name) in ParameterName.allCases.enumerated() {
      let slice = layout.slice(name)
      let pointer = parameters.base + slice.range.lowerBound
      guard let fanIn = name.fanIn(config) else {
        pointer.update(repeating: 1, count: slice.count)
        continue
      }
      var random = RandomStream(seed: seed, RandomPurpose.initialization.rawValue, UInt64(position))
      let scale = name == .routerWeight ? config.effectiveRouterInitScale : config.initScale
      let std = (scale / Double(fanIn)).squareRoot()
      for i in 0..<slice.count { pointer[i] = random.truncatedNormal(std: std) }
    }
  }

  var weightViews: WeightViews {
    WeightViews(
      layout: layout, compute: computeWeights.base, master: parameters.base,
      gradients: gradients.base)
  }

  /// Runs the forward pass on `inputs` (B·T tokens) predicting `targets` (B·T tokens).
  ///
  /// `training` turns on jitter and dropout and uses the train capacity factor; `step` selects
  /// the noise streams, so the same (seed, step) replays the same noise.
  @discardableResult
  public func forward(inputs: [Int32], targets: [Int32], training: Bool, step: Int) -> LossBreakdown
  {
    let n = config.tokensPerStep
    precondition(inputs.count == n && targets.count == n, "expected \(n) input and target tokens")
    inputTokens.base.update(from: inputs, count: n)
    targetTokens.base.update(from: targets, count: n)
    return forward(training: training, step: step)
  }

  /// Runs the forward pass on the tokens already in ``inputTokens`` and ``targetTokens``.
  ///
  /// `defersLoggedStatistics` leaves every MoE layer's router entropy and roundoff-flip
  /// fraction at 0, to be filled in by ``completeLoggedStatistics(_:)`` on the steps that log
  /// them: the entropy takes a logarithm per token and expert, the flip probe repeats the
  /// routing in float32 (a GEMM, a softmax and a plan), but neither draws a random number nor
  /// feeds anything into the loss or the gradients.
  @discardableResult
  public func forward(training: Bool, step: Int, defersLoggedStatistics: Bool = false)
    -> LossBreakdown
  {
    let n = config.tokensPerStep, c = config.channels, v = config.vocabSize
    for i in 0..<n {
      precondition(
        (0..<Int32(v)).contains(inputTokens.base[i])
          && (0..<Int32(v)).contains(targetTokens.base[i]),
        "token out of vocabulary")
    }
    let precision = config.precision
    if precision.roundsToBFloat16 {
      BFloat16.round(from: parameters.base, into: computeWeights.base, count: computeWeights.count)
    }
    let context = StepContext(
      training: training, step: step, seed: seed, defersLoggedStatistics: defersLoggedStatistics)
    let w = weightViews
    Embedding.forward(
      out: embedded.base, tokens: inputTokens.base, tokenEmbedding: w.weight(.tokenEmbedding),
      positionEmbedding: w.weight(.positionEmbedding), batch: config.batchSize,
      time: config.sequenceLength, channels: c, roundToBFloat16: precision.roundsToBFloat16)
    var residual = UnsafePointer(embedded.base)
    for block in blocks {
      block.forward(inp: residual, weights: w, context: context)
      residual = UnsafePointer(block.out.base)
    }
    RMSNorm.forward(
      out: finalNormed.base, rstd: finalRstd.base, inp: residual,
      scale: w.optionalWeight(.finalNormScale),
      rows: n, channels: c, roundToBFloat16: precision.roundsToBFloat16)
    Linear.forward(
      out: logits.base, inp: finalNormed.base, weight: w.weight(.outputWeight), rows: n,
      inFeatures: c, outFeatures: v)
    let sums =
      precision.roundsToBFloat16 && !precision.exponentiatedInFloat32
      ? SoftmaxCrossEntropy.forwardRoundingLogitsToBFloat16(
        probs: probs.base, lse: lse.base, logits: logits.base, targets: targetTokens.base, rows: n,
        classes: v)
      : SoftmaxCrossEntropy.forward(
        probs: probs.base, lse: lse.base, logits: logits.base, targets: targetTokens.base, rows: n,
        classes: v)
    var loss = LossBreakdown()
    loss.crossEntropy = sums.crossEntropy / Double(n)
    loss.outputZLoss = sums.squaredLogPartition / Double(n)
    for block in blocks {
      var layerStats = LayerStatistics(
        layer: block.layer, maxAttentionLogit: block.maxAttentionLogit,
        attentionZLoss: block.attentionZLoss)
      if let routing = block.routing {
        layerStats.routing = RoutingStatistics(
          balanceLoss: routing.router.balanceLoss, routerZLoss: routing.router.zLoss,
          maxRouterLogit: routing.router.maxAbsLogit, routerEntropy: routing.router.entropy,
          droppedFraction: routing.droppedFraction, loadMaxOverMean: routing.loadMaxOverMean,
          roundoffFlipFraction: routing.roundoffFlipFraction,
          secondExpertFraction: routing.secondExpertFraction)
        loss.balanceLoss += routing.router.balanceLoss
        loss.routerZLoss += routing.router.zLoss
      }
      loss.attentionZLoss += block.attentionZLoss
      loss.layers.append(layerStats)
    }
    loss.total =
      loss.crossEntropy + config.balanceLossCoefficient * loss.balanceLoss
      + config.routerZLossCoefficient * loss.routerZLoss
      + config.attentionZLossCoefficient * loss.attentionZLoss
      + config.outputZLossCoefficient * loss.outputZLoss
    lastContext = context
    lastLoss = loss
    return loss
  }

  /// Fills in `loss` (the last forward pass's, made with `defersLoggedStatistics`) the router
  /// entropies and roundoff-flip fractions, exactly as that forward pass would have: call it
  /// before the master weights change (the optimizer step) and before the next forward pass;
  /// backward may come between.
  public func completeLoggedStatistics(_ loss: inout LossBreakdown) {
    for (index, block) in blocks.enumerated() {
      guard let moe = block.feedForward.network.moeLayer, loss.layers[index].routing != nil
      else { continue }
      var stats = MoELayer.Statistics()
      moe.completeLoggedStatistics(&stats)
      loss.layers[index].routing?.routerEntropy = stats.router.entropy
      loss.layers[index].routing?.roundoffFlipFraction = stats.roundoffFlipFraction
    }
  }

  /// Gradients of the last forward pass's total loss, written (not accumulated) into
  /// ``gradients``. Activation gradients are rounded to bfloat16 in the bfloat16 modes.
  public func backward() {
    guard lastContext != nil else { preconditionFailure("backward() before forward()") }
    let n = config.tokensPerStep, c = config.channels, v = config.vocabSize
    let round = config.precision.roundsToBFloat16
    gradients.zero()
    let w = weightViews
    dLogits.zero()
    SoftmaxCrossEntropy.backward(
      dlogits: dLogits.base, probs: probs.base, lse: lse.base, targets: targetTokens.base,
      rows: n, classes: v, ceScale: 1 / Float(n),
      zScale: Float(config.outputZLossCoefficient) / Float(n), roundToBFloat16: round)
    Linear.backward(
      dinp: dFinalNormed.base, dweight: w.gradient(.outputWeight), dout: dLogits.base,
      inp: finalNormed.base, weight: w.weight(.outputWeight), rows: n, inFeatures: c,
      outFeatures: v, accumulateInputGradient: false)
    if round { BFloat16.roundInPlace(dFinalNormed.base, count: n * c) }
    var dOut = dResidualA, dIn = dResidualB
    dOut.zero()
    let lastResidual =
      blocks.last.map { UnsafePointer($0.out.base) } ?? UnsafePointer(embedded.base)
    RMSNorm.backward(
      dinp: dOut.base, dscale: w.optionalGradient(.finalNormScale), dout: dFinalNormed.base,
      inp: lastResidual, scale: w.optionalWeight(.finalNormScale), rstd: finalRstd.base, rows: n,
      channels: c, roundToBFloat16: round)
    for index in blocks.indices.reversed() {
      let block = blocks[index]
      let inp =
        index == 0 ? UnsafePointer(embedded.base) : UnsafePointer(blocks[index - 1].out.base)
      dIn.zero()
      block.backward(dinp: dIn.base, dout: dOut.base, inp: inp, weights: w)
      if round { BFloat16.roundInPlace(dIn.base, count: n * c) }
      swap(&dOut, &dIn)
    }
    Embedding.backward(
      dTokenEmbedding: w.gradient(.tokenEmbedding),
      dPositionEmbedding: w.gradient(.positionEmbedding),
      dout: dOut.base, tokens: inputTokens.base, batch: config.batchSize,
      time: config.sequenceLength,
      channels: c)
  }

  /// The routing plan of each sparse layer from the last forward pass (for tests and logs).
  public var lastRoutingPlans: [RoutingPlan] {
    blocks.compactMap { $0.feedForward.network.moeLayer?.plan }
  }
}
