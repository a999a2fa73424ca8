/// The refusals every reader in this module shares, worded once.
extension ConfigError {
  /// `key` is not one of `known`; suggests the nearest known key, or lists them all.
  ///
  /// `keyPath` ends with the unknown key itself (`model.expertsPerTokn`).
  static func unknownKey(_ key: String, at keyPath: String, known: some Sequence<String>)
    -> ConfigError
  {
    let known = known.sorted()
    let suggestion: String
    if let nearest = nearestMatch(to: key, in: known) {
      suggestion = "did you mean \(quoted(nearest))?"
    } else if known.isEmpty {
      suggestion = "this object takes no keys"
    } else {
      suggestion = "known keys are " + known.map(quoted).joined(separator: ", ")
    }
    return ConfigError(keyPath: keyPath, "unknown key \(quoted(key))", suggestion: suggestion)
  }

  /// `value` is not one of the `allowed` values of a choice (in declaration order).
  static func unknownValue(_ value: String, at keyPath: String, allowed: [String]) -> ConfigError {
    var suggestion = allowedValues(allowed)
    if let nearest = nearestMatch(to: value, in: allowed) {
      suggestion = "did you mean \(quoted(nearest))? " + suggestion
    }
    return ConfigError(keyPath: keyPath, "unknown value \(quoted(value))", suggestion: suggestion)
  }

  /// `found` where a value of kind `expected` belongs, with a hint when the fix is mechanical.
  static func typeMismatch(
    expected: JSONKind, found: JSONValue, at keyPath: String, suggestion: String? = nil
  ) -> ConfigError {
    ConfigError(
      keyPath: keyPath, "expected \(expected.description), found \(found.kindDescription)",
      suggestion: suggestion ?? mechanicalFix(expected: expected, found: found))
  }

  static func allowedValues(_ allowed: [String]) -> String {
    "allowed values are " + allowed.map(quoted).joined(separator: ", ")
  }

  private static func mechanicalFix(expected: JSONKind, found: JSONValue) -> String? {
    switch (expected, found) {
    case (.integer, .string(let text)), (.number, .string(let text)), (.boolean, .string(let text)):
      guard let parsed = try? JSONValue(parsing: text) else { return nil }
      switch (expected, parsed) {
      case (.integer, .integer), (.number, .integer), (.number, .number), (.boolean, .bool):
        return "write \(parsed.canonicalText) without quotes"
      case (.integer, .number(let number)) where number.rounded() == number:
        return "write \(parsed.canonicalText) without quotes"
      default: return nil
      }
    case (.boolean, .integer), (.boolean, .number): return "use true or false"
    case (.string, .integer), (.string, .number), (.string, .bool):
      return "write \(quoted(found.canonicalText)) in quotes"
    case (.array, .string), (.array, .integer), (.array, .number), (.array, .bool):
      return "write [\(found.canonicalText)] for a one-element array"
    default: return nil
    }
  }

  private static func quoted(_ text: String) -> String {
    JSONValue.string(text).canonicalText
  }
}

/// The kinds of JSON value a decoded Swift type asks for.
enum JSONKind: CustomStringConvertible {
  case object, array, string, number, integer, boolean

  var description: String {
    switch self {
    case .object: return "an object"
    case .array: return "an array"
    case .string: return "a string"
    case .number: return "a number"
    case .integer: return "an integer"
    case .boolean: return "a boolean"
    }
  }
}

/// The candidate most likely meant by a mistyped `word`, if any is close enough.
///
/// Closeness is `editDistance`, ignoring case; a candidate qualifies if it is at most
/// max(1, ⌊length of word / 3⌋) edits away and shorter in edits than its own length. Ties go to
/// the candidate listed first.
func nearestMatch(to word: String, in candidates: [String]) -> String? {
  let limit = max(1, word.count / 3)
  var best: (candidate: String, distance: Int)?
  for candidate in candidates {
    let distance = editDistance(word.lowercased(), candidate.lowercased())
    if distance <= limit, distance < candidate.count, distance < (best?.distance ?? .max) {
      best = (candidate, distance)
    }
  }
  return best?.candidate
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions and transpositions of
/// adjacent characters each cost 1 (`"tokn"` → `"token"` is 1, `"tokne"` → `"token"` is 1).
func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a)
  let b = Array(b)
  if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
  // Rows i-2, i-1 and i of the (a.count+1) × (b.count+1) table.
  var twoBack = [Int](repeating: 0, count: b.count + 1)
  var previous = Array(0...b.count)
  var current = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
      current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
      if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
        current[j] = min(current[j], twoBack[j - 2] + 1)
      }
    }
    (twoBack, previous, current) = (previous, current, twoBack)
  }
  return previous[b.count]
}
