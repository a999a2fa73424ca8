/// One step of a key path: an object key or an array index.
///
/// Key paths are written as in config files and error messages: keys joined by dots, indices in
/// brackets (`model.expertCount`, `axes[2].values`, `[0].name` for a top-level array).
enum KeyPathComponent: Hashable, Sendable {
  case key(String)
  case index(Int)

  /// The written form of a path; the empty path (the whole document) is "".
  static func render(_ components: some Sequence<KeyPathComponent>) -> String {
    var text = ""
    for component in components {
      switch component {
      case .key(let key): text += text.isEmpty ? key : "." + key
      case .index(let index): text += "[\(index)]"
      }
    }
    return text
  }

  /// Parses `model.expertCount` or `axes[2].values`; keys cannot contain `.`, `[` or `]`.
  static func parse(_ text: String) throws(ConfigError) -> [KeyPathComponent] {
    func malformed(_ detail: String) -> ConfigError {
      ConfigError(keyPath: text, "malformed key path: \(detail)")
    }
    guard !text.isEmpty else { throw malformed("it is empty") }
    var components: [KeyPathComponent] = []
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    for (position, part) in parts.enumerated() {
      let name = part.prefix { $0 != "[" }
      var rest = part.dropFirst(name.count)
      if name.contains("]") { throw malformed("unmatched ']' in \"\(part)\"") }
      if !name.isEmpty {
        components.append(.key(String(name)))
      } else if position > 0 || rest.isEmpty {
        throw malformed("empty key")
      }
      while !rest.isEmpty {
        guard rest.first == "[", let close = rest.firstIndex(of: "]") else {
          throw malformed("expected [index] in \"\(part)\"")
        }
        let digits = rest[rest.index(after: rest.startIndex)..<close]
        guard !digits.isEmpty, digits.allSatisfy({ ("0"..."9").contains($0) }),
          let index = Int(digits)
        else {
          throw malformed("index \"\(digits)\" in \"\(part)\" is not a non-negative integer")
        }
        components.append(.index(index))
        rest = rest[rest.index(after: close)...]
      }
    }
    return components
  }
}

/// A `CodingKey` built from a path component, so `DecodingError.codingPath` renders back.
struct PathKey: CodingKey {
  var stringValue: String
  var intValue: Int?

  init(stringValue: String) {
    self.stringValue = stringValue
  }

  init(intValue: Int) {
    self.stringValue = "Index \(intValue)"
    self.intValue = intValue
  }

  init(_ component: KeyPathComponent) {
    switch component {
    case .key(let key): self.init(stringValue: key)
    case .index(let index): self.init(intValue: index)
    }
  }

  /// The component a coding key stands for; Foundation and this module name indices `Index i`.
  static func component(_ key: any CodingKey) -> KeyPathComponent {
    if let index = key.intValue, key.stringValue == "Index \(index)" { return .index(index) }
    return .key(key.stringValue)
  }
}
