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

  /// A column, defined once: its header and the cell it shows for each row.
  public struct Column<Row>: Sendable {
    public var name: String
    public var cell: @Sendable (Row) -> Cell

    public init(_ name: String, _ cell: @escaping @Sendable (Row) -> Cell) {
      self.name = name
      self.cell = cell
    }
  }

  public let columns: [String]
  public let rows: [[Cell]]

  /// One line per row, one cell per column.
  public init<Row>(_ columns: [Column<Row>], rows: some Sequence<Row>) {
    self.columns = columns.map(\.name)
    self.rows = rows.map { row in columns.map { $0.cell(row) } }
  }

  public var text: String {
    var out = columns.map(Self.quoted).joined(separator: ",") + "\n"
    for row in rows { out += row.map(\.field).joined(separator: ",") + "\n" }
    return out
  }

  static func quoted(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
      return text
    }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
