import MoEKernels
import MoETraining
import Testing

/// Adafactor against updates worked out by hand (a calculator for the square roots and
/// 2^−0.8; no code from this package).
///
/// Shared hand values. β₂ₜ = 1 − t^(−0.8): t = 1 → β = 0, so the first step sees only g²;
/// t = 2 → 2^−0.8 = 0.5743492, β = 0.4256508.
///
/// Matrix G₁ = [[1, 2], [3, 4]], factored (m = 2), first step:
///   g² = [[1, 4], [9, 16]];  R = row means = [2.5, 12.5];  C = column means = [5, 10];
///   mean(R) = 7.5;  V̂ = R·Cᵀ/7.5 = [[5/3, 10/3], [25/3, 50/3]]
///   U = G/√V̂ = [√0.6, 2·√0.3, 3·√0.12, 4·√0.06] = [0.7745967, 1.0954451, 1.0392305, 0.9797959]
///   U² = [0.6, 1.2, 1.08, 0.96], Σ = 3.84, RMS(U) = √0.96 = 0.9797959 < 1 (no clipping at d = 1)
@Suite struct AdafactorTests {
  static let g1: [Float] = [1, 2, 3, 4]
  static let u1: [Double] = [0.7745967, 1.0954451, 1.0392305, 0.9797959]
  static let theta0: [Float] = [0.5, -0.5, 1, 0]
  static let matrix = ParameterSlice(name: "w", offset: 0, stack: 1, rows: 2, columns: 2)

  static func factoredConfig(clipping: Double = 1) -> AdafactorConfig {
    var config = AdafactorConfig()
    config.factoredMinimumDimension = 2
    config.updateClipping = clipping
    return config
  }

  /// Two factored steps by hand.
  ///
  /// Second step, G₂ = all ones (g² = 1):
  ///   R ← β·[2.5, 12.5] + 0.5743492 = [1.6384762, 5.8949845]
  ///   C ← β·[5, 10] + 0.5743492 = [2.7026033, 4.8308574];  mean(R) = 3.7667303
  ///   U = 1/√(Rᵢ·Cⱼ/mean R) = [[0.9222975, 0.6898427], [0.4862390, 0.3636879]], RMS 0.651 < 1
  /// θ₁ = θ₀ − 0.1·U₁ = [0.4225403, −0.6095445, 0.8960770, −0.0979796]
  /// θ₂ = θ₁ − 0.1·U₂ = [0.3303106, −0.6785288, 0.8474531, −0.1343484]
  @Test func factoredMatrixTwoStepsMatchHandComputation() {
    var optimizer = Adafactor(slices: [Self.matrix], config: Self.factoredConfig())
    var theta = Self.theta0
    let first = takeStep(
      &optimizer, parameters: &theta, gradients: Self.g1, learningRate: 0.1, step: 0)
    expectClose(theta, [0.4225403, -0.6095445, 0.8960770, -0.0979796])
    #expect(first.clippedFraction == 0)
    _ = takeStep(
      &optimizer, parameters: &theta, gradients: [1, 1, 1, 1], learningRate: 0.1, step: 1)
    expectClose(theta, [0.3303106, -0.6785288, 0.8474531, -0.1343484])
  }

  /// Two unfactored steps on a vector by hand.
  ///
  /// A 3-vector is never factored. Step 1, G = [1, −2, 2]: V̂ = g² (+1e-30), U = G/|G| =
  /// [1, −1, 1], RMS(U) = 1 = d, which is not > d, so no clipping: θ₁ = θ₀ − 0.1·U.
  /// Step 2, G = [2, 0, 1]: V̂ = β·[1, 4, 4] + 0.5743492·[4, 0, 1] = [2.7230475, 1.7026033, 2.2769525],
  /// U = [2/1.6501659, 0, 1/1.5089574] = [1.2119993, 0, 0.6627092] (RMS 0.7975 < 1).
  @Test func unfactoredVectorTwoStepsMatchHandComputation() {
    let vector = ParameterSlice(name: "scale", offset: 0, stack: 1, rows: 1, columns: 3)
    var optimizer = Adafactor(slices: [vector], config: AdafactorConfig())
    var theta: [Float] = [0.3, 0.3, 0.3]
    let first = takeStep(
      &optimizer, parameters: &theta, gradients: [1, -2, 2], learningRate: 0.1, step: 0)
    expectClose(theta, [0.2, 0.4, 0.2])
    #expect(first.clippedFraction == 0)
    _ = takeStep(&optimizer, parameters: &theta, gradients: [2, 0, 1], learningRate: 0.1, step: 1)
    expectClose(theta, [0.2 - 0.12119993, 0.4, 0.2 - 0.06627092])
  }

  /// Update clipping engages exactly when RMS(U) > d.
  ///
  /// RMS(U₁) = 0.9797959. d = 0.98 is just above it: no clipping, θ₁ = θ₀ − 0.1·U₁.
  /// d = 0.979 is just below it: Û = U₁·0.979/0.9797959, so θ₁ = θ₀ − 0.0999187·U₁.
  @Test func updateClippingEngagesExactlyAboveThreshold() {
    var unclipped = Adafactor(slices: [Self.matrix], config: Self.factoredConfig(clipping: 0.98))
    var theta = Self.theta0
    let free = takeStep(
      &unclipped, parameters: &theta, gradients: Self.g1, learningRate: 0.1, step: 0)
    #expect(free.clippedFraction == 0)
    expectClose(theta, zip(Self.theta0, Self.u1).map { Double($0) - 0.1 * $1 })

    var clipped = Adafactor(slices: [Self.matrix], config: Self.factoredConfig(clipping: 0.979))
    theta = Self.theta0
    let limited = takeStep(
      &clipped, parameters: &theta, gradients: Self.g1, learningRate: 0.1, step: 0)
    #expect(limited.clippedFraction == 1)
    let factor = 0.1 * 0.979 / 0.96.squareRoot()  // 0.0999187
    expectClose(theta, zip(Self.theta0, Self.u1).map { Double($0) - factor * $1 })
    // After clipping the update RMS equals d·lr exactly: 0.979·0.1.
    expectClose(limited.updateRMS, 0.0979, tolerance: 1e-7)
  }

  /// Update clipping is per stacked matrix.
  ///
  /// Stack of two 2×2 matrices, clipped separately. A = G₁ (RMS 0.98, kept). B = [[1, 0], [0, 2]]:
  /// g² = [[1, 0], [0, 4]], R = [0.5, 2], C = [0.5, 2], mean R = 1.25, V̂ = [[0.2, 0.8], [0.8, 3.2]],
  /// U = [1/√0.2, 0, 0, 2/√3.2] = [2.2360680, 0, 0, 1.1180340], RMS = √(6.25/4) = 1.25 → Û = U/1.25
  /// = [1.7888544, 0, 0, 0.8944272]. Clipping the whole stack jointly would instead divide both
  /// by √((3.84 + 6.25)/8) = 1.1230; with d = 0 nothing is clipped.
  @Test func updateClippingIsPerStackedMatrix() {
    let stacked = ParameterSlice(name: "experts", offset: 0, stack: 2, rows: 2, columns: 2)
    let gradients: [Float] = Self.g1 + [1, 0, 0, 2]
    var optimizer = Adafactor(slices: [stacked], config: Self.factoredConfig())
    var theta = [Float](repeating: 0, count: 8)
    let statistics = takeStep(
      &optimizer, parameters: &theta, gradients: gradients, learningRate: 1, step: 0)
    #expect(statistics.clippedFraction == 0.5)
    expectClose(theta, Self.u1.map { -$0 } + [-1.7888544, 0, 0, -0.8944272])

    var unclipped = Adafactor(slices: [stacked], config: Self.factoredConfig(clipping: 0))
    theta = [Float](repeating: 0, count: 8)
    let free = takeStep(
      &unclipped, parameters: &theta, gradients: gradients, learningRate: 1, step: 0)
    #expect(free.clippedFraction == 0)
    expectClose(theta, Self.u1.map { -$0 } + [-2.2360680, 0, 0, -1.1180340])
  }

  /// The parameter scale multiplies the step.
  ///
  /// RMS(θ₀) = √((0.25 + 0.25 + 1 + 0)/4) = √0.375 = 0.6123724, so α = 0.1·0.6123724.
  /// With θ₀ = 0 the scale is the floor ε₂ = 1e-3: α = 1e-4.
  @Test func parameterScaleMultipliesTheStep() {
    var config = Self.factoredConfig()
    config.multiplyByParameterScale = true
    var optimizer = Adafactor(slices: [Self.matrix], config: config)
    var theta = Self.theta0
    _ = takeStep(&optimizer, parameters: &theta, gradients: Self.g1, learningRate: 0.1, step: 0)
    expectClose(theta, zip(Self.theta0, Self.u1).map { Double($0) - 0.06123724 * $1 })

    var fromZero = Adafactor(slices: [Self.matrix], config: config)
    theta = [0, 0, 0, 0]
    _ = takeStep(&fromZero, parameters: &theta, gradients: Self.g1, learningRate: 0.1, step: 0)
    expectClose(theta, Self.u1.map { -1e-4 * $0 }, tolerance: 1e-9)
  }

  /// Update statistics for a 2×2 matrix (G₁) and a 3-vector (U = ±1) at lr 0.1:
  /// matrix Σ Δ² = 0.01·3.84 = 0.0384, RMS = 0.1·√0.96 = 0.0979796; vector RMS = 0.1;
  /// global RMS = √((0.0384 + 0.03)/7) = 0.0988505.
  @Test func updateStatisticsMeasureTheAppliedChange() {
    let slices = [
      Self.matrix, ParameterSlice(name: "b", offset: 4, stack: 1, rows: 1, columns: 3),
    ]
    var optimizer = Adafactor(slices: slices, config: Self.factoredConfig())
    var theta = Self.theta0 + [0.3, 0.3, 0.3]
    let statistics = takeStep(
      &optimizer, parameters: &theta, gradients: Self.g1 + [1, -2, 2], learningRate: 0.1, step: 0)
    expectClose(statistics.sliceUpdateRMS[0], 0.0979796)
    expectClose(statistics.sliceUpdateRMS[1], 0.1)
    expectClose(statistics.updateRMS, 0.0988505)
  }

  /// A matrix is factored only when both dimensions reach the minimum.
  ///
  /// 2×3 matrix with m = 3: rows 2 < 3, so the second moment is full and the first step is
  /// U = G/|G| = all ones for G > 0 (RMS 1, not clipped): θ₁ = 0 − 0.1 = −0.1 everywhere.
  /// With m = 2 it is factored and U₀₀ = 1/√(R₀·C₀/mean R) with R = [14/3, 77/3],
  /// C = [8.5, 14.5, 22.5], mean R = 91/6: V̂₀₀ = (14/3)(8.5)/(91/6) = 2.6153846,
  /// U₀₀ = 0.6183469 (RMS(U) = 0.971, not clipped).
  @Test func factoringNeedsBothDimensionsAtTheMinimum() {
    let wide = ParameterSlice(name: "w", offset: 0, stack: 1, rows: 2, columns: 3)
    let gradients: [Float] = [1, 2, 3, 4, 5, 6]
    var config = AdafactorConfig()
    config.factoredMinimumDimension = 3
    var full = Adafactor(slices: [wide], config: config)
    var theta = [Float](repeating: 0, count: 6)
    _ = takeStep(&full, parameters: &theta, gradients: gradients, learningRate: 0.1, step: 0)
    expectClose(theta, Array(repeating: -0.1, count: 6))

    config.factoredMinimumDimension = 2
    var factored = Adafactor(slices: [wide], config: config)
    theta = [Float](repeating: 0, count: 6)
    _ = takeStep(&factored, parameters: &theta, gradients: gradients, learningRate: 0.1, step: 0)
    expectClose(Double(theta[0]), -0.06183469)
  }

  /// All-zero gradients: R = C = ε₁ = 1e-30 and U = 0, so θ stays put (no 0/0, no underflow).
  @Test func zeroGradientsLeaveParametersUnchanged() {
    var optimizer = Adafactor(slices: [Self.matrix], config: Self.factoredConfig())
    var theta = Self.theta0
    for step in 0..<3 {
      let statistics = takeStep(
        &optimizer, parameters: &theta, gradients: [0, 0, 0, 0], learningRate: 0.1, step: step)
      #expect(statistics.updateRMS == 0)
    }
    #expect(theta == Self.theta0)
  }

  /// β₂ₜ = 1 − t^(−0.8): t = 1 → 0, t = 2 → 1 − 0.5743492 = 0.4256508, t = 10 → 1 − 0.1584893.
  @Test func decayFollowsTheMeshTensorFlowSchedule() {
    expectClose(Adafactor.decay(step: 0, exponent: 0.8).beta, 0)
    expectClose(Adafactor.decay(step: 1, exponent: 0.8).beta, 0.4256508)
    expectClose(Adafactor.decay(step: 9, exponent: 0.8).beta, 0.8415107)
  }
}
