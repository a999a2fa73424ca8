import MoEConfig

/// A sweep file exactly as written, decoded through `ConfigDecoder`: unknown keys and wrong
/// JSON types are refused at their key paths, nothing else is checked.
///
/// Keys that `SweepDefinition` requires are optional here, so their absence gets a message that
/// says what they are for; `base` and `divergence` are kept as JSON and decoded as run-config
/// parts later, so their errors carry the `base.` or `divergence.` prefix.
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
  }
}
