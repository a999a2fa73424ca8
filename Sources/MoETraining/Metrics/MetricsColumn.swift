/// One named value of a metrics record, defined once: the header of its column in
/// `metrics.csv` (and its key in `result.json`) together with the field of the record that
/// holds it. Writing a record reads the field; reading a record back writes it.
///
/// ```swift
/// MetricsColumn<RoutingStatistics>("maxRouterLogit", \.maxRouterLogit)
/// ```
public struct MetricsColumn<Record>: Sendable {
  /// The column header (after the `layer<l>_` prefix, for a per-layer record).
  public let name: String
  private let field: Field

  private enum Field: Sendable {
    case integer(WritableKeyPath<Record, Int> & Sendable)
    case number(WritableKeyPath<Record, Double> & Sendable)
    case optionalNumber(WritableKeyPath<Record, Double?> & Sendable)
  }

  /// A value every record has.
  public init(_ name: String, _ field: WritableKeyPath<Record, Double> & Sendable) {
    self.name = name
    self.field = .number(field)
  }

  /// A value a record may lack (an empty cell, no key in JSON).
  public init(_ name: String, _ field: WritableKeyPath<Record, Double?> & Sendable) {
    self.name = name
    self.field = .optionalNumber(field)
  }

  /// A count, written without a decimal point.
  public init(_ name: String, integer field: WritableKeyPath<Record, Int> & Sendable) {
    self.name = name
    self.field = .integer(field)
  }

  /// Whether the column is written as an integer.
  var isInteger: Bool {
    if case .integer = field { return true }
    return false
  }

  /// The record's value; nil when it has none.
  func value(of record: Record) -> Double? {
    switch field {
    case .integer(let path): Double(record[keyPath: path])
    case .number(let path): record[keyPath: path]
    case .optionalNumber(let path): record[keyPath: path]
    }
  }

  /// Stores `value` in the record. A value the record cannot lack reads as NaN when absent
  /// (a result written before the column existed); a count must be an integer.
  func set(_ value: Double?, in record: inout Record) throws(MetricsReadError) {
    switch field {
    case .integer(let path):
      guard let value, let count = Int(exactly: value) else {
        throw MetricsReadError(
          column: name, "is \(value.map { "\($0)" } ?? "empty"), not an integer")
      }
      record[keyPath: path] = count
    case .number(let path): record[keyPath: path] = value ?? .nan
    case .optionalNumber(let path): record[keyPath: path] = value
    }
  }
}

/// A metrics record that cannot be read back: the column and what is wrong with it.
public struct MetricsReadError: Error, CustomStringConvertible, Equatable, Sendable {
  public var column: String
  public var message: String

  public init(column: String, _ message: String) {
    self.column = column
    self.message = message
  }

  public var description: String { "\(column) \(message)" }
}
