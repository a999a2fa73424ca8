import MoEConfig

/// A sweep file exactly as written, decoded through `ConfigDecoder`: unknown keys and wrong
/// JSON types are refused at their key paths, nothing else is checked.
///
/// Keys that `SweepDefinition` requires are optional here, so their absence gets a message that
/// says what they are for; `base` and `divergence` are kept as JSON and decoded as run-config
/// parts later, so their errors carry the `base.` or `divergence.` prefix.
///
/// **No `null`.** A key left out takes its default; a key written has a value of its type. A
/// `null` is neither, so it is refused wherever it stands, before decoding, where an optional
/// property would otherwise take it for an absent key (`"base": null` running the defaults).
/// This is the published schema's rule too: it gives every value a JSON type, none of them null.
struct SweepFile: Decodable {
  var schema: String?
  var name: String?
  var description: String?
  var base: JSONValue?
  var variants: [Variant]?
  var axes: [Axis]?
  /// An object `{"count", "start"}` or a list; told apart when checked.
  var seeds: JSONValue?
  var baseline: String?
  var divergence: JSONValue?

  enum CodingKeys: String, CodingKey {
    case schema = "$schema"
    case name, description, base, variants, axes, seeds, baseline, divergence
  }

  struct Variant: Decodable {
    var label: String
    var description: String?
    var set: [String: JSONValue]?
  }

  /// Either `key` and `values`, or `zip`; told apart when checked.
  struct Axis: Decodable {
    var key: String?
    var values: [JSONValue]?
    var zip: [Column]?
  }

  /// One member of a zip.
  struct Column: Decodable {
    var key: String
    var values: [JSONValue]
  }

  struct SeedRange: Decodable {
    var count: Int
    var start: Int?
    /// Each variant its own `count` seeds: variant i runs start + i·count …
    /// start + (i+1)·count − 1.
    var perVariant: Bool?
  }
}

extension SweepFile {
  /// Decodes a parsed sweep file, refusing the first `null` in it (keys in sorted order, depth
  /// first) at its key path.
  static func decode(_ value: JSONValue) throws(ConfigError) -> SweepFile {
    if let (path, key) = firstNull(in: value, at: "") {
      throw ConfigError(
        keyPath: path, "null is not a value in a sweep file",
        suggestion: key.map { "write a value, or leave \(quoted($0)) out if it is optional" }
          ?? "write a value, or remove it")
    }
    return try ConfigDecoder.decode(SweepFile.self, from: value)
  }

  /// The key path of the first `null` inside `value` (which is at `path`), and the object key
  /// it is written under (nil for an array element).
  private static func firstNull(in value: JSONValue, at path: String) -> (String, String?)? {
    let children: [(path: String, key: String?, value: JSONValue)]
    switch value {
    case .object(let members):
      children = members.sorted { $0.key < $1.key }.map { key, member in
        (path.isEmpty ? key : "\(path).\(key)", key, member)
      }
    case .array(let elements):
      children = elements.enumerated().map { index, element in ("\(path)[\(index)]", nil, element) }
    case .string, .integer, .number, .bool, .null:
      return nil
    }
    for child in children {
      if child.value == .null { return (child.path, child.key) }
      if let found = firstNull(in: child.value, at: child.path) { return found }
    }
    return nil
  }
}
