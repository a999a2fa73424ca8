import MoEKernels

/// Every parameter tensor of the model, in arena order.
///
/// Per-layer tensors stack on a leading axis: attention and norm tensors over L layers, dense
/// FFN tensors over the Ld dense layers, router tensors over the Ls sparse layers, expert
/// tensors over Ls·E experts (sparse layer major). A disabled feature has a stack of 0.
public enum ParameterName: String, CaseIterable, Sendable, Codable {
  case tokenEmbedding  // (V, C)
  case positionEmbedding  // (T, C)
  case attentionNormScale  // (L, 1, C)
  case queryWeight, keyWeight, valueWeight, attentionOutputWeight  // (L, C, C)
  case queryNormScale, keyNormScale  // (L, 1, hs), with qkNorm, qkNormScale and normScale
  case feedForwardNormScale  // (L, 1, C)
  case denseGateWeight  // (Ld, F, C), GEGLU only
  case denseUpWeight  // (Ld, F′, C)
  case denseDownWeight  // (Ld, C, F′)
  case routerWeight  // (Ls, E, C)
  case expertGateWeight  // (Ls·E, F, C), GEGLU only
  case expertUpWeight  // (Ls·E, F′, C)
  case expertDownWeight  // (Ls·E, C, F′)
  case expertBias  // (Ls·E, 1, F′), with expertBias
  case finalNormScale  // (1, 1, C)
  case outputWeight  // (V, C)

  /// (stack, rows, columns) of this tensor under `config`.
  public func shape(_ config: ModelConfig) -> (stack: Int, rows: Int, columns: Int) {
    let c = config.channels, l = config.layerCount, f = config.hiddenWidth
    let ld = config.denseLayerCount, ls = config.sparseLayerCount, e = config.expertCount
    let scaled = config.normScale ? 1 : 0
    let gated = config.feedForward == .geglu ? 1 : 0
    switch self {
    case .tokenEmbedding: return (1, config.vocabSize, c)
    case .positionEmbedding: return (1, config.sequenceLength, c)
    case .attentionNormScale, .feedForwardNormScale: return (l * scaled, 1, c)
    case .queryWeight, .keyWeight, .valueWeight, .attentionOutputWeight: return (l, c, c)
    case .queryNormScale, .keyNormScale:
      return (config.qkNorm && config.qkNormScale ? l * scaled : 0, 1, config.headSize)
    case .denseGateWeight: return (ld * gated, f, c)
    case .denseUpWeight: return (ld, f, c)
    case .denseDownWeight: return (ld, c, f)
    case .routerWeight: return (ls, e, c)
    case .expertGateWeight: return (ls * e * gated, f, c)
    case .expertUpWeight: return (ls * e, f, c)
    case .expertDownWeight: return (ls * e, c, f)
    case .expertBias: return (config.expertBias ? ls * e : 0, 1, f)
    case .finalNormScale: return (scaled, 1, c)
    case .outputWeight: return (1, config.vocabSize, c)
    }
  }

  /// The fan-in used for initialisation (truncated normal, std = √(scale / fanIn)), or nil for
  /// tensors initialised to ones (norm scales, expert bias).
  func fanIn(_ config: ModelConfig) -> Int? {
    switch self {
    case .tokenEmbedding: return config.vocabSize
    case .positionEmbedding: return config.sequenceLength
    case .attentionNormScale, .feedForwardNormScale, .queryNormScale, .keyNormScale,
      .finalNormScale, .expertBias:
      return nil
    case .denseDownWeight, .expertDownWeight: return config.hiddenWidth
    default: return config.channels
    }
  }

  /// Index of this case in `allCases` (and in ``ParameterLayout/slices``).
  var position: Int { ParameterName.positions[self]! }
  private static let positions = Dictionary(
    uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })

  /// True for the weights of matrix multiplications (what FLOP accounting counts).
  var isMatmulWeight: Bool {
    switch self {
    case .queryWeight, .keyWeight, .valueWeight, .attentionOutputWeight, .denseGateWeight,
      .denseUpWeight, .denseDownWeight, .routerWeight, .expertGateWeight, .expertUpWeight,
      .expertDownWeight, .outputWeight:
      return true
    default: return false
    }
  }
}

/// Offsets of every tensor in one flat arena, shared by parameters, gradients and optimizer
/// state. Built once from the config.
public struct ParameterLayout: Sendable {
  public let config: ModelConfig
  public let slices: [ParameterSlice]  // indexed by ParameterName's position in allCases
  public let totalCount: Int

  public init(_ config: ModelConfig) {
    self.config = config
    var offset = 0
    slices = ParameterName.allCases.map { name in
      let (stack, rows, columns) = name.shape(config)
      defer { offset += stack * rows * columns }
      return ParameterSlice(
        name: name.rawValue, offset: offset, stack: stack, rows: rows, columns: columns)
    }
    totalCount = offset
  }

  @inline(__always)
  public func slice(_ name: ParameterName) -> ParameterSlice {
    slices[name.position]
  }

  /// Offset of matrix `index` of the stack of `name`.
  @inline(__always)
  public func offset(_ name: ParameterName, _ index: Int = 0) -> Int {
    let s = slice(name)
    return s.range.lowerBound + index * s.rows * s.columns
  }

  /// Slices that hold at least one value (what optimizers and reports iterate over).
  public var nonEmptySlices: [ParameterSlice] { slices.filter { $0.count > 0 } }
}
