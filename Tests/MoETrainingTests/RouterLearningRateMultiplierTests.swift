import MoEKernels
import MoEModel
import MoETraining
import Testing

/// `optimizer.routerLearningRateMultiplier` m scales the router weights' step and nothing else.
///
/// The arena below holds a 2×2 router matrix (elements 0–3, named like the model's router
/// weights) and a 2×2 output matrix (elements 4–7). Values are binary fractions and m a power
/// of two where exactness is claimed: floating-point products, quotients and differences
/// commute with scaling by 2ᵏ, so "exactly m times" is an exact floating-point statement.
@Suite struct RouterLearningRateMultiplierTests {
  static let slices = [
    ParameterSlice(
      name: ParameterName.routerWeight.rawValue, offset: 0, stack: 1, rows: 2, columns: 2),
    ParameterSlice(
      name: ParameterName.outputWeight.rawValue, offset: 4, stack: 1, rows: 2, columns: 2),
  ]
  static let gradient: [Float] = [1, 2, -1, 0.5, 1, 2, -1, 0.5]

  /// An optimizer of `kind` built as the trainer builds it, with router multiplier `m`.
  static func optimizer(
    _ kind: OptimizerKind, multiplier m: Double,
    configure: (inout OptimizerConfig) -> Void = { _ in }
  ) -> any Optimizer {
    var config = OptimizerConfig()
    config.kind = kind
    config.routerLearningRateMultiplier = m
    configure(&config)
    return config.makeOptimizer(slices: slices, peakLearningRate: 0.125)
  }

  /// Steps `optimizer` once per gradient in `gradients` from `theta`; returns the parameters.
  static func train(
    _ optimizer: any Optimizer, from theta: [Float], gradients: [[Float]], learningRate: Float
  ) -> [Float] {
    var optimizer = optimizer
    var theta = theta
    for (step, gradient) in gradients.enumerated() {
      _ = takeStep(
        &optimizer, parameters: &theta, gradients: gradient, learningRate: learningRate,
        step: step)
    }
    return theta
  }

  /// In the model's own layout, exactly the router-weight slice gets m; every other slice 1.
  @Test func onlyTheRouterWeightsGetTheMultiplier() {
    var config = OptimizerConfig()
    config.routerLearningRateMultiplier = 3
    let slices = ParameterLayout(ModelConfig()).nonEmptySlices
    let multipliers = config.learningRateMultipliers(for: slices)
    #expect(slices.contains { $0.name == "routerWeight" })
    for (slice, multiplier) in zip(slices, multipliers) {
      #expect(multiplier == (slice.name == "routerWeight" ? 3 : 1), "\(slice.name)")
    }
    #expect(OptimizerConfig().learningRateMultipliers(for: slices).allSatisfy { $0 == 1 })
  }

  /// SGD, lr 0.125, m = 3, θ = [0.5, −0.25, 1, 2 | 1, 1, 1, 1]: the router moves by
  /// −0.375·g = [−0.375, −0.75, 0.375, −0.1875] to [0.125, −1, 1.375, 1.8125] (3 × its m = 1
  /// step −0.125·g); the output matrix moves by −0.125·g either way, bit for bit. With
  /// momentum 0.5 over two equal gradients (b = g, then 1.5·g) from θ = 0, the router ends at
  /// −m·0.125·2.5·g: exactly 3 times where m = 1 ends.
  @Test func sgdScalesTheRouterStepExactly() {
    let theta: [Float] = [0.5, -0.25, 1, 2, 1, 1, 1, 1]
    let one = Self.train(
      Self.optimizer(.sgd, multiplier: 1), from: theta, gradients: [Self.gradient],
      learningRate: 0.125)
    let three = Self.train(
      Self.optimizer(.sgd, multiplier: 3), from: theta, gradients: [Self.gradient],
      learningRate: 0.125)
    #expect(Array(three[0..<4]) == [0.125, -1, 1.375, 1.8125])
    #expect(Array(one[0..<4]) == [0.375, -0.5, 1.125, 1.9375])
    #expect(Array(three[4..<8]) == Array(one[4..<8]))
    #expect(Array(one[4..<8]) == [0.875, 0.75, 1.125, 0.9375])

    let zero = [Float](repeating: 0, count: 8)
    let momentum: (inout OptimizerConfig) -> Void = { $0.sgd.momentum = 0.5 }
    let slow = Self.train(
      Self.optimizer(.sgd, multiplier: 1, configure: momentum), from: zero,
      gradients: [Self.gradient, Self.gradient], learningRate: 0.125)
    let fast = Self.train(
      Self.optimizer(.sgd, multiplier: 3, configure: momentum), from: zero,
      gradients: [Self.gradient, Self.gradient], learningRate: 0.125)
    #expect(Array(slow[0..<4]) == Self.gradient[0..<4].map { -0.3125 * $0 })
    #expect(Array(fast[0..<4]) == slow[0..<4].map { 3 * $0 })
    #expect(Array(fast[4..<8]) == Array(slow[4..<8]))
  }

  /// AdamW, m = 2, from θ = 0 (so the decay term is 0): after two steps the router is exactly
  /// twice where it is at m = 1, the output matrix identical. The independent weight decay is
  /// not multiplied: with zero gradients at the peak rate, θ = 2 and λ = 0.25 lose λ·θ = 0.5
  /// per element for m = 1 and m = 4 alike.
  @Test func adamWScalesTheAdamStepButNotTheDecay() {
    let zero = [Float](repeating: 0, count: 8)
    let second: [Float] = [-0.5, 2, 0.25, 1, -0.5, 2, 0.25, 1]
    let one = Self.train(
      Self.optimizer(.adamW, multiplier: 1), from: zero, gradients: [Self.gradient, second],
      learningRate: 0.125)
    let two = Self.train(
      Self.optimizer(.adamW, multiplier: 2), from: zero, gradients: [Self.gradient, second],
      learningRate: 0.125)
    #expect(one[0..<4].allSatisfy { $0 != 0 })
    #expect(Array(two[0..<4]) == one[0..<4].map { 2 * $0 })
    #expect(Array(two[4..<8]) == Array(one[4..<8]))

    let decay: (inout OptimizerConfig) -> Void = { $0.adamW.weightDecay = 0.25 }
    for m in [1.0, 4.0] {
      let decayed = Self.train(
        Self.optimizer(.adamW, multiplier: m, configure: decay),
        from: [Float](repeating: 2, count: 8), gradients: [[Float](repeating: 0, count: 8)],
        learningRate: 0.125)
      #expect(decayed == [Float](repeating: 1.5, count: 8))
    }
  }

  /// Adafactor with absolute steps, m = 2, from θ = 0, gradients g/4 then 4g. The first step
  /// has U = ±1 (not clipped); the second V̂ = 0.426·(g/4)² + 0.574·(4g)² ≈ 9.2·g², so
  /// U ≈ ±4/√9.2 = ±1.32 and both matrices are clipped (RMS > d = 1). Clipping acts on U before
  /// α = m·lr, so the router still ends exactly twice as far as at m = 1, with the same
  /// clipped fraction; the output matrix is identical.
  @Test func adafactorScalesTheStepSizeAfterClipping() {
    let zero = [Float](repeating: 0, count: 8)
    let gradients = [Self.gradient.map { $0 / 4 }, Self.gradient.map { $0 * 4 }]
    var one = Self.optimizer(.adafactor, multiplier: 1)
    var two = Self.optimizer(.adafactor, multiplier: 2)
    var thetaOne = zero
    var thetaTwo = zero
    var clipped: [Double?] = []
    for (step, gradient) in gradients.enumerated() {
      let a = takeStep(
        &one, parameters: &thetaOne, gradients: gradient, learningRate: 0.125, step: step)
      let b = takeStep(
        &two, parameters: &thetaTwo, gradients: gradient, learningRate: 0.125, step: step)
      #expect(a.clippedFraction == b.clippedFraction)
      clipped.append(a.clippedFraction)
    }
    #expect(clipped == [0, 1])  // both matrices clipped at the second step
    #expect(Array(thetaTwo[0..<4]) == thetaOne[0..<4].map { 2 * $0 })
    #expect(Array(thetaTwo[4..<8]) == Array(thetaOne[4..<8]))
  }

  /// Adafactor with relative steps (`multiplyByParameterScale`): lr is a fraction of each
  /// matrix's RMS, and m multiplies that fraction for the router.
  ///
  /// First step (β₂₁ = 0): V̂ = g² + 10⁻³⁰ rounds to g² in float32, so U = g/|g| = ±1 and
  /// RMS(U) = 1 = d (not clipped). The step is α·U with α = m·lr·max(ε₂, RMS(θ)), so each
  /// element moves by exactly α: router θ = 0.5 everywhere (RMS 0.5), lr 0.01, m = 4 →
  /// α = 0.02, a relative step of m·lr = 0.04; output θ = 0.25 (RMS 0.25) → α = 0.0025,
  /// relative step lr = 0.01. A router with RMS 10⁻⁵ < ε₂ = 10⁻³ moves by m·lr·ε₂ = 4e-5.
  @Test func adafactorRelativeStepsMultiplyTheRoutersRelativeStep() {
    let relative: (inout OptimizerConfig) -> Void = {
      $0.adafactor.multiplyByParameterScale = true
    }
    let theta: [Float] = [0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25]
    var optimizer = Self.optimizer(.adafactor, multiplier: 4, configure: relative)
    var updated = theta
    let statistics = takeStep(
      &optimizer, parameters: &updated, gradients: Self.gradient, learningRate: 0.01, step: 0)
    #expect(statistics.clippedFraction == 0)
    expectClose(statistics.sliceUpdateRMS[0] / 0.5, 0.04, tolerance: 1e-6)
    expectClose(statistics.sliceUpdateRMS[1] / 0.25, 0.01, tolerance: 1e-6)
    expectClose(updated, [0.48, 0.48, 0.52, 0.48, 0.2475, 0.2475, 0.2525, 0.2475])

    var tiny = Self.optimizer(.adafactor, multiplier: 4, configure: relative)
    var small: [Float] = [1e-5, 1e-5, 1e-5, 1e-5, 0.25, 0.25, 0.25, 0.25]
    let tinyStatistics = takeStep(
      &tiny, parameters: &small, gradients: Self.gradient, learningRate: 0.01, step: 0)
    expectClose(tinyStatistics.sliceUpdateRMS[0], 4e-5, tolerance: 1e-10)
  }
}
