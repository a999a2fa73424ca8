import MoEKernels

/// A sparse FFN layer: router → plan → gather rows per expert → one FFN per expert on its
/// contiguous rows → combine with gate weights. Tokens dropped by every choice get zero output
/// (the block's residual carries them through unchanged).
///
/// Shapes: `inp`, `out` (N, C); gathered rows (≤ K·N, C) grouped by expert.
final class MoELayer {
  let rows: Int, channels: Int, experts: Int, choices: Int
  let router: Router
  let expertFeedForward: FeedForward
  let strategy: any RoutingStrategy
  let gathered: Arena, dGathered: Arena, dExpertOut: Arena
  let out: Arena
  private(set) var plan: RoutingPlan?
  private var dGate: [Float]

  /// Per-layer routing metrics of the last forward pass.
  struct Statistics: Sendable, Codable, Equatable {
    var router = Router.Statistics()
    var droppedFraction: Double = 0
    var loadMaxOverMean: Double = 0
  }

  init(config: ModelConfig, rows: Int) {
    self.rows = rows
    channels = config.channels
    experts = config.expertCount
    choices = config.expertsPerToken
    router = Router(
      rows: rows, channels: config.channels, experts: config.expertCount,
      jitter: config.routerJitter > 0)
    expertFeedForward = FeedForward(
      kind: config.feedForward, channels: config.channels, hidden: config.hiddenWidth,
      maxRows: config.expertsPerToken * rows, bias: config.expertBias,
      dropout: config.expertDropoutRate > 0)
    strategy = TokensChooseTopK(k: config.expertsPerToken, priority: config.routingPriority)
    gathered = Arena(count: choices * rows * channels)
    dGathered = Arena(count: choices * rows * channels)
    dExpertOut = Arena(count: choices * rows * channels)
    out = Arena(count: rows * channels)
    dGate = Array(repeating: 0, count: rows * choices)
  }

  func forward(
    inp: UnsafePointer<Float>, routerWeight: UnsafePointer<Float>,
    expertWeights: (Int) -> FeedForwardWeights, capacity: Int, jitter: Float, clip: Float,
    expertDropout: Float, jitterRandom: inout RandomStream, dropoutRandom: inout RandomStream,
    precision: Precision
  ) -> Statistics {
    let n = rows, c = channels
    let round = precision.roundsToBFloat16
    var stats = Statistics()
    stats.router = router.forward(
      inp: inp, weight: routerWeight, jitterEpsilon: jitter, clip: clip, random: &jitterRandom,
      roundToBFloat16: round && !precision.routerInFloat32)
    var plan = strategy.plan(probs: router.probs.base, tokens: n, experts: experts, capacity: capacity)
    if round { for i in plan.gate.indices { plan.gate[i] = BFloat16.round(plan.gate[i]) } }
    stats.droppedFraction = plan.droppedFraction
    stats.loadMaxOverMean = plan.loadMaxOverMean
    for row in 0..<plan.admittedCount {
      (gathered.base + row * c).update(from: inp + Int(plan.rowToken[row]) * c, count: c)
    }
    for e in 0..<experts {
      let offset = plan.expertOffsets[e]
      expertFeedForward.forward(
        offset: offset, rows: plan.load(e), inp: gathered.base + offset * c, weights: expertWeights(e),
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
    return stats
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
        if row < 0 { dGate[index] = 0; continue }
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
    // Gates → probabilities. K = 1: g = p. K ≥ 2: g_i = p_i / S with S = Σ_chosen p_j, so
    // dp_j = dg_j / S − (Σ_i dg_i·p_i) / S².
    router.dprobs.zero()
    for t in 0..<n {
      let p = router.probs.base + t * e
      let dp = router.dprobs.base + t * e
      if k == 1 {
        dp[Int(plan.chosenExpert[t])] += dGate[t]
        continue
      }
      var s: Float = 0, weighted: Float = 0
      for r in 0..<k {
        let x = Int(plan.chosenExpert[t * k + r])
        s += p[x]
        weighted += dGate[t * k + r] * p[x]
      }
      for r in 0..<k {
        let x = Int(plan.chosenExpert[t * k + r])
        dp[x] += dGate[t * k + r] / s - weighted / (s * s)
      }
    }
    router.backward(
      dinp: dinp, dweight: dRouterWeight, inp: inp, weight: routerWeight,
      balanceCoefficient: balanceCoefficient, zCoefficient: zCoefficient, clip: clip,
      roundToBFloat16: round && !precision.routerInFloat32)
  }
}
