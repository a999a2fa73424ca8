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
  /// Fraction of tokens whose set of experts (after the second-expert policy, before capacity)
  /// differs between the run's precision and a float32 computation of the same router input
  /// with the float32 master router weight (ST-MoE §3.4 roundoff flips), in [0, 1]; exactly 0
  /// unless the precision is plain `bfloat16`.
  public var roundoffFlipFraction: Double = 0
  /// Fraction of tokens whose second expert the second-expert policy kept (before capacity);
  /// 1 under `all` with two experts per token, 0 with one.
  public var secondExpertFraction: Double = 0
}

extension RoutingStatistics {
  /// Every statistic 0: a record to fill in, such as one read back from a metrics file.
  public static var zero: RoutingStatistics { RoutingStatistics() }
}
