/// A CSV table that pandas (`read_csv`) and R (`read.csv`) read as is: a header row, RFC 4180
/// quoting (fields with a comma, quote or newline are quoted, quotes doubled), `\n` line ends,
/// numbers in Swift's shortest round-trip form, and an empty cell for a value that does not
/// exist (never "nan" for a missing statistic).
public struct CSVTable: Sendable {
  public enum Cell: Sendable, Equatable {
    case text(String)
    case integer(Int)
    case number(Double)
    case empty

    public static func optional(_ value: Double?) -> Cell {
      guard let value, value.isFinite else { return .empty }
      return .number(value)
    }

    public static func optional(_ value: Int?) -> Cell { value.map(Cell.integer) ?? .empty }

    var field: String {
      switch self {
      case .text(let text): return CSVTable.quoted(text)
      case .integer(let value): return String(value)
      case .number(let value): return value.isFinite ? "\(value)" : ""
      case .empty: return ""
      }
    }
  }

  public var columns: [String]
  public private(set) var rows: [[Cell]] = []

  public init(columns: [String]) { self.columns = columns }

  public mutating func append(_ row: [Cell]) {
    precondition(row.count == columns.count, "CSV row has \(row.count) cells for \(columns.count) columns")
    rows.append(row)
  }

  public var text: String {
    var out = columns.map(Self.quoted).joined(separator: ",") + "\n"
    for row in rows { out += row.map(\.field).joined(separator: ",") + "\n" }
    return out
  }

  static func quoted(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
