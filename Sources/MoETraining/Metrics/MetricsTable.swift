import Foundation
import MoEModel

/// The metrics CSV of a run: one ``MetricsRow`` every `logEvery` steps, columns named after the
/// Swift properties they come from, per-layer columns prefixed `layer<l>_` (``MetricsLayout``).
///
/// Values are written with Swift's shortest round-trip formatting, so the file is a pure
/// function of the run (no timings): the same config, seed and BLAS threads give the same
/// bytes. Non-finite values are written as `nan`, `inf`, `-inf`, which pandas and R read;
/// a value that does not exist (no update on a step that diverged first) is an empty cell.
public struct MetricsTable: Sendable {
  public let layout: MetricsLayout
  public private(set) var rows: [MetricsRow] = []

  /// An empty table for a model's runs: global columns, then per layer (attention), then per
  /// MoE layer (routing).
  public init(model: ModelConfig) {
    layout = MetricsLayout(model: model)
  }

  public init(layout: MetricsLayout, rows: [MetricsRow] = []) {
    self.layout = layout
    for row in rows { append(row) }
  }

  /// The header, in column order.
  public var columns: [String] { layout.columnNames }

  /// Appends a row; it must have the table's layout (one entry per layer, routing statistics
  /// exactly in the MoE layers).
  public mutating func append(_ row: MetricsRow) {
    precondition(
      MetricsLayout(row) == layout,
      "row with MoE layers \(MetricsLayout(row).isMoELayer), table \(layout.isMoELayer)")
    rows.append(row)
  }

  public var csv: String {
    var text = columns.joined(separator: ",") + "\n"
    for row in rows {
      text +=
        layout.cells(of: row).map { cell in
          guard let value = cell.value else { return "" }
          return cell.isInteger ? String(Int(value)) : Self.format(value)
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
