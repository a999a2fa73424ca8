import Foundation
import MoEModel

/// The metrics CSV of a run: one row every `logEvery` steps, columns named after the Swift
/// properties they come from, per-layer columns prefixed `layer<l>_`.
///
/// Values are written with Swift's shortest round-trip formatting, so the file is a pure
/// function of the run (no timings): the same config, seed and BLAS threads give the same
/// bytes. Non-finite values are written as `nan`, `inf`, `-inf`, which pandas and R read;
/// a value that does not exist (no update on a step that diverged first) is an empty cell.
public struct MetricsTable: Sendable {
  public private(set) var columns: [String]
  public private(set) var rows: [[Double?]] = []

  /// Columns for a model: global ones, then per layer (attention), then per MoE layer (routing).
  public init(model: ModelConfig) {
    columns = [
      "step", "learningRate", "loss", "crossEntropy", "balanceLoss", "routerZLoss", "attentionZLoss",
      "outputZLoss", "gradientNorm", "updateRMS", "clippedFraction",
    ]
    for layer in 0..<model.layerCount {
      columns.append("layer\(layer)_maxAttentionLogit")
      if model.isSparse(layer: layer) {
        for name in [
          "balanceLoss", "routerZLoss", "maxRouterLogit", "routerEntropy", "droppedFraction", "loadMaxOverMean",
        ] {
          columns.append("layer\(layer)_\(name)")
        }
      }
    }
  }

  /// One row; `update` is nil when the step did not apply an update (it diverged first).
  public static func row(
    step: Int, learningRate: Float, loss: LossBreakdown, gradientNorm: Double, updateRMS: Double?,
    clippedFraction: Double?
  ) -> [Double?] {
    var row: [Double?] = [
      Double(step), Double(learningRate), loss.total, loss.crossEntropy, loss.balanceLoss, loss.routerZLoss,
      loss.attentionZLoss, loss.outputZLoss, gradientNorm, updateRMS, clippedFraction,
    ]
    for layer in loss.layers {
      row.append(layer.maxAttentionLogit)
      if let r = layer.routing {
        row += [r.balanceLoss, r.routerZLoss, r.maxRouterLogit, r.routerEntropy, r.droppedFraction, r.loadMaxOverMean]
      }
    }
    return row
  }

  public mutating func append(_ row: [Double?]) {
    precondition(row.count == columns.count, "metrics row has \(row.count) values for \(columns.count) columns")
    rows.append(row)
  }

  public func named(_ row: [Double?]) -> [String: Double] {
    Dictionary(uniqueKeysWithValues: zip(columns, row).compactMap { key, value in value.map { (key, $0) } })
  }

  public var csv: String {
    var text = columns.joined(separator: ",") + "\n"
    for row in rows {
      text += row.enumerated().map { index, value in
        guard let value else { return "" }
        return index == 0 ? String(Int(value)) : Self.format(value)
      }.joined(separator: ",") + "\n"
    }
    return text
  }

  static func format(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    return "\(value)"
  }
}
