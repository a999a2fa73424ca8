import MoEConfig
import MoEModel

/// What a training run of a config holds in memory, estimated from the config before anything
/// is allocated: the model (``ModelMemory``: weights, gradients, activations), the optimizer's
/// state, and an allowance for the process around them.
///
/// Optimizer state, from the parameter shapes as the optimizers allocate it (4-byte values
/// unless said otherwise):
/// - Adafactor: per stacked matrix R + C second-moment factors when both R and C are at least
///   `factoredMinimumDimension`, else R·C; scratch of the largest matrix plus the widest row,
///   and the widest row again in 8-byte Doubles;
/// - AdamW: first and second moments, 2·P;
/// - SGD: the momentum buffer, P, only when μ > 0.
public struct RunMemoryEstimate: Sendable, Equatable {
  public var model: ModelMemory
  public var optimizerStateBytes: Double
  /// The Swift runtime, Foundation, OpenBLAS's buffers and the data source: 64 MiB. Measured
  /// on the 2-core Debian 12 machine, the peak resident set of two-step `train` runs exceeded
  /// the rest of the estimate by 33.5 to 35.6 MiB (`tiny` with Adafactor and with AdamW, with 1
  /// and 2 BLAS threads; `small`; `tiny` with 16 layers, 1.2 GiB), so the estimate including
  /// this allowance is above what such a run holds.
  public static let processBytes: Double = 64 * 1024 * 1024

  public var totalBytes: Double { model.totalBytes + optimizerStateBytes + Self.processBytes }

  public init(_ config: RunConfig) {
    model = ModelMemory(config.model)
    optimizerStateBytes =
      model.totalBytes.isFinite
      ? Self.optimizerStateBytes(config.optimizer, config.model) : .infinity
  }

  static func optimizerStateBytes(_ optimizer: OptimizerConfig, _ model: ModelConfig) -> Double {
    let minimum = Double(optimizer.adafactor.factoredMinimumDimension)
    var parameters = 0.0
    var factors = 0.0
    var largest = 0.0
    var widest = 0.0
    for name in ParameterName.allCases {
      let shape = name.shape(model)
      guard shape.stack > 0 && shape.rows > 0 && shape.columns > 0 else { continue }
      let stack = Double(shape.stack)
      let rows = Double(shape.rows)
      let columns = Double(shape.columns)
      parameters += stack * rows * columns
      factors += stack * (rows >= minimum && columns >= minimum ? rows + columns : rows * columns)
      largest = max(largest, rows * columns)
      widest = max(widest, columns)
    }
    let floatBytes = 4.0
    let doubleBytes = 8.0
    switch optimizer.kind {
    case .adafactor:
      return floatBytes * (max(factors, 1) + max(largest + widest, 1))
        + doubleBytes * max(widest, 1)
    case .adamW:
      return 2 * floatBytes * max(parameters, 1)
    case .sgd:
      return optimizer.sgd.momentum > 0 ? floatBytes * max(parameters, 1) : 0
    }
  }
}
