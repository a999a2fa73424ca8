/// The terms of one forward pass's loss, unscaled, with per-layer statistics.
public struct LossBreakdown: Sendable, Codable, Equatable {
  /// CE + c_B·balanceLoss + c_z·routerZLoss + c_attnZ·attentionZLoss + c_outZ·outputZLoss.
  public var total: Double = 0
  /// Mean token cross-entropy (nats); quality = −crossEntropy on held-out data.
  public var crossEntropy: Double = 0
  /// Σ over MoE layers of E·Σ_e f_e·P_e (each 1.0 at perfect balance).
  public var balanceLoss: Double = 0
  /// Σ over MoE layers of mean_n (logsumexp router logits)².
  public var routerZLoss: Double = 0
  /// Σ over layers of the mean over (b, h, i) of (logsumexp attention logits)².
  public var attentionZLoss: Double = 0
  /// Mean over tokens of (logsumexp output logits)².
  public var outputZLoss: Double = 0
  public var layers: [LayerStatistics] = []
}

/// What one layer reports each step.
public struct LayerStatistics: Sendable, Codable, Equatable {
  public var layer: Int
  /// Largest |attention logit| (before soft-capping) over all heads and causal positions.
  public var maxAttentionLogit: Double
  public var attentionZLoss: Double
  /// Present for MoE layers.
  public var routing: RoutingStatistics?
}

/// Per-MoE-layer routing health, unscaled.
public struct RoutingStatistics: Sendable, Codable, Equatable {
  public var balanceLoss: Double = 0
  public var routerZLoss: Double = 0
  /// max |router logit| before clipping.
  public var maxRouterLogit: Double = 0
  /// Mean per-token entropy of the router distribution (nats; ln E when uniform).
  public var routerEntropy: Double = 0
  /// Fraction of (token, choice) assignments dropped for lack of capacity.
  public var droppedFraction: Double = 0
  /// Expert load max / mean (1 = even).
  public var loadMaxOverMean: Double = 0
}

extension RoutingStatistics {
  /// Every statistic 0: a record to fill in, such as one read back from a metrics file.
  public static var zero: RoutingStatistics { RoutingStatistics() }
}
