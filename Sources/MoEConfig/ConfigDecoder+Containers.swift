/// The `Decoder` side of `DecodingSession`: containers over a `JSONValue` that send every value
/// back through `DecodingSession.decode` and record which keys each object was asked for.

/// What one keyed container was given and asked: enough to name an unknown key afterwards.
final class KeyUsage {
  let members: [String: JSONValue]
  let path: [KeyPathComponent]
  /// Whether the container's `CodingKey` type accepts a key.
  let isKnown: (String) -> Bool
  var requested: Set<String> = []

  init(members: [String: JSONValue], path: [KeyPathComponent], isKnown: @escaping (String) -> Bool)
  {
    self.members = members
    self.path = path
    self.isKnown = isKnown
  }
}

/// The keyed containers one value's `init(from:)` opened, nested ones included.
final class KeyUsageLog {
  var usages: [KeyUsage] = []

  /// The alphabetically first key no container knows, suggesting among the keys the containers
  /// know or asked for (asking covers optionals absent from the file).
  func unknownKeyError() -> ConfigError? {
    for usage in usages {
      guard let unknown = usage.members.keys.filter({ !usage.isKnown($0) }).min() else { continue }
      let known = usage.requested.union(usage.members.keys.filter(usage.isKnown))
      return .unknownKey(
        unknown, at: KeyPathComponent.render(usage.path + [.key(unknown)]), known: known)
    }
    return nil
  }
}

/// A decoder for one value; it is also that value's single-value container.
final class ValueDecoder: Decoder, SingleValueDecodingContainer {
  let value: JSONValue
  /// The enclosing default's value here, passed on to nested `DefaultConstructible` values.
  let defaults: JSONValue?
  let path: [KeyPathComponent]
  let session: DecodingSession
  let log: KeyUsageLog

  init(
    value: JSONValue, defaults: JSONValue?, path: [KeyPathComponent], session: DecodingSession,
    log: KeyUsageLog
  ) {
    self.value = value
    self.defaults = defaults
    self.path = path
    self.session = session
    self.log = log
  }

  var codingPath: [any CodingKey] { path.map(PathKey.init) }
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  /// A decoder for a nested value that reports into the same log (for `nestedContainer` and
  /// `superDecoder`; plain nested values go through `DecodingSession.decode`).
  func nested(_ value: JSONValue, at component: KeyPathComponent) -> ValueDecoder {
    ValueDecoder(
      value: value, defaults: defaults(at: component), path: path + [component], session: session,
      log: log)
  }

  /// The enclosing default's value one step down; none inside arrays (elements take their own
  /// type's defaults).
  func defaults(at component: KeyPathComponent) -> JSONValue? {
    guard case .key(let key) = component, case .object(let members)? = defaults else { return nil }
    return members[key]
  }

  func container<Key: CodingKey>(keyedBy _: Key.Type) throws -> KeyedDecodingContainer<Key> {
    guard case .object(let members) = value else {
      throw ConfigError.typeMismatch(
        expected: .object, found: value, at: KeyPathComponent.render(path))
    }
    let usage = KeyUsage(members: members, path: path) { Key(stringValue: $0) != nil }
    log.usages.append(usage)
    return KeyedDecodingContainer(ObjectContainer<Key>(decoder: self, usage: usage))
  }

  func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
    guard case .array(let elements) = value else {
      throw ConfigError.typeMismatch(
        expected: .array, found: value, at: KeyPathComponent.render(path))
    }
    return ArrayContainer(decoder: self, elements: elements)
  }

  func singleValueContainer() -> any SingleValueDecodingContainer { self }

  func decodeNil() -> Bool { value == .null }

  func decode<T: Decodable>(_ type: T.Type) throws -> T {
    try session.decode(type, from: value, defaults: defaults, at: path)
  }
}

private struct ObjectContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
  let decoder: ValueDecoder
  let usage: KeyUsage

  var codingPath: [any CodingKey] { decoder.codingPath }
  var allKeys: [Key] { usage.members.keys.sorted().compactMap(Key.init(stringValue:)) }

  func contains(_ key: Key) -> Bool {
    usage.requested.insert(key.stringValue)
    return usage.members[key.stringValue] != nil
  }

  private func member(_ key: Key) throws(ConfigError) -> JSONValue {
    usage.requested.insert(key.stringValue)
    guard let value = usage.members[key.stringValue] else {
      throw ConfigError(
        keyPath: KeyPathComponent.render(decoder.path + [.key(key.stringValue)]),
        "required key is missing")
    }
    return value
  }

  func decodeNil(forKey key: Key) throws -> Bool {
    try member(key) == .null
  }

  func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
    let component = KeyPathComponent.key(key.stringValue)
    return try decoder.session.decode(
      type, from: member(key), defaults: decoder.defaults(at: component),
      at: decoder.path + [component])
  }

  func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
    -> KeyedDecodingContainer<NestedKey>
  {
    try decoder.nested(member(key), at: .key(key.stringValue)).container(keyedBy: type)
  }

  func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
    try decoder.nested(member(key), at: .key(key.stringValue)).unkeyedContainer()
  }

  func superDecoder() throws -> any Decoder {
    decoder.nested(usage.members["super"] ?? .null, at: .key("super"))
  }

  func superDecoder(forKey key: Key) throws -> any Decoder {
    try decoder.nested(member(key), at: .key(key.stringValue))
  }
}

private struct ArrayContainer: UnkeyedDecodingContainer {
  let decoder: ValueDecoder
  let elements: [JSONValue]
  var currentIndex = 0

  init(decoder: ValueDecoder, elements: [JSONValue]) {
    self.decoder = decoder
    self.elements = elements
  }

  var codingPath: [any CodingKey] { decoder.codingPath }
  var count: Int? { elements.count }
  var isAtEnd: Bool { currentIndex >= elements.count }

  private mutating func next() throws(ConfigError) -> (JSONValue, KeyPathComponent) {
    guard !isAtEnd else {
      throw ConfigError(
        keyPath: KeyPathComponent.render(decoder.path),
        "expected more than \(elements.count) elements")
    }
    defer { currentIndex += 1 }
    return (elements[currentIndex], .index(currentIndex))
  }

  mutating func decodeNil() throws -> Bool {
    guard !isAtEnd, elements[currentIndex] == .null else { return false }
    currentIndex += 1
    return true
  }

  mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
    let (element, component) = try next()
    return try decoder.session.decode(
      type, from: element, defaults: nil, at: decoder.path + [component])
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
    -> KeyedDecodingContainer<NestedKey>
  {
    let (element, component) = try next()
    return try decoder.nested(element, at: component).container(keyedBy: type)
  }

  mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
    let (element, component) = try next()
    return try decoder.nested(element, at: component).unkeyedContainer()
  }

  mutating func superDecoder() throws -> any Decoder {
    let (element, component) = try next()
    return decoder.nested(element, at: component)
  }
}
