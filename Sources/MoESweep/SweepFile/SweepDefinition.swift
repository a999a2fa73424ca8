import Foundation
import MoEConfig
import MoETraining

/// A sweep file, parsed and checked for structure; ``SweepPlan`` expands it into runs.
///
/// Read-only outside this module: a definition only comes from a checked file.
///
/// A sweep file is strict JSON (every key optional unless marked required):
///
/// ```json
/// {
///   "$schema": "./sweep.schema.json",
///   "name": "zloss",
///   "description": "Router z-loss against none, GEGLU and ReLU experts, tiny model.",
///   "base": {"steps": 2000, "model": {"expertCount": 8}},
///   "variants": [
///     {"label": "Baseline"},
///     {"label": "ReLU experts", "description": "GEGLU removed", "set": {"model.feedForward": "relu"}}
///   ],
///   "axes": [
///     {"key": "model.routerZLossCoefficient", "values": [0, 0.0001, 0.001]},
///     {"zip": [{"key": "schedule.learningRate", "values": [0.001, 0.003]},
///              {"key": "schedule.warmupSteps", "values": [100, 50]}]}
///   ],
///   "seeds": {"count": 12, "start": 0},
///   "baseline": "Baseline",
///   "divergence": {"capFactor": 3}
/// }
/// ```
///
/// - `name` (required): lower-case letters, digits and hyphens, starting with a letter or digit;
///   results go to `results/<name>/`.
/// - `description`: why this sweep, which regime and why.
/// - `base`: a partial run config (`RunConfig`; the keys are its Swift property names); absent
///   keys take `RunConfig()`'s defaults, unknown keys are refused. It must be a valid run config
///   on its own, and may not set `seed` or `divergence` (they have sections of their own).
/// - `variants`: each a `label` (unique), an optional `description`, and `set`, an object from
///   key path (`model.feedForward`) to value. Leave `variants` out for the base config alone.
/// - `axes`: a grid, the product of the axes, within each variant. An axis is `{"key", "values"}`
///   or a `zip` of two or more such axes, whose values are paired by position (equal lengths).
///   Values within an axis are distinct; no key is set by two axes, nor by an axis and a variant.
/// - `seeds` (required): `{"count": n, "start": s}` (seeds s…s+n−1; start defaults to 0) or an
///   explicit list `[0, 1, 5]` of distinct non-negative seeds. `{"count": n, "start": s,
///   "perVariant": true}` gives every variant (arm) fresh seeds: variant i (file order, from 0)
///   runs seeds s + i·n … s + (i+1)·n − 1, so no two arms share a seed and a study's arms are
///   independent samples; the points of one variant (its axis values) still share its seeds.
///   Default false: every point runs the same seeds.
/// - `baseline`: the label of a variant or of a point that the others are compared against.
///   Default: the first variant, or the first point when there are no variants.
/// - `divergence`: a partial `DivergenceConfig`, copied into every run's config (so it is part
///   of every run's identity, and the same for all runs of the sweep).
/// - `$schema`: ignored; lets editors find `sweeps/sweep.schema.json`.
///
/// No value is `null`: a key is written with a value of its type, or left out for its default.
///
/// Variants and axes may set any leaf key path of `RunConfig` except `seed` and
/// `divergence.*`; a whole section (`model`) is not a value. ``SweepSchema`` lists them.
///
/// Loading checks everything that can be checked without building run configs; errors name the
/// file, the key path in the sweep file and, where one exists, the nearest valid name.
public struct SweepDefinition: Hashable, Sendable {
  /// The file the definition was read from, for error messages; nil when read from memory.
  public internal(set) var file: String?
  public internal(set) var name: String
  /// "" when the file has none.
  public internal(set) var description: String
  /// The base run config: `RunConfig()` with the file's `base` laid over it; seed 0 and default
  /// divergence thresholds (the sweep's own are in ``divergence``).
  public internal(set) var base: RunConfig
  /// In file order; empty when the file has no `variants`.
  public internal(set) var variants: [SweepVariant]
  /// In file order; empty when the file has no `axes`.
  public internal(set) var axes: [SweepAxis]
  /// Every seed, in order (a `count`/`start` pair expanded); the first variant's when
  /// ``seedsPerVariant``.
  public internal(set) var seeds: [Int]
  /// `seeds.perVariant`: each variant runs its own block of seeds (``seeds(forVariant:)``).
  public internal(set) var seedsPerVariant: Bool

  /// The seeds of the variant at `index` (file order; 0 for a sweep without variants):
  /// ``seeds`` shifted by `index × seeds.count` when ``seedsPerVariant``, else ``seeds``.
  public func seeds(forVariant index: Int) -> [Int] {
    guard seedsPerVariant, index > 0 else { return seeds }
    return seeds.map { $0 + index * seeds.count }
  }
  /// The file's `baseline`, if it names one.
  public internal(set) var baseline: String?
  /// The thresholds every run of the sweep uses.
  public internal(set) var divergence: DivergenceConfig

  /// Reads and checks a sweep file.
  public static func load(contentsOfFile path: String) throws(ConfigError) -> SweepDefinition {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw ConfigError(
        keyPath: "", "cannot read the file: \(error.localizedDescription)", file: path)
    }
    return try load(from: data, file: path)
  }

  /// Parses and checks a sweep file's contents; `file` names it in errors.
  public static func load(from data: Data, file: String? = nil) throws(ConfigError)
    -> SweepDefinition
  {
    let value: JSONValue
    do throws(ConfigError) {
      value = try JSONValue(parsing: data)
    } catch {
      throw file.map(error.inFile) ?? error
    }
    return try load(from: value, file: file)
  }

  /// Checks an already parsed sweep file.
  public static func load(from value: JSONValue, file: String? = nil) throws(ConfigError)
    -> SweepDefinition
  {
    do throws(ConfigError) {
      let written = try SweepFile.decode(value)
      var definition = try SweepDefinition(checking: written)
      definition.file = file
      return definition
    } catch {
      throw file.map(error.inFile) ?? error
    }
  }
}

/// One key path set to one value, by a variant or an axis point.
public struct SweepSetting: Hashable, Sendable {
  /// A leaf key path of `RunConfig` (`schedule.learningRate`).
  public var keyPath: String
  public var value: JSONValue

  public init(keyPath: String, value: JSONValue) {
    self.keyPath = keyPath
    self.value = value
  }
}

/// A named set of changes to the base config.
public struct SweepVariant: Hashable, Sendable {
  public internal(set) var label: String
  /// "" when the file has none.
  public internal(set) var description: String
  /// Sorted by key path (JSON objects are unordered).
  public internal(set) var settings: [SweepSetting]
}

/// One dimension of the grid: one key and its values, or (a zip) several keys whose values are
/// taken together, position by position.
public struct SweepAxis: Hashable, Sendable {
  /// One key and its values.
  public struct Column: Hashable, Sendable {
    public internal(set) var keyPath: String
    public internal(set) var values: [JSONValue]
  }

  /// One column for a plain axis; two or more of equal length for a zip.
  public internal(set) var columns: [Column]
  /// Whether the file wrote this axis as `{"zip": [...]}`.
  public internal(set) var isZip: Bool

  /// How many points the axis has (the length of every column).
  public var count: Int { columns[0].values.count }

  /// The settings of the axis's `position`-th point, one per column.
  public func settings(at position: Int) -> [SweepSetting] {
    columns.map { SweepSetting(keyPath: $0.keyPath, value: $0.values[position]) }
  }

  /// Where the file wrote the value of `column` at `position` (`axes[1].zip[0].values[2]`).
  func location(ofAxis axisIndex: Int, column: Int, position: Int) -> String {
    isZip
      ? "axes[\(axisIndex)].zip[\(column)].values[\(position)]"
      : "axes[\(axisIndex)].values[\(position)]"
  }
}
