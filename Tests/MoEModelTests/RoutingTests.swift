import Foundation
import MoEKernels
import Testing

@testable import MoEModel

/// Routing decisions on hand-sized inputs, checkable by eye.
@Suite("Token-choice routing places tokens as specified")
struct RoutingTests {
  func plan(
    _ probs: [Float], tokens: Int, experts: Int, k: Int, capacity: Int,
    priority: RoutingPriority = .tokenOrder
  ) -> RoutingPlan {
    RoutingTests.plan(
      TokensChooseTopK(k: k, priority: priority), probs, tokens: tokens, experts: experts,
      capacity: capacity)
  }

  /// `strategy`'s plan of `probs` (N, E) in groups of `groupSize` tokens (0 = one group).
  static func plan(
    _ strategy: TokensChooseTopK, _ probs: [Float], tokens: Int, experts: Int, groupSize: Int = 0,
    capacity: Int, seed: UInt64 = 1
  ) -> RoutingPlan {
    var random = RandomStream(seed: seed)
    return probs.withUnsafeBufferPointer {
      strategy.plan(
        probs: $0.baseAddress!, tokens: tokens, experts: experts,
        groupSize: groupSize == 0 ? tokens : groupSize, capacity: capacity, random: &random)
    }
  }

  /// 4 tokens all prefer expert 0, E = 2, capacity 2, top-1: tokens 2 and 3 are dropped.
  @Test func overflowTokensAreDroppedInPositionOrder() {
    let p = plan(
      [0.9, 0.1, 0.8, 0.2, 0.7, 0.3, 0.6, 0.4], tokens: 4, experts: 2, k: 1, capacity: 2)
    #expect(p.row == [0, 1, -1, -1])
    #expect(p.load(0) == 2 && p.load(1) == 0)
    #expect(p.fullyDroppedTokenCount == 2)
    #expect(p.gate == [0.9, 0.8, 0.7, 0.6])  // top-1 gate is the raw probability
  }

  /// Top-2, E = 3, capacity 1. First choices: t0→e0, t1→e0 (dropped), t2→e1. Second choices
  /// claim after all first choices: t0→e1 (full, dropped), t1→e2, t2→e0 (full, dropped).
  @Test func firstChoicesClaimSlotsBeforeSecondChoices() {
    let probs: [Float] = [0.6, 0.3, 0.1, 0.5, 0.1, 0.4, 0.2, 0.7, 0.1]
    let p = plan(probs, tokens: 3, experts: 3, k: 2, capacity: 1)
    #expect(p.chosenExpert == [0, 1, 0, 2, 1, 0])
    let admitted = (0..<6).map { p.row[$0] >= 0 }
    #expect(admitted == [true, false, false, true, true, false])
    // Gates renormalised over both choices: t0 = 0.6/0.9, 0.3/0.9.
    #expect(abs(p.gate[0] - 0.6 / 0.9) < 1e-6 && abs(p.gate[1] - 0.3 / 0.9) < 1e-6)
    #expect(p.droppedFraction == 0.5)
  }

  /// Batch-prioritized: the token with the highest top-1 probability claims first even when it
  /// comes later (the reason it is not causal).
  @Test func batchPrioritizedLetsConfidentLaterTokensIn() {
    let probs: [Float] = [0.6, 0.4, 0.9, 0.1]
    let p = plan(probs, tokens: 2, experts: 2, k: 1, capacity: 1, priority: .batchPrioritized)
    #expect(p.row == [-1, 0])
    #expect(!TokensChooseTopK(k: 1, priority: .batchPrioritized).isCausal)
    #expect(TokensChooseTopK(k: 1).isCausal)
  }

  /// Uniform probabilities give balance loss exactly E·Σ_e f_e·(1/E) = 1 for any k; zero
  /// logits give lse = ln E, so the router z-loss is (ln E)².
  @Test(arguments: [1, 2])
  func auxLossesAtUniformRouting(k: Int) {
    let n = 8, c = 3, e = 4
    let router = Router(rows: n, channels: c, experts: e, groupSize: n, jitter: false)
    let inputs = [Float](repeating: 0.5, count: n * c)
    let zeroWeight = [Float](repeating: 0, count: e * c)
    var random = RandomStream(seed: 1)
    let stats = router.forward(
      inp: inputs, weight: zeroWeight, jitterEpsilon: 0, clip: 0, random: &random,
      roundToBFloat16: false)
    #expect(abs(stats.balanceLoss - 1) < 1e-6)
    #expect(abs(stats.zLoss - log(4.0) * log(4.0)) < 1e-5)
    #expect(stats.entropy == 0)  // logged only: computed on demand
    #expect(abs(router.entropy() - log(4.0)) < 1e-5)
  }

  @Test func capacityFormula() {
    var config = ModelConfig()  // tiny: ⌈2·2048·1.25/8⌉ = 640 (performance.md)
    #expect(config.capacity(tokens: 2048, factor: 1.25) == 640)
    config.expertsPerToken = 1
    #expect(config.capacity(tokens: 10, factor: 0.1) == 4)  // the minimum
  }
}
