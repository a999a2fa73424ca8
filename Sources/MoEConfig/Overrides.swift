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
  var tree: JSONValue
  do {
    tree = try JSONValue(encoding: config)
  } catch {
    throw ConfigError(keyPath: "", "cannot encode the config: \(error)")
  }
  for override in overrides {
    guard let equals = override.firstIndex(of: "="), equals != override.startIndex else {
      throw ConfigError(
        keyPath: "", "override \"\(override)\" is not of the form key.path=value",
        suggestion: "for example model.expertCount=16")
    }
    let keyPath = String(override[..<equals])
    let text = String(override[override.index(after: equals)...])
    let current = try tree.value(at: keyPath)
    var value = (try? JSONValue(parsing: text)) ?? .string(text)
    switch (current, value) {
    case (.string, .string): break
    case (.string, _): value = .string(text)
    case (.object, .object): value = value.overlaid(on: current)
    default: break
    }
    try tree.set(value, at: keyPath)
  }
  return try ConfigDecoder.decode(T.self, from: tree)
}
