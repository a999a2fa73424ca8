import MoEConfig
import MoETraining

/// The kind of JSON value a config key takes, as the JSON Schema and error messages name it.
public enum ConfigValueKind: Hashable, Sendable {
  case integer
  case number
  case boolean
  case string
  /// A `String`-backed `CaseIterable` enum: one of these raw values, in declaration order.
  case choice([String])
  /// Anything else (an array, a dictionary, a `JSONValue`): checked only by decoding.
  case json
}

/// Every leaf key path of a config type, with its kind, its default and a check of one value,
/// all read off the encoding of a default instance, so the list cannot drift from the code.
///
/// A leaf is a value that is not itself an object of keys (`model.expertCount`,
/// `optimizer.adamW.beta2`, `schedule.kind`); the objects above leaves are *sections* (`model`,
/// `optimizer.adamW`).
///
/// **How choices are found.** The default instance is encoded through a recording encoder
/// (``ConfigKeyRecorder``), which sees the static type of every value it is handed. A value whose
/// type is a `String`-backed `CaseIterable` enum becomes a ``ConfigValueKind/choice(_:)`` leaf
/// listing that type's `allCases`; integers, floating-point numbers, booleans and strings become
/// the matching kinds. A new enum property therefore appears here (and in the sweep schema)
/// without being registered anywhere. A property whose default is `nil` is not encoded and so is
/// not listed; `RunConfig` has none.
///
/// ``Key/check(_:)`` decodes a value with the property's own Swift type through
/// `ConfigDecoder`, so a wrong value gets the same message as in a run config file.
public struct ConfigKeyCatalog: Sendable {
  /// One leaf key path.
  public struct Key: Sendable {
    /// Dotted path from the config's top (`model.expertCount`).
    public let keyPath: String
    public let kind: ConfigValueKind
    /// The value in the default instance.
    public let defaultValue: JSONValue
    let valueCheck: any ValueCheck

    /// Throws the error `ConfigDecoder` gives for `value` at this key, with an empty key path
    /// (callers prefix where the value was written).
    public func check(_ value: JSONValue) throws(ConfigError) {
      try valueCheck.check(value)
    }
  }

  /// Every leaf, sorted by key path.
  public let keys: [Key]
  /// Every section's key path, sorted; the top level ("") is not listed.
  public let sections: [String]
  private let index: [String: Int]

  /// The catalog of the run config, the one sweep files set.
  public static let runConfig = ConfigKeyCatalog(describing: RunConfig())

  /// Reads the keys off `value`'s encoding; `value` is normally a default instance.
  public init<Config: Encodable>(describing value: Config) {
    let recorder = ConfigKeyRecorder()
    let tree: JSONValue
    do {
      try recorder.record(value, at: [])
      tree = try JSONValue(encoding: value)
    } catch {
      preconditionFailure("\(Config.self).encode(to:) threw \(error)")
    }
    keys = recorder.leaves.map { leaf in
      let keyPath = leaf.path.joined(separator: ".")
      guard let defaultValue = try? tree.value(at: keyPath) else {
        preconditionFailure("\(keyPath) was recorded but is not in the encoding of \(Config.self)")
      }
      return Key(
        keyPath: keyPath, kind: leaf.kind, defaultValue: defaultValue, valueCheck: leaf.check)
    }.sorted { $0.keyPath < $1.keyPath }
    sections = Set(recorder.sections.filter { !$0.isEmpty }.map { $0.joined(separator: ".") })
      .sorted()
    index = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1.keyPath, $0) })
  }

  /// The leaf at `keyPath`, if there is one.
  public func key(_ keyPath: String) -> Key? {
    index[keyPath].map { keys[$0] }
  }

  /// The leaves directly inside the section `section` ("" for the top level).
  public func keys(inSection section: String) -> [Key] {
    keys.filter { parent(of: $0.keyPath) == section }
  }

  /// The sections directly inside `section` ("" for the top level).
  public func sections(inSection section: String) -> [String] {
    sections.filter { parent(of: $0) == section }
  }

  private func parent(of keyPath: String) -> String {
    guard let dot = keyPath.lastIndex(of: ".") else { return "" }
    return String(keyPath[..<dot])
  }
}
