import MoEKernels

/// A sparse FFN layer: router → plan → gather rows per expert → one FFN per expert on its
/// contiguous rows → combine with gate weights. Tokens dropped by every choice get zero output
/// (the block's residual carries them through unchanged).
///
/// Shapes: `inp`, `out` (N, C); gathered rows (≤ K·N, C) grouped by expert.
final class MoELayer {
  let rows: Int, channels: Int, experts: Int, choices: Int, groupSize: Int
  let router: Router
  /// Present in the plain bfloat16 mode only (elsewhere the flip fraction is exactly 0).
  let flipProbe: RoundoffFlipProbe?
  let expertFeedForward: FeedForward
  let strategy: any RoutingStrategy
  let gathered: FloatBuffer, dGathered: FloatBuffer, dExpertOut: FloatBuffer
  let out: FloatBuffer
  private(set) var plan: RoutingPlan?
  /// What the roundoff-flip probe of the last forward pass reads (plain bfloat16 only).
  private var flipInputs: RoundoffFlipInputs?
  private var dGate: [Float]

  /// Per-layer routing metrics of the last forward pass.
  struct Statistics: Sendable, Codable, Equatable {
    var router = Router.Statistics()
    var droppedFraction: Double = 0
    var loadMaxOverMean: Double = 0
    /// Fraction of the N tokens whose set of experts (after the second-expert policy, same
    /// random draws, before capacity) differs between the run's precision and a float32
    /// computation of the same router input with the float32 master router weight; exactly 0
    /// (and not computed) unless the precision is plain `bfloat16`. See ``RoundoffFlipProbe``.
    var roundoffFlipFraction: Double = 0
    /// Fraction of the N tokens whose second choice the second-expert policy kept (before
    /// capacity): 1 under `all` with K = 2, 0 with K = 1. See ``RoutingPlan/secondExpertFraction``.
    var secondExpertFraction: Double = 0
  }

  init(config: ModelConfig, rows: Int) {
    self.rows = rows
    channels = config.channels
    experts = config.expertCount
    choices = config.expertsPerToken
    groupSize = config.routingGroupTokens
    router = Router(
      rows: rows, channels: config.channels, experts: config.expertCount, groupSize: groupSize,
      jitter: config.routerJitter > 0)
    let routerRounds = config.precision.roundsToBFloat16 && !config.precision.routerInFloat32
    flipProbe =
      routerRounds
      ? RoundoffFlipProbe(rows: rows, channels: config.channels, experts: config.expertCount) : nil
    expertFeedForward = FeedForward(
      kind: config.feedForward, channels: config.channels, hidden: config.hiddenWidth,
      maxRows: config.expertsPerToken * rows, bias: config.expertBias,
      dropout: config.expertDropoutRate > 0)
    strategy = TokensChooseTopK(
      k: config.expertsPerToken, priority: config.routingPriority,
      secondExpertPolicy: config.secondExpertPolicy,
      secondExpertThreshold: Float(config.secondExpertThreshold))
    gathered = FloatBuffer(count: choices * rows * channels)
    dGathered = FloatBuffer(count: choices * rows * channels)
    dExpertOut = FloatBuffer(count: choices * rows * channels)
    out = FloatBuffer(count: rows * channels)
    dGate = Array(repeating: 0, count: rows * choices)
  }

  /// `routerWeight` is the one the router computes with (the bfloat16 copy unless the router
  /// stays float32), `masterRouterWeight` the float32 master (for the flip metric);
  /// `capacity` is per routing group; `routingRandom` feeds the second-expert policy.
  /// `defersLoggedStatistics` leaves the router entropy and the roundoff-flip fraction at 0
  /// for a later ``completeLoggedStatistics(_:)`` (neither draws a random number nor feeds
  /// anything back).
  func forward(
    inp: UnsafePointer<Float>, routerWeight: UnsafePointer<Float>,
    masterRouterWeight: UnsafePointer<Float>, expertWeights: (Int) -> FeedForwardWeights,
    capacity: Int, jitter: Float, clip: Float, expertDropout: Float,
    jitterRandom: inout RandomStream, routingRandom: inout RandomStream,
    dropoutRandom: inout RandomStream, precision: Precision, defersLoggedStatistics: Bool = false
  ) -> Statistics {
    let n = rows, c = channels
    let round = precision.roundsToBFloat16
    var stats = Statistics()
    stats.router = router.forward(
      inp: inp, weight: routerWeight, jitterEpsilon: jitter, clip: clip, random: &jitterRandom,
      roundToBFloat16: round && !precision.routerInFloat32)
    let routingStart = routingRandom
    var plan = strategy.plan(
      probs: router.probs.base, tokens: n, experts: experts, groupSize: groupSize,
      capacity: capacity, random: &routingRandom)
    flipInputs =
      flipProbe == nil
      ? nil
      : RoundoffFlipInputs(
        routerInput: router.projectedInput(inp), masterWeight: masterRouterWeight, clip: clip,
        random: routingStart)
    stats.secondExpertFraction = plan.secondExpertFraction
    if round { for i in plan.gate.indices { plan.gate[i] = BFloat16.round(plan.gate[i]) } }
    stats.droppedFraction = plan.droppedFraction
    stats.loadMaxOverMean = plan.loadMaxOverMean
    for row in 0..<plan.admittedCount {
      (gathered.base + row * c).update(from: inp + Int(plan.rowToken[row]) * c, count: c)
    }
    for e in 0..<experts {
      let offset = plan.expertOffsets[e]
      expertFeedForward.forward(
        offset: offset, rows: plan.load(e), inp: gathered.base + offset * c,
        weights: expertWeights(e),
        dropoutRate: expertDropout, random: &dropoutRandom, round: round)
    }
    out.zero()
    for t in 0..<n {
      let y = out.base + t * c
      for r in 0..<choices {
        let row = Int(plan.row[t * choices + r])
        if row < 0 { continue }
        let g = plan.gate[t * choices + r]
        let x = expertFeedForward.out.base + row * c
        for i in 0..<c { y[i] += g * x[i] }
      }
    }
    if round { BFloat16.roundInPlace(out.base, count: n * c) }
    self.plan = plan
    if !defersLoggedStatistics { completeLoggedStatistics(&stats) }
    return stats
  }

  /// Fills in `stats` the router entropy and the roundoff-flip fraction of the last forward
  /// pass. Valid until the master router weight changes (the optimizer step) or the next
  /// forward pass; backward may come between.
  func completeLoggedStatistics(_ stats: inout Statistics) {
    stats.router.entropy = router.entropy()
    stats.roundoffFlipFraction = roundoffFlipFraction()
  }

  /// The roundoff-flip fraction of the last forward pass (see ``RoundoffFlipProbe``); 0 when
  /// the precision has no probe.
  private func roundoffFlipFraction() -> Double {
    guard let flipProbe, let plan, let inputs = flipInputs else { return 0 }
    return flipProbe.flipFraction(
      plan: plan, routerInput: inputs.routerInput, masterWeight: inputs.masterWeight,
      clip: inputs.clip, strategy: strategy, random: inputs.random)
  }

  /// Accumulates into `dinp` (N, C), the router weight gradient and the expert gradients.
  func backward(
    dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
    routerWeight: UnsafePointer<Float>, dRouterWeight: UnsafeMutablePointer<Float>,
    expertWeights: (Int) -> FeedForwardWeights, expertGradients: (Int) -> FeedForwardWeights,
    balanceCoefficient: Float, zCoefficient: Float, clip: Float, expertDropoutActive: Bool,
    precision: Precision
  ) {
    guard let plan else { preconditionFailure("MoELayer.backward before forward") }
    let n = rows, c = channels, k = choices, e = experts
    let round = precision.roundsToBFloat16
    // Combine backward: d expertOut[row] = g · dout[t]; d g = ⟨dout[t], expertOut[row]⟩.
    for t in 0..<n {
      let dy = dout + t * c
      for r in 0..<k {
        let index = t * k + r
        let row = Int(plan.row[index])
        if row < 0 {
          dGate[index] = 0
          continue
        }
        let g = plan.gate[index]
        let x = expertFeedForward.out.base + row * c
        let dx = dExpertOut.base + row * c
        var dot: Float = 0
        for i in 0..<c {
          dx[i] = g * dy[i]
          dot += dy[i] * x[i]
        }
        dGate[index] = dot
      }
    }
    if round { BFloat16.roundInPlace(dExpertOut.base, count: plan.admittedCount * c) }
    dGathered.base.update(repeating: 0, count: plan.admittedCount * c)
    for expert in 0..<e {
      let offset = plan.expertOffsets[expert]
      expertFeedForward.backward(
        offset: offset, rows: plan.load(expert), dinp: dGathered.base + offset * c,
        dw: expertGradients(expert), dout: dExpertOut.base + offset * c,
        inp: gathered.base + offset * c, weights: expertWeights(expert),
        dropoutActive: expertDropoutActive, round: round)
    }
    if round { BFloat16.roundInPlace(dGathered.base, count: plan.admittedCount * c) }
    for row in 0..<plan.admittedCount {
      let dx = dinp + Int(plan.rowToken[row]) * c
      let src = dGathered.base + row * c
      for i in 0..<c { dx[i] += src[i] }
    }
    // Gates → probabilities: the strategy's calculus.
    router.dprobs.zero()
    strategy.backward(
      dprobs: router.dprobs.base, dgate: dGate, probs: router.probs.base, plan: plan)
    router.backward(
      dinp: dinp, dweight: dRouterWeight, inp: inp, weight: routerWeight,
      balanceCoefficient: balanceCoefficient, zCoefficient: zCoefficient, clip: clip,
      roundToBFloat16: round && !precision.routerInFloat32)
  }
}
