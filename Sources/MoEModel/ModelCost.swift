/// Parameter and FLOP accounting of a model configuration (performance.md §2).
///
/// - forward FLOP/token = 2 · active matmul parameters + L · 2·2·T·C (attention scores and
///   weighted sum, causal *not* halved); training = 3 × forward; embedding lookups, norms,
///   softmax and routing are not counted. Expert matmuls over dropped or padded rows are not
///   counted either: the count is K experts per token.
/// - active matmul parameters per token = 4·C² per layer + 3·C·F per dense layer (GEGLU; the
///   1.5×-wide ReLU/GELU FFN has the same 3·C·F) + (C·E + K·3·C·F) per MoE layer + C·V.
public struct ModelCost: Sendable, Codable, Equatable {
  public var totalParameters: Int
  /// Parameters a token touches: everything except the E − K experts it is not sent to.
  public var activeParametersPerToken: Int
  public var activeMatmulParametersPerToken: Int
  public var forwardFlopsPerToken: Int
  public var trainingFlopsPerToken: Int
  public var trainingFlopsPerStep: Int

  public init(_ config: ModelConfig) {
    let layout = ParameterLayout(config)
    let c = config.channels, l = config.layerCount, e = config.expertCount,
      k = config.expertsPerToken
    let ffn = 3 * c * config.ffnHidden
    totalParameters = layout.totalCount
    let perExpert = [
      ParameterName.expertGateWeight, .expertUpWeight, .expertDownWeight, .expertBias,
    ]
    .map { name -> Int in
      let shape = name.shape(config)
      return shape.stack == 0 ? 0 : shape.rows * shape.columns
    }.reduce(0, +)
    activeParametersPerToken = totalParameters - config.sparseLayerCount * (e - k) * perExpert
    activeMatmulParametersPerToken =
      l * 4 * c * c + config.denseLayerCount * ffn
      + config.sparseLayerCount * (c * e + k * ffn) + c * config.vocabSize
    forwardFlopsPerToken =
      2 * activeMatmulParametersPerToken + l * 2 * 2 * config.sequenceLength * c
    trainingFlopsPerToken = 3 * forwardFlopsPerToken
    trainingFlopsPerStep = trainingFlopsPerToken * config.tokensPerStep
  }
}
