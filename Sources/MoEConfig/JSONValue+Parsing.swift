import Foundation

extension JSONValue {
  /// Parses strict JSON (RFC 8259).
  ///
  /// No comments, no trailing commas, no NaN, valid UTF-8 only, and no key twice in one object.
  /// A leading UTF-8 byte order mark is skipped.
  ///
  /// Errors say where, by line and column (columns count Unicode scalars from 1):
  /// `malformed JSON at line 3, column 5: expected ',' or '}' after the value of "seed", found '"'`.
  /// A repeated key is reported at its key path. The error's `file` is left for the caller.
  public init(parsing data: Data) throws(ConfigError) {
    var parser = JSONParser(bytes: Array(data))
    self = try parser.parseDocument()
  }

  /// Parses JSON text; see `init(parsing:)` for `Data`.
  public init(parsing text: String) throws(ConfigError) {
    var parser = JSONParser(bytes: Array(text.utf8))
    self = try parser.parseDocument()
  }
}

/// A recursive-descent reader over UTF-8 bytes.
private struct JSONParser {
  let bytes: [UInt8]
  var offset = 0
  var bodyStart = 0
  static let maximumDepth = 512

  init(bytes: [UInt8]) {
    self.bytes = bytes
  }

  mutating func parseDocument() throws(ConfigError) -> JSONValue {
    try checkUTF8()
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { (offset, bodyStart) = (3, 3) }
    skipWhitespace()
    let value = try parseValue(path: [], depth: 0)
    skipWhitespace()
    guard offset == bytes.count else {
      throw malformed("unexpected \(nextDescription) after the end of the JSON value")
    }
    return value
  }

  // MARK: Values

  private mutating func parseValue(path: [KeyPathComponent], depth: Int) throws(ConfigError)
    -> JSONValue
  {
    guard depth < Self.maximumDepth else {
      throw malformed("nested more than \(Self.maximumDepth) levels deep")
    }
    switch peek() {
    case UInt8(ascii: "{"): return try parseObject(path: path, depth: depth)
    case UInt8(ascii: "["): return try parseArray(path: path, depth: depth)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "-"), .some(UInt8(ascii: "0")...UInt8(ascii: "9")): return try parseNumber()
    case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
    case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
    case UInt8(ascii: "n"): return try parseLiteral("null", .null)
    case UInt8(ascii: "'"): throw malformed("strings must be in double quotes")
    case UInt8(ascii: "/"): throw malformed("comments are not allowed in JSON")
    default: throw malformed("expected a value, found \(nextDescription)")
    }
  }

  private mutating func parseObject(path: [KeyPathComponent], depth: Int) throws(ConfigError)
    -> JSONValue
  {
    offset += 1
    var members: [String: JSONValue] = [:]
    skipWhitespace()
    if peek() == UInt8(ascii: "}") {
      offset += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      switch peek() {
      case UInt8(ascii: "\""): break
      case UInt8(ascii: "}"): throw malformed("trailing comma before '}'")
      case UInt8(ascii: "/"): throw malformed("comments are not allowed in JSON")
      default: throw malformed("expected a key in double quotes, found \(nextDescription)")
      }
      let keyOffset = offset
      let key = try parseString()
      let keyPath = path + [.key(key)]
      if members[key] != nil {
        let (line, column) = location(of: keyOffset)
        throw ConfigError(
          keyPath: KeyPathComponent.render(keyPath),
          "duplicate key at line \(line), column \(column)")
      }
      skipWhitespace()
      guard peek() == UInt8(ascii: ":") else {
        throw malformed("expected ':' after the key \(quoted(key)), found \(nextDescription)")
      }
      offset += 1
      skipWhitespace()
      members[key] = try parseValue(path: keyPath, depth: depth + 1)
      skipWhitespace()
      switch peek() {
      case UInt8(ascii: ","): offset += 1
      case UInt8(ascii: "}"):
        offset += 1
        return .object(members)
      default:
        throw malformed(
          "expected ',' or '}' after the value of \(quoted(key)), found \(nextDescription)")
      }
    }
  }

  private mutating func parseArray(path: [KeyPathComponent], depth: Int) throws(ConfigError)
    -> JSONValue
  {
    offset += 1
    var elements: [JSONValue] = []
    skipWhitespace()
    if peek() == UInt8(ascii: "]") {
      offset += 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      if peek() == UInt8(ascii: "]") { throw malformed("trailing comma before ']'") }
      elements.append(try parseValue(path: path + [.index(elements.count)], depth: depth + 1))
      skipWhitespace()
      switch peek() {
      case UInt8(ascii: ","): offset += 1
      case UInt8(ascii: "]"):
        offset += 1
        return .array(elements)
      default:
        throw malformed("expected ',' or ']' after an array element, found \(nextDescription)")
      }
    }
  }

  private mutating func parseLiteral(_ word: String, _ value: JSONValue) throws(ConfigError)
    -> JSONValue
  {
    guard bytes[offset...].starts(with: word.utf8) else {
      throw malformed("expected a value, found \(nextDescription)")
    }
    offset += word.utf8.count
    return value
  }

  private mutating func parseNumber() throws(ConfigError) -> JSONValue {
    let start = offset
    if peek() == UInt8(ascii: "-") { offset += 1 }
    if peek() == UInt8(ascii: "0") {
      offset += 1
      if isDigit(peek()) { throw malformed("numbers cannot have leading zeros") }
    } else {
      try skipDigits(after: "'-'")
    }
    var isInteger = true
    if peek() == UInt8(ascii: ".") {
      isInteger = false
      offset += 1
      try skipDigits(after: "the decimal point")
    }
    if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
      isInteger = false
      offset += 1
      if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { offset += 1 }
      try skipDigits(after: "the exponent mark")
    }
    let text = String(decoding: bytes[start..<offset], as: UTF8.self)
    if isInteger, let integer = Int(text) { return .integer(integer) }
    guard let number = Double(text), number.isFinite else {
      offset = start
      throw malformed("the number \(text) is beyond the range of a 64-bit float")
    }
    return .number(number)
  }

  private mutating func skipDigits(after what: String) throws(ConfigError) {
    guard isDigit(peek()) else {
      throw malformed("expected a digit after \(what), found \(nextDescription)")
    }
    while isDigit(peek()) { offset += 1 }
  }

  // MARK: Strings

  private mutating func parseString() throws(ConfigError) -> String {
    let start = offset
    offset += 1
    var utf8: [UInt8] = []
    while true {
      guard let byte = peek() else {
        offset = start
        throw malformed("unterminated string")
      }
      switch byte {
      case UInt8(ascii: "\""):
        offset += 1
        return String(decoding: utf8, as: UTF8.self)
      case UInt8(ascii: "\\"):
        UTF8.encode(try parseEscape()) { utf8.append($0) }
      case UInt8(ascii: "\n"):
        throw malformed("line break inside a string (is a closing quote missing?)")
      case 0..<0x20:
        throw malformed("control character \(nextDescription) inside a string must be escaped")
      default:
        utf8.append(byte)
        offset += 1
      }
    }
  }

  private mutating func parseEscape() throws(ConfigError) -> Unicode.Scalar {
    offset += 1
    let escaped = peek()
    offset += 1
    switch escaped {
    case UInt8(ascii: "\""): return "\""
    case UInt8(ascii: "\\"): return "\\"
    case UInt8(ascii: "/"): return "/"
    case UInt8(ascii: "b"): return "\u{08}"
    case UInt8(ascii: "f"): return "\u{0C}"
    case UInt8(ascii: "n"): return "\n"
    case UInt8(ascii: "r"): return "\r"
    case UInt8(ascii: "t"): return "\t"
    case UInt8(ascii: "u"):
      let high = try parseHex4()
      guard (0xD800..<0xDC00).contains(high) else {
        guard let scalar = Unicode.Scalar(high) else { throw malformed("lone \\u surrogate") }
        return scalar
      }
      guard bytes[offset...].starts(with: "\\u".utf8) else {
        throw malformed("lone \\u surrogate")
      }
      offset += 2
      let low = try parseHex4()
      guard (0xDC00..<0xE000).contains(low),
        let scalar = Unicode.Scalar(0x10000 + (high - 0xD800) << 10 + (low - 0xDC00))
      else { throw malformed("lone \\u surrogate") }
      return scalar
    default:
      offset -= 2
      throw malformed("invalid escape sequence in a string")
    }
  }

  private mutating func parseHex4() throws(ConfigError) -> UInt32 {
    guard offset + 4 <= bytes.count,
      let value = UInt32(String(decoding: bytes[offset..<offset + 4], as: UTF8.self), radix: 16),
      bytes[offset..<offset + 4].allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") })
    else { throw malformed("expected four hex digits after \\u") }
    offset += 4
    return value
  }

  // MARK: Positions and errors

  private func peek() -> UInt8? {
    offset < bytes.count ? bytes[offset] : nil
  }

  private func isDigit(_ byte: UInt8?) -> Bool {
    byte.map { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } ?? false
  }

  private mutating func skipWhitespace() {
    while let byte = peek(),
      byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    {
      offset += 1
    }
  }

  private mutating func checkUTF8() throws(ConfigError) {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    var position = 0
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar): position += UTF8.width(scalar)
      case .emptyInput: return
      case .error:
        offset = position
        throw malformed("the file is not valid UTF-8")
      }
    }
  }

  /// The next character as error messages show it: `'x'`, `U+00A0`, or the end of the file.
  private var nextDescription: String {
    var iterator = bytes[offset...].makeIterator()
    var decoder = UTF8()
    guard case .scalarValue(let scalar) = decoder.decode(&iterator) else {
      return "the end of the file"
    }
    if (0x21..<0x7F).contains(scalar.value) { return "'\(scalar)'" }
    let hex = String(scalar.value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
  }

  /// Line and column (both from 1; columns count Unicode scalars) of a byte offset.
  private func location(of position: Int) -> (line: Int, column: Int) {
    var (line, column) = (1, 1)
    for byte in bytes[bodyStart..<min(position, bytes.count)] {
      if byte == UInt8(ascii: "\n") {
        (line, column) = (line + 1, 1)
      } else if byte & 0xC0 != 0x80 {
        column += 1
      }
    }
    return (line, column)
  }

  private func malformed(_ detail: String) -> ConfigError {
    let (line, column) = location(of: offset)
    return ConfigError(keyPath: "", "malformed JSON at line \(line), column \(column): \(detail)")
  }

  private func quoted(_ text: String) -> String {
    JSONValue.string(text).canonicalText
  }
}
