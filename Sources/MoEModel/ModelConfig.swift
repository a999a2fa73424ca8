import MoEConfig

/// The feed-forward block of a Transformer layer (dense or one expert).
public enum FeedForwardKind: String, Codable, CaseIterable, Sendable {
  /// `(gelu(x·W₀ᵀ) ⊙ x·W₁ᵀ)·W_oᵀ`, hidden width F (three matrices).
  case geglu
  /// `relu(x·W₁ᵀ)·W_oᵀ`, hidden width 1.5·F, so parameters and FLOPs match GEGLU.
  case relu
  /// `gelu(x·W₁ᵀ)·W_oᵀ`, hidden width 1.5·F, likewise matched.
  case gelu
}

/// Whether a token keeps its second-choice expert (top-2 only; Mesh-TF `second_policy`, ST-MoE
/// App. G). g₂ is the renormalised second gate p₂/(p₁ + p₂) ≤ ½ and τ `secondExpertThreshold`.
///
/// A declined second expert takes no capacity and contributes nothing, and the first gate stays
/// g₁ = p₁/(p₁ + p₂) (it is not renormalised to 1), as in Mesh-TF's `_top_2_gating`; see
/// ``TokensChooseTopK``. The policy applies in training and evaluation alike (Mesh-TF's
/// defaults use the same policy and threshold for both).
public enum SecondExpertPolicy: String, Codable, CaseIterable, Sendable {
  /// Always keep the second expert (capacity permitting).
  case all
  /// Keep it when g₂ ≥ τ (a deterministic threshold; Mesh-TF's "threshold" uses g₂ > τ, which
  /// differs only on exact ties).
  case threshold
  /// Keep it when u < g₂/τ with u ~ U[0, 1) drawn per token from the run's seeded routing
  /// stream, i.e. with probability min(1, g₂/τ) (Mesh-TF's and ST-MoE's default, τ = 0.2).
  case random
}

/// In what order tokens claim an expert's capacity.
public enum RoutingPriority: String, Codable, CaseIterable, Sendable {
  /// Position order, all first choices before any second choice (causal; the decoder default).
  case tokenOrder
  /// Batch-prioritized routing: within each choice rank, tokens with the highest top-1 router
  /// probability claim slots first. Not causal: in a decoder it lets later tokens displace
  /// earlier ones, so it leaks information about the future (ST-MoE App. D: encoder-only).
  case batchPrioritized
}

/// Shape and stability knobs of the decoder-only sparse Transformer; defaults are `tiny`.
///
/// Dimension letters used throughout: B batch, T time (sequence), C channels, NH heads,
/// hs = C/NH head size, L layers, V vocabulary, F FFN width, E experts, K experts per token,
/// N = B·T rows, G tokens per routing group (`routingGroupSize`; the whole batch by default).
public struct ModelConfig: Codable, Hashable, Sendable {
  /// V: vocabulary size (byte-level data needs 256).
  public var vocabSize = 256
  /// T: tokens per sequence (also the number of learned position embeddings).
  public var sequenceLength = 128
  /// B: sequences per step; N = B·T tokens per step (one routing group unless `routingGroupSize`).
  public var batchSize = 16
  /// C: model width.
  public var channels = 128
  /// NH: attention heads; must divide `channels`.
  public var headCount = 4
  /// L: Transformer blocks.
  public var layerCount = 4
  /// F: GEGLU hidden width (ReLU/GELU use 1.5·F to match parameters and FLOPs).
  public var ffnHidden = 512
  /// Feed-forward kind of every FFN, dense and expert.
  public var feedForward = FeedForwardKind.geglu
  /// Learnable scale g in every RMSNorm (false = the paper's "remove RMSNorm scale").
  public var normScale = true
  /// RMS-normalise queries and keys per head before the dot product (Wortsman et al. 2023).
  public var qkNorm = false
  /// With `qkNorm` (and `normScale`): learnable per-head gains on the normalised q and k.
  /// false bounds the attention logits by construction: |q̂·k̂|/√hs ≤ √hs for unit-RMS q̂, k̂
  /// (Cauchy–Schwarz), so they cannot grow with the weights.
  public var qkNormScale = true
  /// Attention logit soft cap c: logits → c·tanh(logits/c); 0 = off.
  public var attentionSoftCap: Double = 0
  /// Layer l is MoE when l ≥ moeOffset and (l − moeOffset) is a multiple of moeEvery.
  public var moeEvery = 2
  public var moeOffset = 1
  /// E: experts per MoE layer.
  public var expertCount = 8
  /// K: experts per token (1 = Switch top-1, 2 = ST-MoE top-2).
  public var expertsPerToken = 2
  /// G: tokens per routing group. The N = B·T tokens of a step split into N/G contiguous groups
  /// (row-major over batch, then time); capacity and the load-balance loss are per group, as in
  /// Mesh-TF's `group_size`. 0 = one group of the whole batch. Must divide N.
  public var routingGroupSize = 0
  /// Capacity per group = max(minimumCapacity, ⌈K·G·factor/E⌉) while training…
  public var trainCapacityFactor: Double = 1.25
  /// …and during evaluation.
  public var evalCapacityFactor: Double = 2.0
  public var minimumCapacity = 4
  public var routingPriority = RoutingPriority.tokenOrder
  /// Which tokens keep their second expert (top-2 only): `all`, `threshold` or `random`.
  public var secondExpertPolicy = SecondExpertPolicy.all
  /// τ of the `threshold` and `random` second-expert policies (Mesh-TF and ST-MoE use 0.2).
  public var secondExpertThreshold: Double = 0.2
  /// Multiplicative per-expert bias on the expert hidden activation, ones-init (ST-MoE App. C).
  public var expertBias = false
  /// c_B: weight of the load-balance loss E·Σ_e f_e·P_e (1.0 at perfect balance), per MoE layer.
  public var balanceLossCoefficient: Double = 0.01
  /// c_z: weight of the router z-loss mean_n (logsumexp_e logits)², per MoE layer.
  public var routerZLossCoefficient: Double = 0.001
  /// Weight of the z-loss on attention logits (mean over rows of lse², per layer); 0 = off.
  public var attentionZLossCoefficient: Double = 0
  /// Weight of the PaLM z-loss on output logits (mean over tokens of lse²); 0 = off.
  public var outputZLossCoefficient: Double = 0
  /// ε of the router input jitter x ⊙ U(1−ε, 1+ε), training only; 0 = off.
  public var routerJitter: Double = 0
  /// Dropout on every sublayer output (and the dense FFN hidden), training only.
  public var dropoutRate: Double = 0
  /// Dropout on the expert hidden activation, training only.
  public var expertDropoutRate: Double = 0
  /// Router logit clipping to [−c, c]; 0 = off.
  public var routerLogitClip: Double = 0
  /// Arithmetic of the forward and backward passes; master weights are always float32.
  public var precision = Precision.float32
  /// Init: truncated normal with std = √(initScale / fan_in) (Switch's reduced scale 0.1).
  public var initScale: Double = 0.1
  /// Init scale of the router weights alone (std = √(routerInitScale / C)); 0 = `initScale`.
  public var routerInitScale: Double = 0

  public init() {}

  /// Whether layer `layer` has an MoE FFN.
  public func isSparse(layer: Int) -> Bool {
    layer >= moeOffset && (layer - moeOffset) % moeEvery == 0
  }
  /// Ls: the layers `isSparse(layer:)` selects, counted in closed form (a mistyped layer count
  /// is estimated, not enumerated). Assumes `moeEvery ≥ 1`, as validation requires.
  public var sparseLayerCount: Int {
    let every = max(1, moeEvery)
    let first = moeOffset >= 0 ? moeOffset : (moeOffset % every + every) % every
    return layerCount > first ? (layerCount - 1 - first) / every + 1 : 0
  }
  public var denseLayerCount: Int { layerCount - sparseLayerCount }
  /// hs: head size.
  public var headSize: Int { channels / headCount }
  /// F′: hidden width actually used by the FFN kind.
  public var hiddenWidth: Int { feedForward == .geglu ? ffnHidden : ffnHidden * 3 / 2 }
  /// N: tokens per step.
  public var tokensPerStep: Int { batchSize * sequenceLength }

  /// G: tokens per routing group, `routingGroupSize` or, when that is 0, N.
  public var routingGroupTokens: Int { routingGroupSize == 0 ? tokensPerStep : routingGroupSize }
  /// The init scale the router weights use.
  public var effectiveRouterInitScale: Double { routerInitScale == 0 ? initScale : routerInitScale }

  /// Expert capacity for a routing group of `tokens` tokens.
  public func capacity(tokens: Int, factor: Double) -> Int {
    let exact = Double(expertsPerToken * tokens) * factor / Double(expertCount)
    return max(minimumCapacity, Int(exact.rounded(.up)))
  }
}

extension ModelConfig: ValidatedConfig {
  public func validate() throws(ConfigError) {
    func require(_ condition: Bool, _ key: String, _ message: String) throws(ConfigError) {
      if !condition { throw ConfigError(keyPath: key, message) }
    }
    try require(vocabSize >= 2, "vocabSize", "must be at least 2, got \(vocabSize)")
    try require(sequenceLength >= 1, "sequenceLength", "must be positive, got \(sequenceLength)")
    try require(batchSize >= 1, "batchSize", "must be positive, got \(batchSize)")
    try require(channels >= 1, "channels", "must be positive, got \(channels)")
    try require(headCount >= 1, "headCount", "must be positive, got \(headCount)")
    if channels % headCount != 0 {
      throw ConfigError(
        keyPath: "headCount", "must divide channels (\(channels)), got \(headCount)",
        suggestion: "divisors of \(channels): "
          + (1...channels).lazy.filter { channels % $0 == 0 }.prefix(12).map(String.init)
          .joined(separator: ", "))
    }
    try require(layerCount >= 1, "layerCount", "must be positive, got \(layerCount)")
    try require(
      ffnHidden >= 2 && ffnHidden % 2 == 0, "ffnHidden",
      "must be a positive even number (ReLU/GELU use 1.5·ffnHidden), got \(ffnHidden)")
    try require(moeEvery >= 1, "moeEvery", "must be positive, got \(moeEvery)")
    try require(moeOffset >= 0, "moeOffset", "must be non-negative, got \(moeOffset)")
    try require(expertCount >= 1, "expertCount", "must be positive, got \(expertCount)")
    if !(1...min(2, expertCount)).contains(expertsPerToken) {
      throw ConfigError(
        keyPath: "expertsPerToken",
        "must be 1 or 2 and at most expertCount (\(expertCount)), got \(expertsPerToken)")
    }
    try require(
      trainCapacityFactor > 0, "trainCapacityFactor", "must be positive, got \(trainCapacityFactor)"
    )
    try require(
      evalCapacityFactor > 0, "evalCapacityFactor", "must be positive, got \(evalCapacityFactor)")
    try require(minimumCapacity >= 1, "minimumCapacity", "must be positive, got \(minimumCapacity)")
    for (key, value) in [
      ("balanceLossCoefficient", balanceLossCoefficient),
      ("routerZLossCoefficient", routerZLossCoefficient),
      ("attentionZLossCoefficient", attentionZLossCoefficient),
      ("outputZLossCoefficient", outputZLossCoefficient),
      ("attentionSoftCap", attentionSoftCap), ("routerLogitClip", routerLogitClip),
    ] {
      try require(value >= 0 && value.isFinite, key, "must be a finite number ≥ 0, got \(value)")
    }
    try require(
      (0..<1).contains(routerJitter), "routerJitter", "must be in [0, 1), got \(routerJitter)")
    try require(
      (0..<1).contains(dropoutRate), "dropoutRate", "must be in [0, 1), got \(dropoutRate)")
    try require(
      (0..<1).contains(expertDropoutRate), "expertDropoutRate",
      "must be in [0, 1), got \(expertDropoutRate)")
    try require(
      initScale > 0 && initScale.isFinite, "initScale", "must be positive, got \(initScale)")
    try require(
      routerInitScale >= 0 && routerInitScale.isFinite, "routerInitScale",
      "must be a finite number ≥ 0 (0 = initScale), got \(routerInitScale)")
    try validateRouting()
  }

  /// Checks of the routing-group and second-expert keys.
  private func validateRouting() throws(ConfigError) {
    let n = tokensPerStep
    if routingGroupSize < 0 || (routingGroupSize > 0 && n % routingGroupSize != 0) {
      let divisors = (1...n).filter { n % $0 == 0 }
      throw ConfigError(
        keyPath: "routingGroupSize",
        "must be 0 (the whole batch) or divide the \(n) tokens per step (batchSize·sequenceLength"
          + " = \(batchSize)·\(sequenceLength)), got \(routingGroupSize)",
        suggestion: "use 0 or a divisor of \(n): "
          + divisors.suffix(12).map(String.init).joined(separator: ", "))
    }
    if !(secondExpertThreshold > 0 && secondExpertThreshold <= 1) {
      throw ConfigError(
        keyPath: "secondExpertThreshold", "must be in (0, 1], got \(secondExpertThreshold)",
        suggestion: "Mesh-TF and ST-MoE use 0.2")
    }
    if secondExpertPolicy != .all && expertsPerToken < 2 {
      throw ConfigError(
        keyPath: "secondExpertPolicy",
        "\"\(secondExpertPolicy.rawValue)\" needs a second expert, but expertsPerToken is "
          + "\(expertsPerToken)",
        suggestion: "set expertsPerToken to 2, or secondExpertPolicy to \"all\"")
    }
  }
}

extension ModelConfig: DefaultConstructible {}
