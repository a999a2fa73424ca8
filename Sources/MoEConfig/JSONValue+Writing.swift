/// Writing JSON text: one canonical form for hashing, one indented form for people.
///
/// Both sort object keys by their UTF-8 bytes and write numbers the same way: `.integer` in
/// decimal, `.number` as Swift's shortest text that parses back to the same `Double` (`0.1`,
/// `3.0`, `1e-30`, `1e+300`). JSON has no NaN or infinity: such a `.number` is written as the
/// string `"nan"`, `"inf"` or `"-inf"`, which reads back as a string (and fails as a number).
extension JSONValue {
  /// Compact text: no whitespace, sorted keys.
  ///
  /// Equal values give equal text.
  public var canonicalText: String {
    var text = ""
    write(into: &text, indent: nil)
    return text
  }

  /// Text for people: sorted keys, two-space indent, one member or element per line, no final
  /// newline.
  public var prettyText: String {
    var text = ""
    write(into: &text, indent: "")
    return text
  }

  private func write(into text: inout String, indent: String?) {
    switch self {
    case .object(let members):
      let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      Self.writeContainer(keys, open: "{", close: "}", into: &text, indent: indent) {
        key, text, inner in
        Self.writeString(key, into: &text)
        text += inner == nil ? ":" : ": "
        members[key, default: .null].write(into: &text, indent: inner)
      }
    case .array(let elements):
      Self.writeContainer(elements, open: "[", close: "]", into: &text, indent: indent) {
        element, text, inner in element.write(into: &text, indent: inner)
      }
    case .string(let string): Self.writeString(string, into: &text)
    case .integer(let integer): text += String(integer)
    case .number(let number):
      if number.isFinite {
        text += number.description
      } else {
        Self.writeString(number.isNaN ? "nan" : number < 0 ? "-inf" : "inf", into: &text)
      }
    case .bool(let flag): text += flag ? "true" : "false"
    case .null: text += "null"
    }
  }

  private static func writeContainer<Item>(
    _ items: [Item], open: String, close: String, into text: inout String, indent: String?,
    writeItem: (Item, inout String, String?) -> Void
  ) {
    text += open
    guard !items.isEmpty else {
      text += close
      return
    }
    let inner = indent.map { $0 + "  " }
    for (position, item) in items.enumerated() {
      if position > 0 { text += "," }
      if let inner { text += "\n" + inner }
      writeItem(item, &text, inner)
    }
    if let indent { text += "\n" + indent }
    text += close
  }

  private static func writeString(_ string: String, into text: inout String) {
    text += "\""
    for scalar in string.unicodeScalars {
      switch scalar {
      case "\"": text += "\\\""
      case "\\": text += "\\\\"
      case "\n": text += "\\n"
      case "\r": text += "\\r"
      case "\t": text += "\\t"
      case "\u{08}": text += "\\b"
      case "\u{0C}": text += "\\f"
      case "\u{00}"..."\u{1F}":
        let hex = String(scalar.value, radix: 16)
        text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: text.unicodeScalars.append(scalar)
      }
    }
    text += "\""
  }
}

/// The canonical JSON of a value.
///
/// Sorted keys, no whitespace, one number format (see `JSONValue.canonicalText`), `nil` optionals
/// as `null`. Structurally equal values give identical text, so a hash of it identifies a
/// resolved config.
///
/// A value whose `encode(to:)` throws is a programming error and stops the program.
public func canonicalJSON<T: Encodable>(_ value: T) -> String {
  encodedTree(value).canonicalText
}

/// The JSON of a value for files people read: sorted keys, two-space indent, final newline.
public func prettyJSON<T: Encodable>(_ value: T) -> String {
  encodedTree(value).prettyText + "\n"
}

/// A stable 16-hex-digit identifier of a value: 64-bit FNV-1a of its canonical JSON's UTF-8.
///
/// Stable across runs, machines and Swift versions as long as the canonical JSON is. Not
/// cryptographic: fine for naming run directories, useless against someone forging a collision.
public func configHash<T: Encodable>(_ value: T) -> String {
  fnv1a64Hex(canonicalJSON(value))
}

/// 64-bit FNV-1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3) of the UTF-8 bytes, as 16
/// lower-case hex digits.
func fnv1a64Hex(_ text: String) -> String {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  for byte in text.utf8 {
    hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
  }
  let hex = String(hash, radix: 16)
  return String(repeating: "0", count: 16 - hex.count) + hex
}

private func encodedTree(_ value: some Encodable) -> JSONValue {
  do {
    return try JSONValue(encoding: value)
  } catch {
    preconditionFailure("\(type(of: value)).encode(to:) threw \(error)")
  }
}
