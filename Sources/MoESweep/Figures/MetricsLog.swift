import Foundation
import MoETraining

/// A run's `metrics.csv` read back for plotting: the header and every row as numbers.
///
/// The file is the one ``MetricsTable`` writes: a header of plain column names, then one row
/// per logged step, no quoting. A cell is a number, `nan`, `inf`, `-inf`, or empty for a value
/// that does not exist. Non-finite and missing values are kept (as NaN and `nil`), so a line
/// drawn from a column breaks where the run produced no finite value.
struct MetricsLog: Sendable {
  let columns: [String]
  /// One entry per data row; `nil` for an empty cell.
  let rows: [[Double?]]

  /// Parses CSV text; `file` only names the source in errors.
  init(csv text: String, file: String) throws(SweepFigureError) {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.hasSuffix("\r") ? $0.dropLast() : $0
    }
    if lines.last?.isEmpty == true { lines.removeLast() }
    guard let header = lines.first, !header.isEmpty else {
      throw .unreadableMetrics(file: file, line: 1, "no header row")
    }
    columns = header.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    var rows: [[Double?]] = []
    for (offset, line) in lines.dropFirst().enumerated() {
      let cells = line.split(separator: ",", omittingEmptySubsequences: false)
      guard cells.count == columns.count else {
        throw .unreadableMetrics(
          file: file, line: offset + 2, "\(cells.count) cells for \(columns.count) columns")
      }
      var row: [Double?] = []
      for (column, cell) in zip(columns, cells) {
        if cell.isEmpty {
          row.append(nil)
        } else if let value = Double(cell) {
          row.append(value)
        } else {
          throw .unreadableMetrics(file: file, line: offset + 2, "\(column) is \"\(cell)\"")
        }
      }
      rows.append(row)
    }
    self.rows = rows
  }

  /// The run's log, or `nil` when the run wrote none (a worker that crashed before its first
  /// row).
  static func read(from directory: RunDirectory) throws -> MetricsLog? {
    let url = directory.metricsURL
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    let text = try String(contentsOf: url, encoding: .utf8)
    return try MetricsLog(csv: text, file: url.path)
  }

  /// The `step` column paired with column `name`; `nil` when the log has no such column.
  ///
  /// Missing and non-finite values become NaN: a gap in a line.
  func series(_ name: String) -> (steps: [Double], values: [Double])? {
    guard let stepIndex = columns.firstIndex(of: "step"),
      let valueIndex = columns.firstIndex(of: name)
    else { return nil }
    var steps: [Double] = []
    var values: [Double] = []
    for row in rows {
      guard let step = row[stepIndex], step.isFinite else { continue }
      steps.append(step)
      values.append(row[valueIndex] ?? .nan)
    }
    return (steps, values)
  }

  /// The last (step, value) of column `name` whose value is finite and, on a logarithmic
  /// axis, positive; `nil` if there is none.
  func lastDrawable(_ name: String, positive: Bool) -> (step: Double, value: Double)? {
    guard let (steps, values) = series(name) else { return nil }
    for (step, value) in zip(steps, values).reversed()
    where value.isFinite && (!positive || value > 0) {
      return (step, value)
    }
    return nil
  }

  /// Layers `l` with a `layer<l>_<name>` column, ascending: the MoE layers for `routerZLoss`.
  func layers(with name: String) -> [Int] {
    columns.compactMap { column -> Int? in
      guard column.hasPrefix("layer"), column.hasSuffix("_" + name) else { return nil }
      return Int(column.dropFirst("layer".count).dropLast(name.count + 1))
    }.sorted()
  }
}
