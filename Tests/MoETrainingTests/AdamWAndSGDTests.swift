import MoEKernels
import MoETraining
import Testing

/// AdamW and SGD against updates worked out by hand.
@Suite struct AdamWAndSGDTests {
  static let pair = [ParameterSlice(name: "p", offset: 0, stack: 1, rows: 1, columns: 2)]

  /// β₁ 0.9, β₂ 0.95, ε 1e-8, λ 0.1, peak η 0.02; θ₀ = [1, −2].
  /// Step 1 (lr 0.01, s = lr/η = 0.5), g = [0.5, −1]:
  ///   m = 0.1·g = [0.05, −0.1], v = 0.05·g² = [0.0125, 0.05]
  ///   m̂ = m/0.1 = [0.5, −1], v̂ = v/0.05 = [0.25, 1], m̂/(√v̂+ε) = [1, −1] (to 2e-8)
  ///   θ₁ = θ₀ − 0.01·[1, −1] − 0.5·0.1·θ₀ = [1 − 0.01 − 0.05, −2 + 0.01 + 0.1] = [0.94, −1.89]
  /// Step 2 (lr 0.02, s = 1), g = [−0.5, 2]:
  ///   m = 0.9·m + 0.1·g = [−0.005, 0.11], v = 0.95·v + 0.05·g² = [0.024375, 0.2475]
  ///   m̂ = m/0.19 = [−0.0263158, 0.5789474], v̂ = v/0.0975 = [0.25, 2.5384615]
  ///   m̂/√v̂ = [−0.0526316, 0.5789474/1.5932549 = 0.3633739]
  ///   θ₂ = θ₁ − 0.02·ratio − 0.1·θ₁ = [0.94 + 0.0010526 − 0.094, −1.89 − 0.0072675 + 0.189]
  ///      = [0.8470526, −1.7082675]
  @Test func adamWTwoStepsWithIndependentDecayMatchHandComputation() {
    var config = AdamWConfig()
    config.weightDecay = 0.1
    var optimizer = AdamW(slices: Self.pair, config: config, peakLearningRate: 0.02)
    var theta: [Float] = [1, -2]
    _ = takeStep(&optimizer, parameters: &theta, gradients: [0.5, -1], learningRate: 0.01, step: 0)
    expectClose(theta, [0.94, -1.89])
    _ = takeStep(&optimizer, parameters: &theta, gradients: [-0.5, 2], learningRate: 0.02, step: 1)
    expectClose(theta, [0.8470526, -1.7082675])
  }

  /// AdamW decay is scaled by lr/peak, not by lr.
  ///
  /// The decay is independent of the peak learning rate: with zero gradients (Adam term 0) and
  /// lr at the peak, one step removes exactly λ·θ whether the peak is 1e-3 or 1: θ = 2, λ = 0.25
  /// → 2 − 0.5 = 1.5. At half the peak the decay halves: 2 − 0.25 = 1.75.
  @Test func adamWDecayScalesWithScheduleFactorNotLearningRate() {
    var config = AdamWConfig()
    config.weightDecay = 0.25
    for peak: Float in [1e-3, 1] {
      var optimizer = AdamW(slices: Self.pair, config: config, peakLearningRate: peak)
      var theta: [Float] = [2, 2]
      _ = takeStep(&optimizer, parameters: &theta, gradients: [0, 0], learningRate: peak, step: 0)
      expectClose(theta, [1.5, 1.5])
      theta = [2, 2]
      _ = takeStep(
        &optimizer, parameters: &theta, gradients: [0, 0], learningRate: peak / 2, step: 1)
      expectClose(theta, [1.75, 1.75])
    }
  }

  /// Plain SGD, lr 0.1: [1, 2] − 0.1·[0.5, −1] = [0.95, 2.1]; update RMS = √((0.05² + 0.1²)/2)
  /// = √0.00625 = 0.0790569.
  @Test func plainSGDStepsAgainstTheGradient() {
    var optimizer = SGD(slices: Self.pair, config: SGDConfig())
    var theta: [Float] = [1, 2]
    let statistics = takeStep(
      &optimizer, parameters: &theta, gradients: [0.5, -1], learningRate: 0.1, step: 0)
    expectClose(theta, [0.95, 2.1])
    expectClose(statistics.updateRMS, 0.0790569)
    #expect(statistics.clippedFraction == nil)
  }

  /// SGD with momentum, two steps by hand.
  ///
  /// Momentum 0.9, lr 0.1, θ₀ = [1, 2]. Step 1, g = [0.5, −1]: b = g, θ₁ = [0.95, 2.1].
  /// Step 2, g = [1, 1]: b = 0.9·[0.5, −1] + [1, 1] = [1.45, 0.1], θ₂ = [0.95 − 0.145, 2.1 − 0.01]
  /// = [0.805, 2.09].
  @Test func momentumSGDAccumulatesTheDirection() {
    var config = SGDConfig()
    config.momentum = 0.9
    var optimizer = SGD(slices: Self.pair, config: config)
    var theta: [Float] = [1, 2]
    _ = takeStep(&optimizer, parameters: &theta, gradients: [0.5, -1], learningRate: 0.1, step: 0)
    expectClose(theta, [0.95, 2.1])
    _ = takeStep(&optimizer, parameters: &theta, gradients: [1, 1], learningRate: 0.1, step: 1)
    expectClose(theta, [0.805, 2.09])
  }

  /// Elements outside every slice are neither read nor written: slice covers offsets 1..<3 of a
  /// 4-element arena; SGD with lr 1 and g = 1 everywhere changes only those two.
  @Test func optimizersTouchOnlyTheirSlices() {
    let inner = [ParameterSlice(name: "inner", offset: 1, stack: 1, rows: 1, columns: 2)]
    var optimizer = SGD(slices: inner, config: SGDConfig())
    var theta: [Float] = [5, 5, 5, 5]
    _ = takeStep(&optimizer, parameters: &theta, gradients: [1, 1, 1, 1], learningRate: 1, step: 0)
    #expect(theta == [5, 4, 4, 5])
  }

  /// The factory returns the optimizer named by `kind`.
  @Test func factoryBuildsTheConfiguredOptimizer() {
    var config = OptimizerConfig()
    #expect(config.makeOptimizer(slices: Self.pair, peakLearningRate: 0.01) is Adafactor)
    config.kind = .adamW
    #expect(config.makeOptimizer(slices: Self.pair, peakLearningRate: 0.01) is AdamW)
    config.kind = .sgd
    #expect(config.makeOptimizer(slices: Self.pair, peakLearningRate: 0.01) is SGD)
  }
}
