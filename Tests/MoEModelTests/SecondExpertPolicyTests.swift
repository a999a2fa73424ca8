import MoEKernels
import Testing

@testable import MoEModel

/// The second-expert policies (Mesh-TF / ST-MoE App. G) on hand-sized inputs, and the gate
/// derivative the strategy owns. Expected values are worked out in the comments.
@Suite("Second-expert policies keep, decline and renormalise as specified")
struct SecondExpertPolicyTests {
  func strategy(_ policy: SecondExpertPolicy, threshold: Float = 0.2) -> TokensChooseTopK {
    TokensChooseTopK(k: 2, secondExpertPolicy: policy, secondExpertThreshold: threshold)
  }

  /// E = 3, τ = 0.2, capacity 4 (no drops). Renormalised second gates g₂ = p₂/(p₁ + p₂):
  /// t0 (0.6, 0.3, 0.1): e0, e1, g₂ = 0.3/0.9 = 0.333 (kept);
  /// t1 (0.7, 0.1, 0.2): e0, e2, g₂ = 0.2/0.9 = 0.222 (kept);
  /// t2 (0.05, 0.85, 0.1): e1, e2, g₂ = 0.1/0.95 = 0.105 (declined);
  /// t3 (0.1, 0.1, 0.8): e2, e0 (tie to the lower index), g₂ = 0.1/0.9 = 0.111 (declined).
  static let fourTokens: [Float] = [
    0.6, 0.3, 0.1, 0.7, 0.1, 0.2, 0.05, 0.85, 0.1, 0.1, 0.1, 0.8,
  ]

  @Test func thresholdDeclinesSecondGatesBelowIt() {
    let p = RoutingTests.plan(
      strategy(.threshold), Self.fourTokens, tokens: 4, experts: 3, capacity: 4)
    #expect(p.chosenExpert == [0, 1, 0, 2, 1, 2, 2, 0])
    #expect(p.declined == [false, false, false, false, false, true, false, true])
    #expect(p.row.enumerated().allSatisfy { ($1 < 0) == p.declined[$0] })
    #expect(p.admittedCount == 6)
    #expect(p.secondExpertFraction == 0.5)
    #expect(p.droppedFraction == 0)  // declined choices are not capacity drops
    // The first gate keeps its renormalised value: 0.85/0.95, not 1 (Mesh-TF).
    #expect(abs(p.gate[4] - 0.85 / 0.95) < 1e-6)
    #expect(abs(p.gate[6] - 0.8 / 0.9) < 1e-6)
  }

  /// Tokens compare by the set of experts they are sent to: the threshold plan above against
  /// `all` differs for t2 and t3 (second expert declined) only; a swap of ranks is no change.
  @Test func sentExpertsCompareAsSets() {
    let threshold = RoutingTests.plan(
      strategy(.threshold), Self.fourTokens, tokens: 4, experts: 3, capacity: 4)
    let all = RoutingTests.plan(strategy(.all), Self.fourTokens, tokens: 4, experts: 3, capacity: 4)
    let same = (0..<4).map { threshold.sendsSameExperts(as: all, token: $0) }
    #expect(same == [true, true, false, false])
    #expect((0..<4).map { all.sendsSameExperts(as: threshold, token: $0) } == same)
    var swapped = all
    swapped.chosenExpert[0] = 1
    swapped.chosenExpert[1] = 0
    #expect(swapped.sendsSameExperts(as: all, token: 0))
    swapped.chosenExpert[1] = 2
    #expect(!swapped.sendsSameExperts(as: all, token: 0))
  }

  /// The same input under `all`: every second choice kept, as before the policies existed.
  @Test func allKeepsEverySecondChoice() {
    let p = RoutingTests.plan(strategy(.all), Self.fourTokens, tokens: 4, experts: 3, capacity: 4)
    #expect(p.declined == Array(repeating: false, count: 8))
    #expect(p.admittedCount == 8 && p.secondExpertFraction == 1)
    #expect(
      p
        == RoutingTests.plan(
          TokensChooseTopK(k: 2), Self.fourTokens, tokens: 4, experts: 3, capacity: 4))
  }

  /// A declined second choice takes no slot. E = 3, capacity 1:
  /// t0 (0.85, 0.1, 0.05) → e0, second e1 with g₂ = 0.105; t1 (0.1, 0.3, 0.6) → e2, second e1
  /// with g₂ = 0.333. Under `all`, t0's second choice fills e1 first and t1's is dropped; under
  /// `threshold`, t0's is declined and t1's gets e1.
  @Test func declinedChoicesLeaveTheirSlotToOthers() {
    let probs: [Float] = [0.85, 0.1, 0.05, 0.1, 0.3, 0.6]
    let all = RoutingTests.plan(strategy(.all), probs, tokens: 2, experts: 3, capacity: 1)
    #expect(all.row[1] >= 0 && all.row[3] < 0)
    #expect(all.droppedFraction == 0.25)  // 1 of 4 wanted assignments
    let threshold = RoutingTests.plan(
      strategy(.threshold), probs, tokens: 2, experts: 3, capacity: 1)
    #expect(threshold.declined == [false, true, false, false])
    #expect(threshold.row[1] < 0 && threshold.row[3] >= 0)
    #expect(threshold.droppedFraction == 0)  // 3 wanted, 3 admitted
    #expect(threshold.secondExpertFraction == 0.5)
  }

  /// `random` keeps a second choice when u < g₂/τ, one u per token in token order from the
  /// stream. g₂ = 1/3 ≥ τ is always kept, g₂ = 0 never; g₂ = 0.1 is kept when u < 0.5, where
  /// u are the stream's first draws, read here from a copy of the same seed.
  @Test func randomKeepsWithProbabilityGateOverThreshold() {
    let probs: [Float] = [0.6, 0.3, 0.1, 1, 0, 0, 0.9, 0.1, 0, 0.9, 0, 0.1, 0, 0.9, 0.1]
    let seed: UInt64 = 42
    var copy = RandomStream(seed: seed)
    let u = (0..<5).map { _ in copy.uniformFloat() }
    let p = RoutingTests.plan(
      strategy(.random), probs, tokens: 5, experts: 3, capacity: 5, seed: seed)
    let g2: [Float] = [0.3 / 0.9, 0, 0.1, 0.1, 0.1]
    for t in 0..<5 {
      #expect(abs(p.gate[t * 2 + 1] - g2[t]) < 1e-6)
    }
    #expect(p.declined[1] == false)  // g₂/τ = 1.67 > any u
    #expect(p.declined[3] == true)  // g₂ = 0
    for t in 2..<5 { #expect(p.declined[t * 2 + 1] == !(u[t] < 0.1 / 0.2)) }
  }

  /// Exactly one draw per token whatever the outcome, so a plan advances the stream by N
  /// draws; the same stream state gives the same plan.
  @Test func randomDrawsOncePerTokenAndIsDeterministic() {
    let probs = (0..<40).flatMap { t -> [Float] in t % 2 == 0 ? [0.9, 0.1] : [0.6, 0.4] }
    var random = RandomStream(seed: 9)
    let first = probs.withUnsafeBufferPointer {
      strategy(.random).plan(
        probs: $0.baseAddress!, tokens: 40, experts: 2, groupSize: 40, capacity: 80, random: &random
      )
    }
    var expected = RandomStream(seed: 9)
    for _ in 0..<40 { _ = expected.next() }
    #expect(random.state == expected.state)
    #expect(
      first
        == RoutingTests.plan(
          strategy(.random), probs, tokens: 40, experts: 2, capacity: 80, seed: 9))
  }

  /// Over many tokens with g₂ = 0.1 and τ = 0.2 the kept fraction is near 0.5: 4,000 tokens
  /// give sd √(0.25/4000) = 0.0079, so ±0.04 is five sd.
  @Test func randomKeepsAboutGateOverThresholdOfTokens() {
    let n = 4000
    let probs = (0..<n).flatMap { _ -> [Float] in [0.9, 0.1] }
    let p = RoutingTests.plan(strategy(.random), probs, tokens: n, experts: 2, capacity: n, seed: 3)
    #expect(abs(p.secondExpertFraction - 0.5) < 0.04, "\(p.secondExpertFraction)")
  }

  /// g₁ = p₁/S, S = p₁ + p₂, with the second choice declined (dg₂ = 0), dg₁ = 1:
  /// dp₁ = 1/S − p₁/S² = 1/0.8 − 0.6/0.64 = 0.3125; dp₂ = −p₁/S² = −0.9375; others 0.
  @Test func gateDerivativeOfADeclinedSecondChoice() {
    let probs: [Float] = [0.6, 0.2, 0.15, 0.05]
    let s = strategy(.threshold, threshold: 0.3)
    let p = RoutingTests.plan(s, probs, tokens: 1, experts: 4, capacity: 1)
    #expect(p.declined == [false, true])  // g₂ = 0.25 < 0.3
    var dprobs: [Float] = [0, 0, 0, 0.5]  // accumulates into what is there
    probs.withUnsafeBufferPointer { pb in
      dprobs.withUnsafeMutableBufferPointer {
        s.backward(dprobs: $0.baseAddress!, dgate: [1, 0], probs: pb.baseAddress!, plan: p)
      }
    }
    #expect(abs(dprobs[0] - 0.3125) < 1e-6 && abs(dprobs[1] + 0.9375) < 1e-6)
    #expect(dprobs[2] == 0 && dprobs[3] == 0.5)
  }

  /// K = 1: the gate is the probability itself, so dp = dg at the chosen expert.
  @Test func gateDerivativeOfTopOne() {
    let s = TokensChooseTopK(k: 1)
    let probs: [Float] = [0.2, 0.8, 0.7, 0.3]
    let p = RoutingTests.plan(s, probs, tokens: 2, experts: 2, capacity: 2)
    var dprobs = [Float](repeating: 0, count: 4)
    probs.withUnsafeBufferPointer { pb in
      dprobs.withUnsafeMutableBufferPointer {
        s.backward(dprobs: $0.baseAddress!, dgate: [2, -3], probs: pb.baseAddress!, plan: p)
      }
    }
    #expect(dprobs == [0, 2, -3, 0])
  }
}
