import MoEConfig

/// Which optimizer a run uses; the JSON value is the case name.
public enum OptimizerKind: String, Codable, Hashable, Sendable, CaseIterable {
  case adafactor, adamW, sgd
}

/// The optimizer section of a run: which optimizer, its hyperparameters, and gradient clipping.
///
/// Every optimizer's section is always present (so a sweep can set `adamW.beta2` while `kind`
/// is `adafactor` without error); only the section named by `kind` is used. The peak learning
/// rate is not here: it lives in ``ScheduleConfig/learningRate``, a sweep axis of its own.
///
/// `routerLearningRateMultiplier` m scales the learning rate of the router weights
/// (`ParameterName.routerWeight`, every MoE layer) and of nothing else, in every optimizer:
/// SGD and AdamW take the step with m·lr (AdamW's independent weight decay is not scaled: it
/// does not depend on the rate by design); Adafactor multiplies its step size α by m, after
/// update clipping, so with `multiplyByParameterScale` the router moves by
/// m·lr·max(ε₂, RMS(θ_router)) × the clipped direction, i.e. m times the *relative* step of
/// the other tensors. Optimizer state (moments) is unaffected, so the router's update is
/// exactly m times the update it would get at m = 1, up to float32 rounding of the product.
public struct OptimizerConfig: Codable, Hashable, Sendable, ValidatedConfig {
  public var kind = OptimizerKind.adafactor  // ST-MoE pre-training optimizer
  public var adafactor = AdafactorConfig()  // used when kind == .adafactor
  public var adamW = AdamWConfig()  // used when kind == .adamW
  public var sgd = SGDConfig()  // used when kind == .sgd
  public var gradientClipNorm = 0.0  // global L2 norm limit before the step; 0 = off (Wortsman: 1)
  public var routerLearningRateMultiplier = 1.0  // router weights' rate = this × lr; 0 = frozen

  public init() {}

  public func validate() throws(ConfigError) {
    do { try adafactor.validate() } catch { throw error.prefixed(by: "adafactor") }
    do { try adamW.validate() } catch { throw error.prefixed(by: "adamW") }
    do { try sgd.validate() } catch { throw error.prefixed(by: "sgd") }
    try ConfigChecks.requireNonNegative(
      gradientClipNorm, key: "gradientClipNorm", suggestion: "0 turns clipping off")
    try ConfigChecks.require(
      routerLearningRateMultiplier, in: 0...1e6, key: "routerLearningRateMultiplier",
      suggestion: "1 trains the router like every other tensor; 0 freezes it")
  }
}

/// Adafactor as configured in Mesh-TF / T5 and used by ST-MoE (Shazeer & Stern 2018).
///
/// Defaults are Mesh-TF's `AdafactorOptimizer` defaults except `multiplyByParameterScale`,
/// which the reference peer turns off (see `performance.md`).
public struct AdafactorConfig: Codable, Hashable, Sendable, ValidatedConfig {
  public var decayExponent = 0.8  // c in β₂ₜ = 1 − t^(−c), t = step + 1
  public var epsilon1 = 1e-30  // ε₁ added to g² before averaging
  public var epsilon2 = 1e-3  // ε₂ floor of the parameter scale max(ε₂, RMS(θ))
  public var factoredMinimumDimension = 128  // factor a matrix when rows and columns both ≥ this
  public var updateClipping = 1.0  // d in Û = U / max(1, RMS(U)/d), per matrix; 0 = off
  public var multiplyByParameterScale = false  // step = lr·max(ε₂, RMS(θ)) instead of lr

  public init() {}

  public func validate() throws(ConfigError) {
    try ConfigChecks.require(
      decayExponent, in: 0.0...1.0, key: "decayExponent", suggestion: "Mesh-TF uses 0.8")
    if decayExponent == 0 {
      throw ConfigError(
        keyPath: "decayExponent", "must be > 0 (0 keeps no second-moment history)",
        suggestion: "Mesh-TF uses 0.8")
    }
    try ConfigChecks.requirePositive(epsilon1, key: "epsilon1", suggestion: "Mesh-TF uses 1e-30")
    try ConfigChecks.requireNonNegative(epsilon2, key: "epsilon2", suggestion: "Mesh-TF uses 1e-3")
    try ConfigChecks.require(factoredMinimumDimension, atLeast: 1, key: "factoredMinimumDimension")
    try ConfigChecks.requireNonNegative(
      updateClipping, key: "updateClipping", suggestion: "0 turns update clipping off")
  }
}

/// AdamW with bias correction and *independent* weight decay.
///
/// Defaults are those of Wortsman et al. 2023.
public struct AdamWConfig: Codable, Hashable, Sendable, ValidatedConfig {
  public var beta1 = 0.9  // first-moment decay
  public var beta2 = 0.95  // second-moment decay
  public var epsilon = 1e-8  // added to √v̂
  public var weightDecay = 1e-4  // λ in θ −= (lr/peakLR)·λ·θ, independent of the peak LR

  public init() {}

  public func validate() throws(ConfigError) {
    try ConfigChecks.require(beta1, in: 0.0..<1.0, key: "beta1")
    try ConfigChecks.require(beta2, in: 0.0..<1.0, key: "beta2")
    try ConfigChecks.requirePositive(epsilon, key: "epsilon", suggestion: "Wortsman uses 1e-8")
    try ConfigChecks.requireNonNegative(weightDecay, key: "weightDecay")
  }
}

/// Plain stochastic gradient descent with optional heavy-ball momentum.
public struct SGDConfig: Codable, Hashable, Sendable, ValidatedConfig {
  public var momentum = 0.0  // μ in b = μ·b + g, θ −= lr·b; 0 = plain SGD

  public init() {}

  public func validate() throws(ConfigError) {
    try ConfigChecks.require(momentum, in: 0.0..<1.0, key: "momentum")
  }
}
