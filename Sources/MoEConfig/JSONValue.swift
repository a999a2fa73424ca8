/// A JSON document as a value: what config and sweep files are read into, merged and edited as.
///
/// Numbers keep the distinction the text had: a literal without fraction or exponent that fits
/// an `Int` is `.integer`, any other number is `.number`. So `.integer(3) != .number(3.0)`, but
/// decoding accepts either for a `Double` and an integral `.number` for an `Int`.
///
/// Objects are unordered: two objects with the same members are equal, whatever order they were
/// written or built in, and every writer sorts their keys.
public enum JSONValue: Hashable, Sendable {
  case object([String: JSONValue])
  case array([JSONValue])
  case string(String)
  case integer(Int)
  case number(Double)
  case bool(Bool)
  case null

  /// Converts any `Encodable` value to a tree; `nil` optionals become `null`, so every key of a
  /// synthesized `Codable` type is present.
  public init(encoding value: some Encodable) throws {
    self = try TreeEncoder.encode(value)
  }

  /// This value with `self`'s members laid over `base`'s, recursively for objects present in both;
  /// anything that is not an object on both sides (arrays included) replaces the base value.
  public func overlaid(on base: JSONValue) -> JSONValue {
    guard case .object(let top) = self, case .object(var merged) = base else { return self }
    for (key, value) in top {
      merged[key] = merged[key].map { value.overlaid(on: $0) } ?? value
    }
    return .object(merged)
  }

  /// How error messages name a value found where another was expected: `a string "8"`.
  var kindDescription: String {
    switch self {
    case .object: return "an object"
    case .array: return "an array"
    case .string(let text):
      let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
      return "a string \(JSONValue.string(shown).canonicalText)"
    case .integer, .number: return "a number \(canonicalText)"
    case .bool(let flag): return "a boolean \(flag)"
    case .null: return "null"
    }
  }
}

extension JSONValue: CustomStringConvertible {
  /// The canonical text (sorted keys, no whitespace).
  public var description: String { canonicalText }
}

// MARK: - Literals

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
  ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral,
  ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
  public init(stringLiteral value: String) { self = .string(value) }
  public init(integerLiteral value: Int) { self = .integer(value) }
  public init(floatLiteral value: Double) { self = .number(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(nilLiteral: ()) { self = .null }
  public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }

  /// A repeated key keeps its last value.
  public init(dictionaryLiteral members: (String, JSONValue)...) {
    self = .object(Dictionary(members) { _, last in last })
  }
}

// MARK: - Codable

extension JSONValue: Codable {
  /// Decodes any JSON; the config decoders of this module hand the value over unchanged.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let flag = try? container.decode(Bool.self) {
      self = .bool(flag)
    } else if let integer = try? container.decode(Int.self) {
      self = .integer(integer)
    } else if let number = try? container.decode(Double.self) {
      self = .number(number)
    } else if let text = try? container.decode(String.self) {
      self = .string(text)
    } else if let elements = try? container.decode([JSONValue].self) {
      self = .array(elements)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .object(let members): try container.encode(members)
    case .array(let elements): try container.encode(elements)
    case .string(let text): try container.encode(text)
    case .integer(let integer): try container.encode(integer)
    case .number(let number): try container.encode(number)
    case .bool(let flag): try container.encode(flag)
    case .null: try container.encodeNil()
    }
  }
}
