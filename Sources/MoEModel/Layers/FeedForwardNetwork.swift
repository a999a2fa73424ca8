import MoEKernels

/// The network inside a block's feed-forward sublayer: one dense FFN, or an MoE layer. Each
/// case carries the index of its weights in their stacked tensors: among the dense layers
/// (`denseGateWeight`, `denseUpWeight`, `denseDownWeight`) or among the sparse layers
/// (`routerWeight` and the expert tensors).
enum FeedForwardNetwork {
  case dense(FeedForward, denseIndex: Int)
  case moe(MoELayer, sparseIndex: Int)

  /// The network of layer `layer`, `feedForwardIndex` being its index among the dense (or the
  /// sparse) layers, over `rows` rows.
  init(config: ModelConfig, layer: Int, feedForwardIndex: Int, rows: Int) {
    if config.isSparse(layer: layer) {
      self = .moe(MoELayer(config: config, rows: rows), sparseIndex: feedForwardIndex)
    } else {
      let network = FeedForward(
        kind: config.feedForward, channels: config.channels, hidden: config.hiddenWidth,
        maxRows: rows, bias: false, dropout: config.dropoutRate > 0)
      self = .dense(network, denseIndex: feedForwardIndex)
    }
  }

  /// The output (N, C) of the last forward pass.
  var output: UnsafeMutablePointer<Float> {
    switch self {
    case .dense(let network, _): network.out.base
    case .moe(let network, _): network.out.base
    }
  }

  /// The MoE layer, or nil for a dense FFN.
  var moeLayer: MoELayer? {
    if case .moe(let network, _) = self { network } else { nil }
  }
}
