import MoEKernels
import MoETestSupport
import Testing

@testable import MoEModel

/// A knob setting whose backward pass must match finite differences.
struct GradientCase: CustomTestStringConvertible, Sendable {
  var name: String
  var configure: @Sendable (inout ModelConfig) -> Void
  /// What the case must actually exercise, checked on the unperturbed forward pass.
  var mustDrop = false
  var mustClipRouter = false
  var mustCapAttention = false
  /// Some tokens must lose their second expert to the policy and some keep it.
  var mustDeclineSomeSecond = false
  var testDescription: String { name }
}

/// A 2-layer model (layer 0 dense, layer 1 MoE) small enough to finite-difference in float32;
/// init scale 1 so gradients are well above float32 noise; every loss term weighted heavily
/// enough that a mistake in its gradient shows.
func gradientCheckConfig() -> ModelConfig {
  var config = ModelConfig()
  config.vocabSize = 13
  config.sequenceLength = 6
  config.batchSize = 2
  config.channels = 8
  config.headCount = 2
  config.layerCount = 2
  config.ffnHidden = 6
  config.expertCount = 4
  config.expertsPerToken = 2
  config.trainCapacityFactor = 2  // capacity ⌈2·12·2/4⌉ = 12: nothing dropped
  config.initScale = 1
  config.balanceLossCoefficient = 0.3
  config.routerZLossCoefficient = 0.1
  config.attentionZLossCoefficient = 0.05
  config.outputZLossCoefficient = 0.05
  return config
}

let gradientCases: [GradientCase] = [
  GradientCase(name: "GEGLU, top-2, every loss term on") { _ in },
  GradientCase(name: "ReLU FFN (1.5x width)") { $0.feedForward = .relu },
  GradientCase(name: "GELU FFN (1.5x width)") { $0.feedForward = .gelu },
  GradientCase(name: "RMSNorm without scale") { $0.normScale = false },
  GradientCase(name: "top-1 with the raw-probability gate") { $0.expertsPerToken = 1 },
  GradientCase(
    name: "top-2 with tokens dropped", configure: { $0.trainCapacityFactor = 0.5 }, mustDrop: true),
  GradientCase(
    name: "top-1 with tokens dropped",
    configure: {
      $0.expertsPerToken = 1
      $0.trainCapacityFactor = 0.6
    }, mustDrop: true),
  GradientCase(
    name: "batch-prioritized routing with drops",
    configure: {
      $0.routingPriority = .batchPrioritized
      $0.trainCapacityFactor = 0.5
    }, mustDrop: true),
  GradientCase(
    name: "router logit clipping active",
    configure: {
      $0.routerLogitClip = 0.4
      $0.initScale = 3
    }, mustClipRouter: true),
  GradientCase(
    name: "attention soft-capping active",
    configure: {
      $0.attentionSoftCap = 0.5
      $0.initScale = 3
    }, mustCapAttention: true),
  GradientCase(name: "QK-norm with scales") { $0.qkNorm = true },
  GradientCase(name: "QK-norm without scales") {
    $0.qkNorm = true
    $0.normScale = false
  },
  GradientCase(name: "QK-norm without its own gains") {
    $0.qkNorm = true
    $0.qkNormScale = false
  },
  GradientCase(name: "router jitter, dropout and expert dropout (noise fixed by seed)") {
    $0.routerJitter = 0.2
    $0.dropoutRate = 0.2
    $0.expertDropoutRate = 0.3
  },
  GradientCase(name: "multiplicative expert bias") { $0.expertBias = true },
  GradientCase(
    name: "threshold second-expert policy, some tokens lose their second expert",
    configure: {
      $0.secondExpertPolicy = .threshold
      $0.secondExpertThreshold = 0.35
    },
    mustDeclineSomeSecond: true),
  GradientCase(
    name: "threshold policy with capacity drops",
    configure: {
      $0.secondExpertPolicy = .threshold
      $0.secondExpertThreshold = 0.3
      $0.trainCapacityFactor = 0.4
    },
    mustDrop: true, mustDeclineSomeSecond: true),
  GradientCase(
    name: "random second-expert policy (draws fixed by seed)",
    configure: {
      $0.secondExpertPolicy = .random
      $0.secondExpertThreshold = 0.4
    },
    mustDeclineSomeSecond: true),
  GradientCase(
    name: "routing groups of 6 of 12 tokens, with drops",
    configure: {
      $0.routingGroupSize = 6
      $0.minimumCapacity = 1
      $0.trainCapacityFactor = 0.5
    },
    mustDrop: true),
  GradientCase(
    name: "routing groups of 3, batch-prioritized, with drops",
    configure: {
      $0.routingGroupSize = 3
      $0.minimumCapacity = 1
      $0.trainCapacityFactor = 0.5
      $0.routingPriority = .batchPrioritized
    },
    mustDrop: true),
  GradientCase(name: "router init scale apart from the global one") { $0.routerInitScale = 4 },
  GradientCase(name: "every layer sparse, no aux losses") {
    $0.moeEvery = 1
    $0.moeOffset = 0
    $0.balanceLossCoefficient = 0
    $0.routerZLossCoefficient = 0
    $0.attentionZLossCoefficient = 0
    $0.outputZLossCoefficient = 0
  },
]

/// The discrete state of the last forward pass: which expert each (token, choice) chose,
/// whether the second-expert policy declined it and whether it fit, which ReLU units were
/// active, which router logits were clipped. The loss is smooth only while this stays the same.
func pieceSignature(_ model: Transformer) -> [[Int32]] {
  var signature = model.lastRoutingPlans.flatMap { plan -> [[Int32]] in
    [plan.chosenExpert, plan.row, plan.declined.map { $0 ? 1 : 0 }]
  }
  let config = model.config
  for block in model.blocks {
    if config.feedForward == .relu {
      let up: FloatBuffer
      switch block.feedForward.network {
      case .dense(let dense, _): up = dense.up
      case .moe(let moe, _): up = moe.expertFeedForward.up
      }
      signature.append(up.array.map { $0 > 0 ? 1 : 0 })
    }
    if config.routerLogitClip > 0, let router = block.feedForward.network.moeLayer?.router {
      signature.append(
        router.rawLogits.array.map { abs($0) > Float(config.routerLogitClip) ? 1 : 0 })
    }
  }
  return signature
}

@Suite("Whole-model gradients agree with finite differences")
struct ModelGradientTests {
  @Test(arguments: gradientCases)
  func gradientsMatchFiniteDifferences(_ testCase: GradientCase) throws {
    var config = gradientCheckConfig()
    testCase.configure(&config)
    try config.validate()
    let model = Transformer(config: config, seed: 11)
    let n = config.tokensPerStep
    let inputs = TestData.tokens(n, vocabulary: config.vocabSize, seed: 1)
    let targets = TestData.tokens(n, vocabulary: config.vocabSize, seed: 2)
    let step = 5
    let base = model.forward(inputs: inputs, targets: targets, training: true, step: step)
    let sparseStats = base.layers.compactMap(\.routing)
    if testCase.mustDrop { #expect(sparseStats.contains { $0.droppedFraction > 0 }) }
    if testCase.mustClipRouter {
      #expect(sparseStats.contains { $0.maxRouterLogit > config.routerLogitClip })
    }
    if testCase.mustDeclineSomeSecond {
      #expect(sparseStats.contains { $0.secondExpertFraction > 0 && $0.secondExpertFraction < 1 })
    }
    if testCase.mustCapAttention {
      #expect(base.layers.contains { $0.maxAttentionLogit > config.attentionSoftCap })
    }
    model.backward()
    let gradients = model.gradients.array
    let signature = pieceSignature(model)
    let checker = GradientCheck()
    var totalChecked = 0, totalSampled = 0
    for slice in model.layout.nonEmptySlices {
      let analytic = Array(gradients[slice.range])
      let indices = GradientCheck.sampleIndices(
        analytic: analytic, count: 8, seed: UInt64(slice.range.lowerBound))
      let report = checker.check(
        name: slice.name, values: model.parameters.base + slice.range.lowerBound,
        analytic: analytic,
        indices: indices,
        loss: { model.forward(inputs: inputs, targets: targets, training: true, step: step).total },
        isSmooth: { pieceSignature(model) == signature })
      #expect(report.failures.isEmpty, "\(report)")
      totalChecked += report.checked
      totalSampled += indices.count
    }
    // Skips are for kinks and routing flips only; most coordinates must be compared.
    #expect(
      Double(totalChecked) >= 0.8 * Double(totalSampled),
      "checked \(totalChecked) of \(totalSampled)")
  }
}
