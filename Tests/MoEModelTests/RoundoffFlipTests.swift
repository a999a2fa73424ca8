import MoEKernels
import MoETestSupport
import Testing

@testable import MoEModel

/// The roundoff-flip metric: a hand-built case where bfloat16 rounding changes a choice, and
/// the whole model in each precision.
@Suite("Roundoff flips count the tokens bfloat16 routes differently")
struct RoundoffFlipTests {
  /// C = 1, E = 2, top-1, router weight (1, 1 + 2⁻⁹). bfloat16 keeps 8 significant bits, so
  /// the weight's copy is (1, 1) (2⁻⁹ is below half the spacing 2⁻⁷ at 1): both logits equal,
  /// the tie goes to e0 for every token. In float32 the logits are (x, x + 2⁻⁹·x): e1 wins for
  /// x > 0, e0 for x < 0, and x = 0 ties to e0. Inputs (1, −1, 0.5, 0) flip tokens 0 and 2:
  /// 2 of 4 = 0.5.
  @Test func aRoundedRouterWeightFlipsHalfTheTokens() {
    let inputs: [Float] = [1, -1, 0.5, 0]
    let master: [Float] = [1, 1 + 0x1p-9]
    let rounded = master.map(BFloat16.round)
    #expect(rounded == [1, 1])
    let router = Router(rows: 4, channels: 1, experts: 2, groupSize: 4, jitter: false)
    var random = RandomStream(seed: 1)
    _ = router.forward(
      inp: inputs, weight: rounded, jitterEpsilon: 0, clip: 0, random: &random,
      roundToBFloat16: true)
    let strategy = TokensChooseTopK(k: 1)
    var routing = RandomStream(seed: 2)
    let start = routing
    let plan = strategy.plan(
      probs: router.probs.base, tokens: 4, experts: 2, groupSize: 4, capacity: 4, random: &routing)
    #expect(plan.chosenExpert == [0, 0, 0, 0])
    let probe = RoundoffFlipProbe(rows: 4, channels: 1, experts: 2)
    let fraction = probe.flipFraction(
      plan: plan, routerInput: router.projectedInput(inputs), masterWeight: master, clip: 0,
      strategy: strategy, random: start)
    #expect(fraction == 0.5)
    // Against its own weight the same plan has no flips.
    let none = probe.flipFraction(
      plan: plan, routerInput: inputs, masterWeight: rounded, clip: 0, strategy: strategy,
      random: start)
    #expect(none == 0)
  }

  /// Under the threshold policy a flip can be the second expert alone. C = 1, E = 3, τ = 0.2,
  /// router weight (10, 8.61, −10), inputs (1, −1). Token 0: float32 logits (10, 8.61, −10),
  /// g₂ = 1/(1 + e^1.39) = 0.1994 < τ: declined. bfloat16 rounds 8.61 to 8.625 (spacing 2⁻⁴
  /// in [8, 16)), g₂ = 1/(1 + e^1.375) = 0.2018, and after rounding the probabilities
  /// (0.796875, 0.2021484) it is 0.2023 ≥ τ: kept, a flip. Token 1: logits negated, top-1 e2,
  /// second e1 with g₂ ≈ 8e-9 in both: declined in both, no flip. 1 of 2 = 0.5.
  @Test func aRoundedWeightFlipsTheSecondExpert() {
    let master: [Float] = [10, 8.61, -10]
    let rounded = master.map(BFloat16.round)
    #expect(rounded == [10, 8.625, -10])
    let inputs: [Float] = [1, -1]
    let router = Router(rows: 2, channels: 1, experts: 3, groupSize: 2, jitter: false)
    var random = RandomStream(seed: 1)
    _ = router.forward(
      inp: inputs, weight: rounded, jitterEpsilon: 0, clip: 0, random: &random,
      roundToBFloat16: true)
    let strategy = TokensChooseTopK(
      k: 2, secondExpertPolicy: .threshold, secondExpertThreshold: 0.2)
    var routing = RandomStream(seed: 2)
    let plan = strategy.plan(
      probs: router.probs.base, tokens: 2, experts: 3, groupSize: 2, capacity: 4, random: &routing)
    #expect(plan.chosenExpert == [0, 1, 2, 1])
    #expect(plan.declined == [false, false, false, true])
    let probe = RoundoffFlipProbe(rows: 2, channels: 1, experts: 3)
    let fraction = probe.flipFraction(
      plan: plan, routerInput: inputs, masterWeight: master, clip: 0, strategy: strategy,
      random: RandomStream(seed: 2))
    #expect(fraction == 0.5)
  }

  func routingStatistics(_ configure: (inout ModelConfig) -> Void) -> [RoutingStatistics] {
    var config = gradientCheckConfig()
    config.batchSize = 8
    configure(&config)
    let model = Transformer(config: config, seed: 3)
    let n = config.tokensPerStep
    let loss = model.forward(
      inputs: TestData.tokens(n, vocabulary: config.vocabSize, seed: 1),
      targets: TestData.tokens(n, vocabulary: config.vocabSize, seed: 2), training: true, step: 0)
    return loss.layers.compactMap(\.routing)
  }

  /// Float32 and the modes that keep the router in float32 log exactly 0.
  @Test(arguments: [Precision.float32, .bfloat16RouterFloat32, .bfloat16ExpFloat32])
  func floatRoutersHaveNoFlips(_ precision: Precision) {
    let stats = routingStatistics {
      $0.precision = precision
      $0.routerInitScale = 1e-6
    }
    #expect(!stats.isEmpty && stats.allSatisfy { $0.roundoffFlipFraction == 0 })
  }

  /// Plain bfloat16 logs a fraction in [0, 1]; with a tiny router init (logits ~1e-3) most
  /// probabilities round to the same bfloat16 value near 1/E, so ties send tokens to the
  /// lowest indices while float32 tells the experts apart: most tokens flip.
  @Test func bfloat16RoutersFlipNearTies() {
    let ordinary = routingStatistics { $0.precision = .bfloat16 }
    #expect(ordinary.allSatisfy { (0...1).contains($0.roundoffFlipFraction) })
    let nearTies = routingStatistics {
      $0.precision = .bfloat16
      $0.routerInitScale = 1e-6
    }
    #expect(nearTies.allSatisfy { $0.roundoffFlipFraction > 0.5 && $0.roundoffFlipFraction <= 1 })
  }

  /// The second-expert fraction: 1 under `all` with K = 2, 0 with K = 1, in between when the
  /// threshold declines some.
  @Test func secondExpertFractionFollowsThePolicy() {
    #expect(routingStatistics { _ in }.allSatisfy { $0.secondExpertFraction == 1 })
    #expect(
      routingStatistics { $0.expertsPerToken = 1 }.allSatisfy { $0.secondExpertFraction == 0 })
    let threshold = routingStatistics {
      $0.secondExpertPolicy = .threshold
      $0.secondExpertThreshold = 0.35
    }
    #expect(threshold.allSatisfy { $0.secondExpertFraction > 0 && $0.secondExpertFraction < 1 })
  }
}
