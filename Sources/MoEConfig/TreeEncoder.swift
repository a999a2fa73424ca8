/// Encodes any `Encodable` into a `JSONValue` tree.
///
/// Unlike `JSONEncoder`, a `nil` optional property becomes an explicit `null`, so the encoding of
/// a default instance names every key a file may set; floating-point numbers are kept as
/// `Double` (a `Float` by its shortest text when that reads back exactly).
enum TreeEncoder {
  static func encode(_ value: some Encodable) throws -> JSONValue {
    let node = EncodingNode()
    try node.store(value, codingPath: [])
    return node.resolved
  }
}

/// One value under construction; containers hand out child nodes and fill them later.
private final class EncodingNode {
  var leaf: JSONValue?
  var members: [String: EncodingNode]?
  var elements: [EncodingNode]?

  var resolved: JSONValue {
    if let members { return .object(members.mapValues(\.resolved)) }
    if let elements { return .array(elements.map(\.resolved)) }
    return leaf ?? .object([:])  // a type that encoded nothing: `{}`, as JSONEncoder writes
  }

  func store<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
    if let leaf = Self.leaf(value) {
      self.leaf = leaf
    } else {
      try value.encode(to: NodeEncoder(node: self, codingPath: codingPath))
    }
  }

  func child(forKey key: String) -> EncodingNode {
    let child = EncodingNode()
    members = members ?? [:]
    members?[key] = child
    return child
  }

  func appendedChild() -> EncodingNode {
    let child = EncodingNode()
    if elements == nil { elements = [] }
    elements?.append(child)
    return child
  }

  private static func leaf(_ value: some Encodable) -> JSONValue? {
    switch value {
    case let value as JSONValue: return value
    case let value as Bool: return .bool(value)
    case let value as String: return .string(value)
    case let value as Double: return .number(value)
    case let value as Float:
      if let shortest = Double(value.description), Float(shortest) == value {
        return .number(shortest)
      }
      return .number(Double(value))
    case let value as any BinaryInteger:
      return Int(exactly: value).map(JSONValue.integer) ?? .number(Double(value))
    default: return nil
    }
  }
}

private struct NodeEncoder: Encoder {
  let node: EncodingNode
  let codingPath: [any CodingKey]
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy _: Key.Type) -> KeyedEncodingContainer<Key> {
    node.members = node.members ?? [:]
    return KeyedEncodingContainer(KeyedNodeEncoder<Key>(node: node, codingPath: codingPath))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    node.elements = node.elements ?? []
    return UnkeyedNodeEncoder(node: node, codingPath: codingPath)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer {
    SingleNodeEncoder(node: node, codingPath: codingPath)
  }
}

private struct KeyedNodeEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let node: EncodingNode
  let codingPath: [any CodingKey]

  mutating func encodeNil(forKey key: Key) {
    node.child(forKey: key.stringValue).leaf = .null
  }

  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    try node.child(forKey: key.stringValue).store(value, codingPath: codingPath + [key])
  }

  // The library's defaults skip `nil`; these write `null` instead (a generic overload alone
  // would lose to the library's concrete defaults).
  mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws {
    try encode(value, forKey: key)
  }
  mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws {
    try encode(value, forKey: key)
  }
  mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws {
    try encode(value, forKey: key)
  }
  mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws {
    try encode(value, forKey: key)
  }
  mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws {
    try encode(value, forKey: key)
  }
  mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws {
    try encode(value, forKey: key)
  }
  mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws {
    try encode(value, forKey: key)
  }
  mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws {
    try encode(value, forKey: key)
  }
  mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws {
    try encode(value, forKey: key)
  }
  mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws {
    try encode(value, forKey: key)
  }
  mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws {
    try encode(value, forKey: key)
  }
  mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws {
    try encode(value, forKey: key)
  }
  mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws {
    try encode(value, forKey: key)
  }
  mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws {
    try encode(value, forKey: key)
  }
  mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
    try encode(value, forKey: key)
  }

  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy keyType: NestedKey.Type, forKey key: Key
  ) -> KeyedEncodingContainer<NestedKey> {
    NodeEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key])
      .container(keyedBy: keyType)
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    NodeEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key])
      .unkeyedContainer()
  }

  mutating func superEncoder() -> any Encoder {
    NodeEncoder(
      node: node.child(forKey: "super"), codingPath: codingPath + [PathKey(stringValue: "super")])
  }

  mutating func superEncoder(forKey key: Key) -> any Encoder {
    NodeEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key])
  }
}

private struct UnkeyedNodeEncoder: UnkeyedEncodingContainer {
  let node: EncodingNode
  let codingPath: [any CodingKey]
  var count: Int { node.elements?.count ?? 0 }

  private var nextPath: [any CodingKey] { codingPath + [PathKey(intValue: count)] }

  mutating func encodeNil() {
    node.appendedChild().leaf = .null
  }

  mutating func encode<T: Encodable>(_ value: T) throws {
    let path = nextPath
    try node.appendedChild().store(value, codingPath: path)
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
    -> KeyedEncodingContainer<NestedKey>
  {
    let path = nextPath
    return NodeEncoder(node: node.appendedChild(), codingPath: path).container(keyedBy: keyType)
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    let path = nextPath
    return NodeEncoder(node: node.appendedChild(), codingPath: path).unkeyedContainer()
  }

  mutating func superEncoder() -> any Encoder {
    let path = nextPath
    return NodeEncoder(node: node.appendedChild(), codingPath: path)
  }
}

private struct SingleNodeEncoder: SingleValueEncodingContainer {
  let node: EncodingNode
  let codingPath: [any CodingKey]

  mutating func encodeNil() {
    node.leaf = .null
  }

  mutating func encode<T: Encodable>(_ value: T) throws {
    try node.store(value, codingPath: codingPath)
  }
}
