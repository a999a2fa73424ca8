import Foundation
import MoEKernels
import MoETestSupport
import Testing

@testable import MoEModel

/// Routing groups (Mesh-TF `group_size`): capacity and the load-balance loss per group of G
/// contiguous tokens. Expected values are worked out in the comments.
@Suite("Routing groups split capacity and the balance loss")
struct RoutingGroupTests {
  /// 4 tokens all preferring e0, E = 2, top-1, capacity 1. One group of 4: only t0 fits.
  /// Groups of 2: each group's first token fits (t0 and t2), rows expert-major then by group.
  @Test func capacityIsPerGroup() {
    let probs: [Float] = [0.9, 0.1, 0.8, 0.2, 0.7, 0.3, 0.6, 0.4]
    let s = TokensChooseTopK(k: 1)
    let whole = RoutingTests.plan(s, probs, tokens: 4, experts: 2, capacity: 1)
    #expect(whole.row == [0, -1, -1, -1])
    let grouped = RoutingTests.plan(s, probs, tokens: 4, experts: 2, groupSize: 2, capacity: 1)
    #expect(grouped.row == [0, -1, 1, -1])
    #expect(grouped.rowToken == [0, 2] && grouped.groupSize == 2)
    #expect(grouped.droppedFraction == 0.5)
  }

  /// t0→e1, t1→e0, t2→e1, t3→e0 in groups of 2, capacity 2: expert 0 owns rows 0-1 (t1 of
  /// group 0, then t3 of group 1), expert 1 rows 2-3 (t0, then t2).
  @Test func rowsAreExpertMajorThenGroup() {
    let probs: [Float] = [0.2, 0.8, 0.7, 0.3, 0.4, 0.6, 0.9, 0.1]
    let p = RoutingTests.plan(
      TokensChooseTopK(k: 1), probs, tokens: 4, experts: 2, groupSize: 2, capacity: 2)
    #expect(p.row == [2, 0, 3, 1])
    #expect(p.rowToken == [1, 3, 0, 2])
    #expect(p.expertOffsets == [0, 2, 4])
  }

  /// Batch-prioritized routing sorts within a group only: in groups of 2, t1 (0.95) beats t0
  /// (0.6) for group 0's one e0 slot, while t2 (0.99, group 1) cannot displace either of them.
  @Test func batchPriorityIsWithinAGroup() {
    let probs: [Float] = [0.6, 0.4, 0.95, 0.05, 0.99, 0.01, 0.5, 0.5]
    let s = TokensChooseTopK(k: 1, priority: .batchPrioritized)
    let p = RoutingTests.plan(s, probs, tokens: 4, experts: 2, groupSize: 2, capacity: 1)
    #expect(p.row == [-1, 0, 1, -1])
  }

  /// Router with identity weight (C = E = 2), so logits = inputs. Logits (ln 3, 0) give
  /// p = (0.75, 0.25), (0, ln 3) give (0.25, 0.75). Tokens: t0, t1, t2 → e0, t3 → e1.
  /// Groups of 2: group 0 f = (1, 0), P = (0.75, 0.25) → 2·0.75 = 1.5; group 1 f = (½, ½),
  /// P = (½, ½) → 2·(¼ + ¼) = 1; mean 1.25. One group: f = (¾, ¼), P = (0.625, 0.375) →
  /// 2·(0.46875 + 0.09375) = 1.125.
  @Test func balanceLossIsTheMeanOfPerGroupLosses() {
    let l3 = Float(log(3.0))
    let inputs: [Float] = [l3, 0, l3, 0, l3, 0, 0, l3]
    let identity: [Float] = [1, 0, 0, 1]
    func balance(groupSize: Int) -> (Double, [Double]) {
      let router = Router(rows: 4, channels: 2, experts: 2, groupSize: groupSize, jitter: false)
      var random = RandomStream(seed: 1)
      let stats = router.forward(
        inp: inputs, weight: identity, jitterEpsilon: 0, clip: 0, random: &random,
        roundToBFloat16: false)
      return (stats.balanceLoss, router.topFraction)
    }
    let (grouped, fractions) = balance(groupSize: 2)
    #expect(abs(grouped - 1.25) < 1e-6)
    #expect(fractions == [1, 0, 0.5, 0.5])
    #expect(abs(balance(groupSize: 4).0 - 1.125) < 1e-6)
  }

  /// The gradient of the per-group balance loss in probs[n, e] is E·f_{g(n),e}/N: checked on
  /// the router alone against finite differences of c_B·balance in the router weight, where
  /// f is held fixed (no token changes its top-1 expert within the step).
  @Test func balanceGradientUsesEachTokensGroupFractions() {
    let n = 8
    let c = 3
    let e = 3
    let inputs = TestData.floats(n * c, seed: 4)
    let weight = FloatBuffer(count: e * c)
    weight.base.update(from: TestData.floats(e * c, seed: 5), count: e * c)
    let router = Router(rows: n, channels: c, experts: e, groupSize: 4, jitter: false)
    func loss() -> Double {
      var random = RandomStream(seed: 1)
      return router.forward(
        inp: inputs, weight: weight.base, jitterEpsilon: 0, clip: 0, random: &random,
        roundToBFloat16: false
      ).balanceLoss
    }
    _ = loss()
    let fractions = router.topFraction
    router.dprobs.zero()
    var dinp = [Float](repeating: 0, count: n * c)
    var dweight = [Float](repeating: 0, count: e * c)
    router.backward(
      dinp: &dinp, dweight: &dweight, inp: inputs, weight: weight.base, balanceCoefficient: 1,
      zCoefficient: 0, clip: 0, roundToBFloat16: false)
    let checker = GradientCheck()
    let report = checker.check(
      name: "routerWeight", values: weight.base, analytic: dweight, indices: Array(0..<(e * c)),
      loss: loss, isSmooth: { router.topFraction == fractions })
    #expect(report.failures.isEmpty, "\(report)")
    #expect(report.checked >= 6, "\(report)")
  }
}
