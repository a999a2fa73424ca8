import MoEKernels
import MoETestSupport
import Testing

@testable import MoEModel

/// A config whose buffers the estimate must count exactly, named for the allocations it
/// switches on.
struct MemoryCase: CustomTestStringConvertible, Sendable {
  var name: String
  var configure: @Sendable (inout ModelConfig) -> Void
  var testDescription: String { name }
}

let memoryCases: [MemoryCase] = [
  MemoryCase(name: "dense and MoE layers, GEGLU, float32") { _ in },
  MemoryCase(name: "ReLU FFNs (no gate buffers)") { $0.feedForward = .relu },
  MemoryCase(name: "qkNorm, dropout, expert dropout, jitter, expert bias") {
    $0.qkNorm = true
    $0.dropoutRate = 0.1
    $0.expertDropoutRate = 0.2
    $0.routerJitter = 0.1
    $0.expertBias = true
  },
  MemoryCase(name: "bfloat16 (rounded compute copy of the weights)") { $0.precision = .bfloat16 },
  MemoryCase(name: "every layer sparse, top-1, no norm scales") {
    $0.moeEvery = 1
    $0.moeOffset = 0
    $0.expertsPerToken = 1
    $0.normScale = false
  },
  MemoryCase(name: "five layers, MoE every third from layer 0") {
    $0.layerCount = 5
    $0.moeEvery = 3
    $0.moeOffset = 0
  },
  MemoryCase(name: "all dense") { $0.moeOffset = 7 },
]

@Suite("The memory estimate counts what the model allocates")
struct ModelMemoryTests {
  /// Every FloatBuffer a model allocates, found by walking the built model, equals the estimate's
  /// weights and activations; after a step in which no choice is dropped, the routing arrays
  /// equal its routing bytes.
  @Test(arguments: memoryCases)
  func estimateEqualsWhatTheModelAllocates(_ testCase: MemoryCase) throws {
    var config = gradientCheckConfig()
    config.trainCapacityFactor = Double(config.expertCount)  // nothing dropped
    testCase.configure(&config)
    try config.validate()
    let estimate = ModelMemory(config)
    let model = Transformer(config: config, seed: 3)
    let built = AllocationCensus(of: model)
    #expect(built.bufferBytes == estimate.weightBytes + estimate.activationBytes)
    // Before a step: per MoE layer the router's top-1 fractions (E Doubles) and the gate
    // gradients (N·K floats); the plan comes with the first forward pass.
    let beforeStep = 8 * config.expertCount + 4 * config.tokensPerStep * config.expertsPerToken
    #expect(built.arrayBytes == Double(config.sparseLayerCount * beforeStep))
    let n = config.tokensPerStep
    model.forward(
      inputs: TestData.tokens(n, vocabulary: config.vocabSize, seed: 1),
      targets: TestData.tokens(n, vocabulary: config.vocabSize, seed: 2), training: true, step: 0)
    model.backward()
    let stepped = AllocationCensus(of: model)
    #expect(stepped.bufferBytes == built.bufferBytes)
    #expect(stepped.arrayBytes == estimate.routingBytes)
  }

  /// The `tiny` reference model at full size: 3,886,208 parameters (performance.md), three
  /// float32 copies in bfloat16 mode.
  @Test func tinyModelAtFullSize() {
    var config = ModelPreset.tiny.config
    config.precision = .bfloat16
    let estimate = ModelMemory(config)
    #expect(estimate.weightBytes == 3 * 4 * 3_886_208)
    #expect(
      AllocationCensus(of: Transformer(config: config, seed: 0)).bufferBytes
        == estimate.weightBytes + estimate.activationBytes)
  }

  /// Sizes beyond what BLAS's 32-bit dimensions address are not multiplied out: the estimate
  /// is infinite, immediately, even for a layer count no loop could enumerate.
  @Test func absurdSizesAreInfiniteNotOverflowing() {
    var config = ModelConfig()
    config.layerCount = Int(Int32.max) + 1
    #expect(ModelMemory(config).totalBytes == .infinity)
    config.layerCount = Int(Int32.max)
    config.channels = Int(Int32.max) - 3
    config.headCount = 1
    let estimate = ModelMemory(config).totalBytes
    #expect(estimate.isFinite && estimate > 1e28)
  }

  /// The closed form of the sparse layer count agrees with `isSparse(layer:)` layer by layer.
  @Test func sparseLayerCountMatchesIsSparse() {
    var config = ModelConfig()
    for layers in 0...13 {
      for every in 1...4 {
        for offset in -5...14 {
          config.layerCount = layers
          config.moeEvery = every
          config.moeOffset = offset
          let enumerated = (0..<layers).filter(config.isSparse).count
          #expect(
            config.sparseLayerCount == enumerated, "L=\(layers) every=\(every) offset=\(offset)")
        }
      }
    }
  }
}
