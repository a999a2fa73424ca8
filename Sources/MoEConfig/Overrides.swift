/// Applies command-line overrides (`--set model.expertCount=16`) to a config, in order.
///
/// Each override is `key.path=value`. The value is read as JSON (`16`, `0.5`, `true`, `[4, 8]`,
/// `{"expertCount": 16}`), else taken as a bare string (`optimizer=adamw`); where the current
/// value is a string, the text is always the string (`name=001`, `name=true`). An object value
/// is laid over the current object, so `model={"expertCount": 16}` keeps the other model keys.
///
/// The key path must exist in the config's encoding (the error suggests the nearest key), and
/// the result goes through `ConfigDecoder`, so a bad value gets the same error as in a file and
/// `validate()` runs once, after all overrides.
public func applying<T: Codable>(overrides: [String], to config: T) throws(ConfigError) -> T {
  let tree: JSONValue
  do {
    tree = try JSONValue(encoding: config)
  } catch {
    throw ConfigError(keyPath: "", "cannot encode the config: \(error)")
  }
  return try ConfigDecoder.decode(
    T.self, from: applying(overrides: overrides, to: tree, checkedAgainst: tree))
}

/// The overrides of ``applying(overrides:to:)-(_,T)`` applied to a tree that is not decoded yet,
/// so that a config file and its overrides are decoded (and validated) once, together.
///
/// `tree` may be partial (a config file as written); `reference` is the complete tree of the
/// defaults the decoder will fill in (`RunConfig()`'s encoding). Key paths are checked against
/// `reference`, and a key the file leaves out counts as holding its default there, so the result
/// decodes to exactly what overriding the decoded file would give.
public func applying(
  overrides: [String], to tree: JSONValue, checkedAgainst reference: JSONValue
) throws(ConfigError) -> JSONValue {
  var tree = tree
  for override in overrides {
    guard let equals = override.firstIndex(of: "="), equals != override.startIndex else {
      throw ConfigError(
        keyPath: "", "override \"\(override)\" is not of the form key.path=value",
        suggestion: "for example model.expertCount=16")
    }
    let keyPath = String(override[..<equals])
    let text = String(override[override.index(after: equals)...])
    let current: JSONValue
    if let written = try? tree.value(at: keyPath) {
      current = written
    } else {
      current = try reference.value(at: keyPath)
    }
    var value = (try? JSONValue(parsing: text)) ?? .string(text)
    switch (current, value) {
    case (.string, .string): break
    case (.string, _): value = .string(text)
    case (.object, .object): value = value.overlaid(on: current)
    default: break
    }
    try tree.set(value, at: keyPath, checkedAgainst: reference)
  }
  return tree
}
