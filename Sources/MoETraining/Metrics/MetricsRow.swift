import MoEModel

/// One logged row of a run's metrics, typed: the step's global values, then one entry per
/// layer. `metrics.csv` holds a row every `logEvery` steps; `result.json` the last row whose
/// values were all finite.
///
/// The columns of each part are defined once, name and field together:
/// ``MetricsRow/columns`` (global), ``LayerMetrics/columns`` (every layer) and
/// `RoutingStatistics.metricsColumns` (every MoE layer). Adding a metric is one column there
/// (plus the field it reads); the CSV header, the row cells, the JSON keys and reading them
/// back all follow from those lists.
public struct MetricsRow: Sendable, Equatable {
  public var step = 0
  /// The scheduled learning rate of the step (a float32 value).
  public var learningRate = 0.0
  /// The total training loss (`LossBreakdown.total`).
  public var loss = 0.0
  public var crossEntropy = 0.0
  public var balanceLoss = 0.0
  public var routerZLoss = 0.0
  public var attentionZLoss = 0.0
  public var outputZLoss = 0.0
  /// Global gradient L2 norm before clipping.
  public var gradientNorm = 0.0
  /// RMS of the update; nil when the step applied none (it diverged first).
  public var updateRMS: Double?
  /// Adafactor's fraction of update-clipped groups; nil without an update or update clipping.
  public var clippedFraction: Double?
  /// One entry per layer: `layers[l]` is layer `l`.
  public var layers: [LayerMetrics] = []

  public init() {}

  /// The row of a training step; `update` is nil when the step applied none.
  public init(
    step: Int, learningRate: Float, loss: LossBreakdown, gradientNorm: Double,
    update: UpdateStatistics?
  ) {
    self.step = step
    self.learningRate = Double(learningRate)
    self.loss = loss.total
    crossEntropy = loss.crossEntropy
    balanceLoss = loss.balanceLoss
    routerZLoss = loss.routerZLoss
    attentionZLoss = loss.attentionZLoss
    outputZLoss = loss.outputZLoss
    self.gradientNorm = gradientNorm
    updateRMS = update?.updateRMS
    clippedFraction = update?.clippedFraction
    layers = loss.layers.map {
      LayerMetrics(maxAttentionLogit: $0.maxAttentionLogit, routing: $0.routing)
    }
  }

  /// The routing statistics of layer `layer`; nil for a dense layer.
  public func routing(layer: Int) -> RoutingStatistics? {
    layers.indices.contains(layer) ? layers[layer].routing : nil
  }

  /// One routing statistic of every MoE layer, in layer order.
  public func moeLayerValues(_ statistic: KeyPath<RoutingStatistics, Double>) -> [Double] {
    layers.compactMap { $0.routing?[keyPath: statistic] }
  }

  /// Whether every value the row has is finite.
  public var isFinite: Bool {
    MetricsLayout(self).cells(of: self).allSatisfy { $0.value?.isFinite ?? true }
  }
}

/// What one layer logs: its attention statistics, and routing statistics if it is an MoE layer.
public struct LayerMetrics: Sendable, Equatable {
  /// Largest |attention logit| (before soft-capping) over all heads and causal positions.
  public var maxAttentionLogit = 0.0
  /// Present in MoE layers.
  public var routing: RoutingStatistics?

  public init(maxAttentionLogit: Double = 0, routing: RoutingStatistics? = nil) {
    self.maxAttentionLogit = maxAttentionLogit
    self.routing = routing
  }
}

// MARK: The columns, each defined once

extension MetricsRow {
  /// The global columns, first in every row.
  public static let columns: [MetricsColumn<MetricsRow>] = [
    .init("step", integer: \.step),
    .init("learningRate", \.learningRate),
    .init("loss", \.loss),
    .init("crossEntropy", \.crossEntropy),
    .init("balanceLoss", \.balanceLoss),
    .init("routerZLoss", \.routerZLoss),
    .init("attentionZLoss", \.attentionZLoss),
    .init("outputZLoss", \.outputZLoss),
    .init("gradientNorm", \.gradientNorm),
    .init("updateRMS", \.updateRMS),
    .init("clippedFraction", \.clippedFraction),
  ]
}

extension LayerMetrics {
  /// Every layer's columns, named `layer<l>_<name>`.
  public static let columns: [MetricsColumn<LayerMetrics>] = [
    .init("maxAttentionLogit", \.maxAttentionLogit)
  ]
}

extension RoutingStatistics {
  /// Every MoE layer's columns, named `layer<l>_<name>`, after the layer's own. A new
  /// per-MoE-layer metric is one line here, reading a field of `RoutingStatistics`.
  public static let metricsColumns: [MetricsColumn<RoutingStatistics>] = [
    .init("balanceLoss", \.balanceLoss),
    .init("routerZLoss", \.routerZLoss),
    .init("maxRouterLogit", \.maxRouterLogit),
    .init("routerEntropy", \.routerEntropy),
    .init("droppedFraction", \.droppedFraction),
    .init("loadMaxOverMean", \.loadMaxOverMean),
    .init("roundoffFlipFraction", \.roundoffFlipFraction),
    .init("secondExpertFraction", \.secondExpertFraction),
  ]
}
