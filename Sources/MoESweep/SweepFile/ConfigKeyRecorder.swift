import MoEConfig

/// Walks a value's `encode(to:)` and records, for every key, whether it is a section (it
/// opened a keyed container) or a leaf, and for a leaf its kind and a decoding check built from
/// its static Swift type. ``ConfigKeyCatalog`` is built from what it records.
///
/// Only the shape is recorded: values are not kept (the catalog reads defaults from the
/// ordinary encoding), and whatever an array or single-value container holds is ignored.
final class ConfigKeyRecorder {
  struct Leaf {
    var path: [String]
    var kind: ConfigValueKind
    var check: any ValueCheck
  }

  private(set) var leaves: [Leaf] = []
  private(set) var sections: Set<[String]> = []

  /// Records `value`, found at `path`: a leaf if its type is a scalar or a choice, else whatever
  /// its own encoding shows (a section if it opens a keyed container, else an opaque leaf).
  func record<Value: Encodable>(_ value: Value, at path: [String]) throws {
    if let kind = Self.scalarKind(of: Value.self) {
      leaves.append(Leaf(path: path, kind: kind, check: Self.decodingCheck(for: Value.self)))
      return
    }
    try value.encode(to: RecordingEncoder(recorder: self, path: path))
    if !sections.contains(path) {
      leaves.append(Leaf(path: path, kind: .json, check: Self.decodingCheck(for: Value.self)))
    }
  }

  func recordSection(_ path: [String]) {
    sections.insert(path)
  }

  /// A leaf whose type is not known here (an explicit `nil`, an array): any JSON, checked only
  /// when the whole config is decoded.
  func recordOpaqueLeaf(at path: [String]) {
    leaves.append(Leaf(path: path, kind: .json, check: AcceptsAnything()))
  }

  /// Choices first: a `String`-backed enum would otherwise look like nothing in particular.
  static func scalarKind<Value>(of type: Value.Type) -> ConfigValueKind? {
    if let choice = type as? any (CaseIterable & RawRepresentable<String>).Type {
      return .choice(rawValues(of: choice))
    }
    if type == Bool.self { return .boolean }
    if type == String.self { return .string }
    if type is any BinaryInteger.Type { return .integer }
    if type is any BinaryFloatingPoint.Type { return .number }
    return nil
  }

  private static func rawValues<Choice: CaseIterable & RawRepresentable<String>>(
    of _: Choice.Type
  ) -> [String] {
    Choice.allCases.map(\.rawValue)
  }

  /// A check that decodes a value as `type` through `ConfigDecoder`; a type that is not
  /// `Decodable` accepts anything (it cannot come from a config file anyway).
  private static func decodingCheck<Value>(for type: Value.Type) -> any ValueCheck {
    guard let decodable = type as? any Decodable.Type else { return AcceptsAnything() }
    return decodingCheck(decoding: decodable)
  }

  private static func decodingCheck<Value: Decodable>(decoding _: Value.Type) -> any ValueCheck {
    DecodesAs<Value>()
  }
}

/// Checks one JSON value for a key.
protocol ValueCheck: Sendable {
  func check(_ value: JSONValue) throws(ConfigError)
}

/// Decodes the value as `Value`, as a config file's value would be.
private struct DecodesAs<Value: Decodable>: ValueCheck {
  func check(_ value: JSONValue) throws(ConfigError) {
    _ = try ConfigDecoder.decode(Value.self, from: value)
  }
}

private struct AcceptsAnything: ValueCheck {
  func check(_: JSONValue) throws(ConfigError) {}
}

/// The `Encoder` handed to each value; keyed containers report back to the recorder.
private struct RecordingEncoder: Encoder {
  let recorder: ConfigKeyRecorder
  let path: [String]
  var codingPath: [any CodingKey] { path.map(RecordedKey.init) }
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy _: Key.Type) -> KeyedEncodingContainer<Key> {
    recorder.recordSection(path)
    return KeyedEncodingContainer(KeyedRecorder<Key>(recorder: recorder, path: path))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    IgnoringUnkeyedContainer(codingPath: codingPath)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer {
    IgnoringSingleValueContainer(codingPath: codingPath)
  }
}

private struct RecordedKey: CodingKey {
  var stringValue: String
  var intValue: Int? { nil }
  init(stringValue: String) { self.stringValue = stringValue }
  init?(intValue _: Int) { nil }
}

private struct KeyedRecorder<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let recorder: ConfigKeyRecorder
  let path: [String]
  var codingPath: [any CodingKey] { path.map(RecordedKey.init) }

  /// A `nil` written explicitly: a leaf of unknown type.
  mutating func encodeNil(forKey key: Key) {
    recorder.recordOpaqueLeaf(at: path + [key.stringValue])
  }

  mutating func encode<Value: Encodable>(_ value: Value, forKey key: Key) throws {
    try recorder.record(value, at: path + [key.stringValue])
  }

  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy _: NestedKey.Type, forKey key: Key
  ) -> KeyedEncodingContainer<NestedKey> {
    recorder.recordSection(path + [key.stringValue])
    return KeyedEncodingContainer(
      KeyedRecorder<NestedKey>(recorder: recorder, path: path + [key.stringValue]))
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    recorder.recordOpaqueLeaf(at: path + [key.stringValue])
    return IgnoringUnkeyedContainer(codingPath: codingPath + [key])
  }

  mutating func superEncoder() -> any Encoder {
    RecordingEncoder(recorder: recorder, path: path + ["super"])
  }

  mutating func superEncoder(forKey key: Key) -> any Encoder {
    RecordingEncoder(recorder: recorder, path: path + [key.stringValue])
  }
}

/// Arrays are leaves of kind `.json`: their elements are not recorded.
private struct IgnoringUnkeyedContainer: UnkeyedEncodingContainer {
  let codingPath: [any CodingKey]
  var count = 0

  mutating func encodeNil() { count += 1 }
  mutating func encode<Value: Encodable>(_: Value) { count += 1 }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy _: NestedKey.Type)
    -> KeyedEncodingContainer<NestedKey>
  {
    count += 1
    return KeyedEncodingContainer(KeyedRecorder<NestedKey>(recorder: ConfigKeyRecorder(), path: []))
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    count += 1
    return IgnoringUnkeyedContainer(codingPath: codingPath)
  }

  mutating func superEncoder() -> any Encoder {
    RecordingEncoder(recorder: ConfigKeyRecorder(), path: [])
  }
}

private struct IgnoringSingleValueContainer: SingleValueEncodingContainer {
  let codingPath: [any CodingKey]
  mutating func encodeNil() {}
  mutating func encode<Value: Encodable>(_: Value) {}
}
