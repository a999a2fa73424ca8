import Foundation

extension MetricsTable {
  /// Why a metrics CSV cannot be read: the 1-based line and what is wrong there.
  public struct ReadError: Error, CustomStringConvertible, Equatable, Sendable {
    public var line: Int
    public var message: String

    public var description: String { "line \(line): \(message)" }
  }

  /// Reads back the CSV ``csv`` writes: a header of plain column names, then one row per
  /// logged step, no quoting. A cell is a number, `nan`, `inf`, `-inf`, or empty for a value
  /// that does not exist.
  ///
  /// The layout comes from the header (``MetricsLayout/init(columnNames:)``). Columns the
  /// header lacks read as missing values and columns it has beyond the layout's are ignored,
  /// so files written before or after a column was added still read.
  public init(csv text: String) throws(ReadError) {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.hasSuffix("\r") ? $0.dropLast() : $0
    }
    if lines.last?.isEmpty == true { lines.removeLast() }
    guard let header = lines.first, !header.isEmpty else {
      throw ReadError(line: 1, message: "no header row")
    }
    let names = header.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let index = Dictionary(
      names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    self.init(layout: MetricsLayout(columnNames: Set(names)))
    for (offset, line) in lines.dropFirst().enumerated() {
      let lineNumber = offset + 2
      let cells = line.split(separator: ",", omittingEmptySubsequences: false)
      guard cells.count == names.count else {
        throw ReadError(
          line: lineNumber, message: "\(cells.count) cells for \(names.count) columns")
      }
      var values: [Double?] = []
      for (name, cell) in zip(names, cells) {
        if cell.isEmpty {
          values.append(nil)
        } else if let value = Double(cell) {
          values.append(value)
        } else {
          throw ReadError(line: lineNumber, message: "\(name) is \"\(cell)\"")
        }
      }
      do throws(MetricsReadError) {
        append(try layout.row { name in index[name].flatMap { values[$0] } })
      } catch {
        throw ReadError(line: lineNumber, message: error.description)
      }
    }
  }
}

extension RunDirectory {
  /// The run's metrics table, or nil when the run wrote none (a worker that crashed before
  /// its first row).
  public func readMetrics() throws -> MetricsTable? {
    guard FileManager.default.fileExists(atPath: metricsURL.path) else { return nil }
    return try MetricsTable(csv: String(contentsOf: metricsURL, encoding: .utf8))
  }
}
