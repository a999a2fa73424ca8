/// A row in JSON (`result.json`'s `lastFiniteMetrics`): one flat object keyed by column name,
/// as in the CSV header, with only the values the row has. Numbers are written as doubles
/// (the step too), so the bytes equal those of a `[String: Double]` with the same entries.
extension MetricsRow: Codable {
  private struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: Key.self)
    for cell in MetricsLayout(self).cells(of: self) {
      if let value = cell.value {
        try container.encode(value, forKey: Key(stringValue: cell.column))
      }
    }
  }

  /// Reads the row back; its layout comes from the keys (``MetricsLayout/init(columnNames:)``).
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: Key.self)
    var values: [String: Double] = [:]
    for key in container.allKeys {
      values[key.stringValue] = try container.decode(Double.self, forKey: key)
    }
    do throws(MetricsReadError) {
      self = try MetricsLayout(columnNames: Set(values.keys)).row { values[$0] }
    } catch {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: error.description))
    }
  }
}
