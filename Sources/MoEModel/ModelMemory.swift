/// The bytes a ``Transformer`` allocates for a config, computed from the config alone (nothing
/// is allocated), buffer by buffer as the layers allocate them.
///
/// Every `FloatBuffer` holds `max(count, 1)` float32 values and every `Int32Buffer` as many Int32s, so
/// each buffer below is `4·max(count, 1)` bytes. With N = B·T, F′ the FFN's hidden width and R
/// its rows (N for a dense FFN, K·N for a layer's experts, which share one set of buffers):
///
/// - ``weightBytes``: the master weights and their gradients, plus the bfloat16-rounded compute
///   copy in the bfloat16 modes: P values each;
/// - ``activationBytes``: the token buffers, the embedding and final norm (N, C), the logits
///   (N, V) three times, and per block: the attention sublayer (the (B, NH, T, T) logits and
///   probabilities, ten (N, C) buffers, four more with qkNorm and two with dropout), the two
///   gradient buffers the sublayers share, the residual stream and its gradient, the
///   feed-forward sublayer and its network: an FFN holds four to twelve (R, F′) hidden buffers
///   (by kind, bias and dropout) and its (R, C) output; an MoE layer adds the router's (N, E)
///   buffers (two more for the roundoff-flip probe in plain bfloat16) and three (K·N, C)
///   gather buffers;
/// - ``routingBytes``: the Swift arrays of each MoE layer: the router's top-1 fractions (E),
///   the gate gradients (N·K) and the routing plan at its largest (N·K admitted rows).
///
/// Sums are in Double, so no size overflows; they are exact integers below 2⁵³ bytes. A size
/// beyond 2³¹ − 1 (more than BLAS's 32-bit dimensions address) gives +∞ everywhere.
public struct ModelMemory: Sendable, Equatable {
  public var weightBytes: Double
  public var activationBytes: Double
  public var routingBytes: Double
  public var totalBytes: Double { weightBytes + activationBytes + routingBytes }

  /// A key of ``ModelConfig`` the estimate grows with.
  public struct SizeKey: Sendable {
    public var name: String
    public var keyPath: WritableKeyPath<ModelConfig, Int> & Sendable
  }

  /// Every size key (the estimate grows with each of them).
  public static let sizeKeys: [SizeKey] = [
    SizeKey(name: "vocabSize", keyPath: \.vocabSize),
    SizeKey(name: "sequenceLength", keyPath: \.sequenceLength),
    SizeKey(name: "batchSize", keyPath: \.batchSize),
    SizeKey(name: "channels", keyPath: \.channels),
    SizeKey(name: "headCount", keyPath: \.headCount),
    SizeKey(name: "layerCount", keyPath: \.layerCount),
    SizeKey(name: "ffnHidden", keyPath: \.ffnHidden),
    SizeKey(name: "expertCount", keyPath: \.expertCount),
    SizeKey(name: "expertsPerToken", keyPath: \.expertsPerToken),
  ]

  public init(_ config: ModelConfig) {
    guard Self.sizeKeys.allSatisfy({ config[keyPath: $0.keyPath] <= Int(Int32.max) }) else {
      (weightBytes, activationBytes, routingBytes) = (.infinity, .infinity, .infinity)
      return
    }
    let floatBytes = Double(MemoryLayout<Float>.size)
    let parameters = ParameterName.allCases.reduce(0.0) { sum, name in
      let shape = name.shape(config)
      return sum + Double(shape.stack) * Double(shape.rows) * Double(shape.columns)
    }
    let copies: Double = config.precision.roundsToBFloat16 ? 3 : 2
    weightBytes = copies * floatBytes * max(parameters, 1)

    let n = Double(config.batchSize) * Double(config.sequenceLength)
    let nc = n * Double(config.channels)
    let nv = n * Double(config.vocabSize)
    let model =
      2 * buffer(n)  // input and target tokens
      + 2 * buffer(nc) + buffer(n)  // embedded; final norm and its rstd
      + 3 * buffer(nv) + buffer(n)  // logits, probs, their gradient; lse
      + 3 * buffer(nc)  // final norm gradient, two residual gradients
    let block =
      Self.attentionSublayerFloats(config) + 2 * buffer(nc)  // shared gradient pair
      + 3 * buffer(nc)  // mid, out, dMid
      + Self.feedForwardSublayerFloats(config)
    let sparse = Double(config.sparseLayerCount)
    let dense = Double(config.layerCount) - sparse
    activationBytes =
      floatBytes
      * (model + Double(config.layerCount) * block
        + dense
        * Self.feedForwardFloats(config, rows: n, bias: false, dropout: config.dropoutRate > 0)
        + sparse * Self.moeLayerFloats(config))
    routingBytes = sparse * Self.moeRoutingArrayBytes(config)
  }

  /// `AttentionSublayer`'s buffers, in values.
  static func attentionSublayerFloats(_ config: ModelConfig) -> Double {
    let n = Double(config.batchSize) * Double(config.sequenceLength)
    let nc = n * Double(config.channels)
    let heads = Double(config.batchSize) * Double(config.headCount)
    let time = Double(config.sequenceLength)
    let qkNorm = config.qkNorm
    let dropout = config.dropoutRate > 0
    return buffer(nc) + buffer(n)  // normed, rstd
      + 3 * buffer(nc)  // q, k, v
      + 2 * buffer(qkNorm ? nc : 0) + 2 * buffer(qkNorm ? n * Double(config.headCount) : 0)
      + 2 * buffer(heads * time * time) + buffer(heads * time)  // logits, probs, lse
      + 2 * buffer(nc)  // heads, projected
      + 2 * buffer(dropout ? nc : 0)  // mask, dropped
      + 4 * buffer(nc)  // dHeads, dq, dk, dv
      + 2 * buffer(qkNorm ? nc : 0)  // dqNormed, dkNormed
      + buffer(time * time)  // one score gradient
  }

  /// `FeedForwardSublayer`'s own buffers (not its network's), in values.
  static func feedForwardSublayerFloats(_ config: ModelConfig) -> Double {
    let n = Double(config.batchSize) * Double(config.sequenceLength)
    let nc = n * Double(config.channels)
    return buffer(nc) + buffer(n) + 2 * buffer(config.dropoutRate > 0 ? nc : 0)
  }

  /// A `FeedForward` over `rows` rows, in values.
  static func feedForwardFloats(
    _ config: ModelConfig, rows: Double, bias: Bool, dropout: Bool
  ) -> Double {
    let wide = rows * Double(config.hiddenWidth)
    let gated = config.feedForward == .geglu
    return 2 * buffer(gated ? wide : 0) + 2 * buffer(wide)  // gate, geluTanh, up, activated
      + buffer(bias ? wide : 0) + 2 * buffer(dropout ? wide : 0)  // biased, mask, dropped
      + buffer(rows * Double(config.channels))  // out
      + buffer(wide) + buffer(dropout ? wide : 0) + buffer(bias ? wide : 0)  // dHidden, …
      + buffer(gated ? wide : 0) + buffer(wide)  // dGate, dUp
  }

  /// An `MoELayer`'s buffers with its router and its experts' shared `FeedForward`, in values.
  static func moeLayerFloats(_ config: ModelConfig) -> Double {
    let n = Double(config.batchSize) * Double(config.sequenceLength)
    let c = Double(config.channels)
    let e = Double(config.expertCount)
    let routed = Double(config.expertsPerToken) * n
    let jitter = config.routerJitter > 0
    let flipProbe = config.precision.roundsToBFloat16 && !config.precision.routerInFloat32
    let router =
      2 * buffer(jitter ? n * c : 0) + buffer(n * c)  // jitter, jittered, djittered
      + 3 * buffer(n * e) + buffer(n) + 2 * buffer(n * e)  // logits, probs, lse, gradients
      + (flipProbe ? 2 * buffer(n * e) : 0)  // the float32 reference logits and probs
    let experts = feedForwardFloats(
      config, rows: routed, bias: config.expertBias, dropout: config.expertDropoutRate > 0)
    return router + experts + 3 * buffer(routed * c) + buffer(n * c)  // gathered …, out
  }

  /// The Swift arrays of one MoE layer after a forward pass, in bytes: top-1 fractions per
  /// routing group (groups·E Doubles), gate gradients (N·K floats), and the plan with every
  /// choice admitted: five N·K arrays of 4-byte values and E + 1 Int offsets.
  static func moeRoutingArrayBytes(_ config: ModelConfig) -> Double {
    let n = Double(config.batchSize) * Double(config.sequenceLength)
    let choices = n * Double(config.expertsPerToken)
    let e = Double(config.expertCount)
    let groups = config.routingGroupSize > 0 ? n / Double(config.routingGroupSize) : 1
    return 8 * groups * e + 4 * choices + 5 * 4 * choices + 8 * (e + 1)
  }
}

/// The values an `FloatBuffer` of `count` values holds (never fewer than one).
private func buffer(_ count: Double) -> Double { max(count, 1) }
