import Foundation

/// Reads configuration strictly: absent keys take defaults, anything unexpected is an error that
/// names the file and key path and suggests the fix.
///
/// Every value is decoded through the same rules, at any depth (nested structs, arrays and
/// optionals of structs):
/// - a `DefaultConstructible & Encodable` type read from an object takes the keys the object
///   lacks from its default: the enclosing default's value for it where there is one
///   (`RunConfig()`'s `model` wins over `ModelConfig()`), else the encoding of `T()`; array
///   elements get their element type's defaults. Only such types are filled: a dictionary or a
///   `JSONValue` is taken as written;
/// - a key its type's `CodingKeys` do not know is an error (`model.expertsPerTokn: unknown key
///   "expertsPerTokn" (did you mean "expertsPerToken"?)`);
/// - a value of the wrong JSON type is an error naming both (`expected an integer, found a
///   number 8.5`); integers must be integral and in range, booleans are not numbers;
/// - a `String`-backed `CaseIterable` enum takes only its raw values, and errors list them;
/// - a `ValidatedConfig` value is validated as soon as it is decoded, with its errors prefixed by
///   its key path (`experts[1].width`), innermost sections first. An enclosing `validate()` that
///   also calls its sections' (useful for configs built in code) finds nothing new here.
///
/// Swift `DecodingError`s thrown by hand-written `init(from:)` become `ConfigError`s at their
/// coding path, with their debug description as the message.
public enum ConfigDecoder {
  /// Decodes JSON data; `file` names the source in errors.
  public static func decode<T: Decodable>(
    _ type: T.Type = T.self, from data: Data, file: String? = nil
  ) throws(ConfigError) -> T {
    let value: JSONValue
    do {
      value = try JSONValue(parsing: data)
    } catch {
      throw file.map(error.inFile) ?? error
    }
    return try decode(type, from: value, file: file)
  }

  /// Reads and decodes a file; an unreadable file is an error too.
  public static func decode<T: Decodable>(_ type: T.Type = T.self, contentsOfFile path: String)
    throws(ConfigError) -> T
  {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw ConfigError(
        keyPath: "", "cannot read the file: \(error.localizedDescription)", file: path)
    }
    return try decode(type, from: data, file: path)
  }

  /// Decodes an already parsed (or assembled) tree, such as a sweep point.
  public static func decode<T: Decodable>(
    _ type: T.Type = T.self, from value: JSONValue, file: String? = nil
  ) throws(ConfigError) -> T {
    do {
      return try DecodingSession().decode(type, from: value, defaults: nil, at: [])
    } catch let error as ConfigError {
      throw error.file == nil ? (file.map(error.inFile) ?? error) : error
    } catch let error as DecodingError {
      let converted = ConfigError(error)
      throw file.map(converted.inFile) ?? converted
    } catch {
      throw ConfigError(keyPath: "", String(describing: error), file: file)
    }
  }
}

/// State shared by one top-level decode: the encoded defaults of each type met so far.
final class DecodingSession {
  private var defaults: [ObjectIdentifier: JSONValue] = [:]

  /// Decodes one value at `path` by the rules in `ConfigDecoder`; errors are `ConfigError`s,
  /// except `DecodingError`s from hand-written `init(from:)`, which carry their own path.
  ///
  /// `defaults` is the enclosing default's value at `path`, if any.
  func decode<T: Decodable>(
    _ type: T.Type, from value: JSONValue, defaults: JSONValue?, at path: [KeyPathComponent]
  ) throws -> T {
    if T.self == JSONValue.self, let value = value as? T { return value }
    if let scalar = try decodeScalar(type, from: value, at: path) { return scalar }
    var (value, defaults) = (value, defaults)
    if case .object(let members) = value,
      let defaultType = T.self as? any (DefaultConstructible & Encodable).Type
    {
      if case .object = defaults {} else { defaults = try defaultTree(of: defaultType, at: path) }
      if case .object(let base) = defaults {
        value = .object(members.merging(base) { written, _ in written })
      }
    }
    let decoder = ValueDecoder(
      value: value, defaults: defaults, path: path, session: self, log: KeyUsageLog())
    let result: T
    do {
      result = try T(from: decoder)
    } catch {
      // An unknown key here explains more than whatever it made fail.
      if let unknown = decoder.log.unknownKeyError() { throw unknown }
      if error is ConfigError || error is DecodingError { throw error }
      throw ConfigError(keyPath: KeyPathComponent.render(path), String(describing: error))
    }
    if let unknown = decoder.log.unknownKeyError() { throw unknown }
    if T.self is any ValidatedConfig.Type, let section = result as? any ValidatedConfig {
      do {
        try section.validate()
      } catch {
        throw error.prefixed(by: KeyPathComponent.render(path))
      }
    }
    return result
  }

  private func defaultTree(
    of type: any (DefaultConstructible & Encodable).Type, at path: [KeyPathComponent]
  ) throws(ConfigError) -> JSONValue {
    if let tree = defaults[ObjectIdentifier(type)] { return tree }
    do {
      let tree = try JSONValue(encoding: type.init())
      defaults[ObjectIdentifier(type)] = tree
      return tree
    } catch {
      throw ConfigError(
        keyPath: KeyPathComponent.render(path), "cannot encode the defaults of \(type): \(error)")
    }
  }

  // MARK: Scalars

  /// Booleans, strings, numbers and choices; `nil` for any other type.
  private func decodeScalar<T>(_ type: T.Type, from value: JSONValue, at path: [KeyPathComponent])
    throws(ConfigError) -> T?
  {
    let keyPath = KeyPathComponent.render(path)
    func mismatch(_ expected: JSONKind) -> ConfigError {
      .typeMismatch(expected: expected, found: value, at: keyPath)
    }
    if T.self == Bool.self {
      guard case .bool(let flag) = value else { throw mismatch(.boolean) }
      return flag as? T
    }
    if T.self == String.self {
      guard case .string(let text) = value else { throw mismatch(.string) }
      return text as? T
    }
    if T.self == Double.self || T.self == Float.self {
      let number: Double
      switch value {
      case .integer(let integer): number = Double(integer)
      case .number(let double): number = double
      default: throw mismatch(.number)
      }
      if T.self == Double.self { return number as? T }
      guard Float(number).isFinite else {
        throw ConfigError(
          keyPath: keyPath,
          "expected a number of magnitude at most \(Float.greatestFiniteMagnitude), found \(value.kindDescription)"
        )
      }
      return Float(number) as? T
    }
    if let integerType = T.self as? any FixedWidthInteger.Type {
      return try decodeInteger(integerType, from: value, at: keyPath) as? T
    }
    if let choiceType = T.self as? any (CaseIterable & RawRepresentable<String>).Type {
      return try decodeChoice(choiceType, from: value, at: keyPath) as? T
    }
    return nil
  }

  private func decodeInteger<I: FixedWidthInteger>(
    _ type: I.Type, from value: JSONValue, at keyPath: String
  ) throws(ConfigError) -> I {
    let exact: I?
    switch value {
    case .integer(let integer): exact = I(exactly: integer)
    case .number(let number):
      guard number.rounded() == number else {
        throw .typeMismatch(expected: .integer, found: value, at: keyPath)
      }
      exact = I(exactly: number)
    default: throw .typeMismatch(expected: .integer, found: value, at: keyPath)
    }
    guard let exact else {
      throw ConfigError(
        keyPath: keyPath,
        "expected an integer in \(I.min)...\(I.max), found \(value.kindDescription)")
    }
    return exact
  }

  private func decodeChoice<C: CaseIterable & RawRepresentable<String>>(
    _ type: C.Type, from value: JSONValue, at keyPath: String
  ) throws(ConfigError) -> C {
    let allowed = C.allCases.map(\.rawValue)
    guard case .string(let text) = value else {
      throw .typeMismatch(
        expected: .string, found: value, at: keyPath, suggestion: ConfigError.allowedValues(allowed)
      )
    }
    guard let choice = C(rawValue: text) else {
      throw .unknownValue(text, at: keyPath, allowed: allowed)
    }
    return choice
  }
}

extension ConfigError {
  /// A Swift decoding error, placed at its coding path.
  init(_ error: DecodingError) {
    func render(_ codingPath: [any CodingKey]) -> String {
      KeyPathComponent.render(codingPath.map(PathKey.component))
    }
    switch error {
    case .typeMismatch(_, let context), .dataCorrupted(let context):
      self.init(keyPath: render(context.codingPath), context.debugDescription)
    case .valueNotFound(_, let context):
      self.init(keyPath: render(context.codingPath), "expected a value, found null")
    case .keyNotFound(let key, let context):
      self.init(keyPath: render(context.codingPath + [key]), "required key is missing")
    @unknown default:
      self.init(keyPath: "", String(describing: error))
    }
  }
}
