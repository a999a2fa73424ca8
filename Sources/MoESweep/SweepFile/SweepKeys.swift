import MoEConfig

/// Which run-config key paths a sweep file's variants and axes may set.
///
/// Every leaf of ``ConfigKeyCatalog/runConfig`` may be set, except two that have sections of
/// their own in a sweep file: `seed` (the `seeds` section) and `divergence.*` (the `divergence`
/// section, the same for every run so that divergence rates compare).
enum SweepKeys {
  static let catalog = ConfigKeyCatalog.runConfig

  /// Every settable leaf, sorted by key path.
  static let settable: [ConfigKeyCatalog.Key] = catalog.keys.filter {
    reservation(of: $0.keyPath) == nil
  }

  static let seedsHint =
    #"seeds belong in the top-level "seeds", e.g. "seeds": {"count": 12} or [0, 1, 5]"#
  static let divergenceHint =
    #"divergence thresholds belong in the top-level "divergence" section, the same for every run"#

  /// Why `keyPath` cannot be set by a sweep's base, variants or axes, or nil if it can.
  static func reservation(of keyPath: String) -> String? {
    if keyPath == "seed" { return seedsHint }
    if keyPath == "divergence" || keyPath.hasPrefix("divergence.") { return divergenceHint }
    return nil
  }

  /// The settable leaf at `keyPath`; errors say what is wrong with the key itself, at
  /// `location` (`axes[0].key`, `variants[1].set`).
  static func settableKey(_ keyPath: String, at location: String) throws(ConfigError)
    -> ConfigKeyCatalog.Key
  {
    if let reason = reservation(of: keyPath) {
      throw ConfigError(
        keyPath: location, "\(quoted(keyPath)) cannot be set here", suggestion: reason)
    }
    if let key = catalog.key(keyPath) { return key }
    if catalog.sections.contains(keyPath) {
      let example = settable.first { $0.keyPath.hasPrefix(keyPath + ".") }?.keyPath ?? keyPath
      throw ConfigError(
        keyPath: location, "\(quoted(keyPath)) is a section, not a value",
        suggestion: "set its keys one by one, e.g. \(quoted(example))")
    }
    let nearest = NameSuggestion.nearestKeyPaths(to: keyPath, in: settable.map(\.keyPath))
    let suggestion =
      NameSuggestion.didYouMean(nearest)
      ?? "`stmoe-sweep model` prints every key with its default"
    throw ConfigError(
      keyPath: location, "unknown key path \(quoted(keyPath))", suggestion: suggestion)
  }

  /// Checks that `value` suits `key`; errors are at `location`, where the value is written.
  static func checkValue(_ value: JSONValue, for key: ConfigKeyCatalog.Key, at location: String)
    throws(ConfigError)
  {
    do throws(ConfigError) {
      try key.check(value)
    } catch {
      throw error.prefixed(by: location)
    }
  }
}

/// A string as JSON writes it, quotes and escapes included: `"model.expertCount"`.
func quoted(_ text: String) -> String {
  JSONValue.string(text).canonicalText
}
