import MoEConfig
import MoETraining

/// A sweep expanded into its ordered runs, every run's config resolved and checked.
///
/// **Expansion order** (stable; a run's ``PlannedRun/index`` is its position):
/// 1. variants in file order (one implicit variant when the file has none);
/// 2. within a variant, the grid of axis values, the first axis slowest and the last fastest,
///    a zip counting as one axis;
/// 3. within a point, seeds in the order of `seeds` (innermost).
///
/// So `index = (pointIndex × seedCount) + seedPosition`, and points are numbered the same way
/// without seeds. Appending a seed, a variant or an axis value renumbers later runs, but never
/// changes any run's ``PlannedRun/id``, which depends only on its resolved config.
///
/// **Resolution.** A run's config is `RunConfig()` ← the file's `base` ← the variant's `set` ←
/// the point's axis values ← the seed ← the sweep's `divergence` section. Each point's config is
/// decoded and validated like a run config file; errors point at the variant or axis value
/// that set the offending key (`axes[0].values[2]`, `variants[1].set.model.headCount`). When no
/// setting of the point wrote that key, the error names the point and the key, at the latest
/// setting without which the point would not fail so (`variants[1].set.model.channels: point
/// "Wide" is invalid: model.headCount: must divide channels (90), got 4`), else at the variant
/// (`variants[1]`) or `axes`. Two points with the same resolved config are refused, so every run
/// id in a plan is distinct.
///
/// Creating a plan trains nothing and touches no files.
public struct SweepPlan: Sendable {
  /// The checked file the plan was expanded from.
  public let definition: SweepDefinition
  /// The label of the baseline: a variant's or a point's (see ``baselinePoint(for:)``).
  public let baselineLabel: String
  /// Every point, in expansion order.
  public let points: [SweepPoint]
  /// Every run, in expansion order: `runs[i].index == i`.
  public let runs: [PlannedRun]
  let baselineScope: BaselineScope

  /// At most this many runs per sweep: a guard against a mistyped `count`, not a real limit.
  public static let maximumRunCount = 1_000_000

  /// The sweep's name; its results go to `results/<name>/`.
  public var name: String { definition.name }
  /// "" when the file has none.
  public var description: String { definition.description }
  /// Every seed, in order; each point runs once per seed.
  public var seeds: [Int] { definition.seeds }
  /// Whether each variant runs its own block of seeds (`seeds.perVariant`).
  public var seedsPerVariant: Bool { definition.seedsPerVariant }

  /// Expands and checks a loaded definition; errors name the definition's file.
  public init(_ definition: SweepDefinition) throws(ConfigError) {
    do throws(ConfigError) {
      let expansion = try SweepExpansion(definition)
      self.definition = definition
      points = expansion.points
      runs = expansion.runs
      (baselineLabel, baselineScope) = try Self.baseline(of: definition, points: points)
    } catch {
      throw definition.file.map(error.inFile) ?? error
    }
  }

  /// Loads, expands and checks a sweep file.
  public init(contentsOfFile path: String) throws(ConfigError) {
    try self.init(SweepDefinition.load(contentsOfFile: path))
  }

  /// The runs of one shard when the sweep is split across `shardCount` workers, round-robin:
  /// run `i` belongs to shard `i % shardCount`. Neighbouring runs (the seeds of one point, the
  /// points of one variant) thus land on different shards, which evens out their run times.
  /// The shards are disjoint and together hold every run; each keeps expansion order.
  ///
  /// - Precondition: `shardCount ≥ 1` and `0 ≤ shard < shardCount`.
  public func runs(shard: Int, of shardCount: Int) -> [PlannedRun] {
    precondition(shardCount >= 1, "shardCount must be at least 1, got \(shardCount)")
    precondition((0..<shardCount).contains(shard), "shard must be in 0..<\(shardCount)")
    return stride(from: shard, to: runs.count, by: shardCount).map { runs[$0] }
  }

  /// The point `point` is compared against: the baseline point itself when ``baselineLabel``
  /// names a point; when it names a variant, that variant's point with the same axis values.
  /// A baseline point is its own baseline.
  public func baselinePoint(for point: SweepPoint) -> SweepPoint {
    switch baselineScope {
    case .point(let index):
      return points[index]
    case .variant(let variant):
      let perVariant = points.count / definition.variants.count
      return points[variant * perVariant + point.index % perVariant]
    }
  }

  /// Whether `point` is a baseline point (its own ``baselinePoint(for:)``).
  public func isBaseline(_ point: SweepPoint) -> Bool {
    baselinePoint(for: point).index == point.index
  }

  /// What ``baselineLabel`` names.
  enum BaselineScope: Hashable, Sendable {
    case point(Int)
    case variant(Int)
  }

  /// The file's `baseline`, else the first variant, else the first point.
  private static func baseline(of definition: SweepDefinition, points: [SweepPoint])
    throws(ConfigError) -> (String, BaselineScope)
  {
    guard let label = definition.baseline else {
      if let first = definition.variants.first { return (first.label, .variant(0)) }
      return (points[0].label, .point(0))
    }
    if let point = points.firstIndex(where: { $0.label == label }) {
      return (label, .point(point))
    }
    if let variant = definition.variants.firstIndex(where: { $0.label == label }) {
      return (label, .variant(variant))
    }
    let labels = definition.variants.map(\.label) + points.map(\.label)
    let suggestion: String
    if let nearest = NameSuggestion.nearest(to: label, in: labels) {
      suggestion = "did you mean \(quoted(nearest))?"
    } else {
      let named =
        definition.variants.isEmpty ? points.map(\.label) : definition.variants.map(\.label)
      suggestion =
        named.count <= 8
        ? "labels are " + named.map(quoted).joined(separator: ", ")
        : "`stmoe-sweep plan` lists the point labels"
    }
    throw ConfigError(
      keyPath: "baseline", "\(quoted(label)) is not the label of a variant or a point",
      suggestion: suggestion)
  }
}
