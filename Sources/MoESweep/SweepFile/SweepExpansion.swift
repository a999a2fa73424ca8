import MoEConfig
import MoETraining

/// The work behind ``SweepPlan/init(_:)``: points in expansion order with their labels, each
/// point's config resolved and checked, and the runs.
struct SweepExpansion {
  private(set) var points: [SweepPoint] = []
  private(set) var runs: [PlannedRun] = []

  /// A setting of one point, with where the file wrote it and whether other points share it.
  private struct LocatedSetting {
    var setting: SweepSetting
    var location: String
    var isShared: Bool
  }

  init(_ definition: SweepDefinition) throws(ConfigError) {
    let variants: [SweepVariant?] = definition.variants.isEmpty ? [nil] : definition.variants
    let counts = definition.axes.map(\.count)
    try Self.checkSize(variants: variants.count, axisCounts: counts, seeds: definition.seeds.count)
    let names = Self.axisNames(definition.axes)
    let baseTree = Self.tree(of: definition.base)
    var configs: [RunConfig] = []
    var pointOfConfig: [RunConfig: Int] = [:]
    var pointOfLabel: [String: Int] = [:]
    for (variantIndex, variant) in variants.enumerated() {
      for positions in Self.grid(counts) {
        let (point, settings) = Self.point(
          index: points.count, variant: variant, at: variantIndex, positions: positions,
          of: variants.count, in: definition, names: names)
        let fallback = Self.location(of: point, in: definition)
        let config = try Self.resolve(
          point, settings: settings, over: baseTree, definition: definition, fallback: fallback)
        if let earlier = pointOfConfig[config] {
          throw ConfigError(
            keyPath: Self.difference(between: points[earlier], and: point, in: definition),
            "point \(quoted(point.label)) resolves to the same run config as point "
              + quoted(points[earlier].label),
            suggestion: "each of its runs would repeat one; remove it or change what it sets")
        }
        if let earlier = pointOfLabel[point.label] {
          throw ConfigError(
            keyPath: fallback,
            "points \(earlier) and \(point.index) are both labelled \(quoted(point.label))",
            suggestion: "rename the variant, or avoid values that read alike")
        }
        pointOfConfig[config] = point.index
        pointOfLabel[point.label] = point.index
        points.append(point)
        configs.append(config)
      }
    }
    for point in points {
      // Encoded once per point: a run's id is the hash of this tree with its seed written in,
      // the same text `configHash(config)` hashes (a `JSONValue` encodes as itself).
      guard case .object(var members) = Self.tree(of: configs[point.index]) else {
        preconditionFailure("a RunConfig encodes as an object")
      }
      for seed in definition.seeds(forVariant: point.variantIndex ?? 0) {
        var config = configs[point.index]
        config.seed = seed
        members["seed"] = .integer(seed)
        let tree = JSONValue.object(members)
        runs.append(
          PlannedRun(
            index: runs.count, id: configHash(tree), pointIndex: point.index, label: point.label,
            seed: seed, config: config))
      }
    }
  }

  private static func tree(of config: RunConfig) -> JSONValue {
    do {
      return try JSONValue(encoding: config)
    } catch {
      preconditionFailure("RunConfig.encode(to:) threw \(error)")
    }
  }

  /// The point of `variant` at `positions` along the axes, and its settings in the order they
  /// apply: the variant's, then one per axis key.
  private static func point(
    index: Int, variant: SweepVariant?, at variantIndex: Int, positions: [Int],
    of variantCount: Int, in definition: SweepDefinition, names: [String: String]
  ) -> (SweepPoint, [LocatedSetting]) {
    let perVariant = definition.axes.map(\.count).reduce(1, *)
    var settings = (variant?.settings ?? []).map { setting in
      LocatedSetting(
        setting: setting, location: "variants[\(variantIndex)].set.\(setting.keyPath)",
        isShared: perVariant > 1)
    }
    var axisValues: [SweepSetting] = []
    for (axisIndex, axis) in definition.axes.enumerated() {
      let position = positions[axisIndex]
      for (column, setting) in axis.settings(at: position).enumerated() {
        settings.append(
          LocatedSetting(
            setting: setting,
            location: axis.location(ofAxis: axisIndex, column: column, position: position),
            isShared: variantCount * perVariant / axis.count > 1))
        axisValues.append(setting)
      }
    }
    let parts =
      (variant.map { [$0.label] } ?? [])
      + axisValues.map { "\(names[$0.keyPath] ?? $0.keyPath)=\(labelText($0.value))" }
    let point = SweepPoint(
      index: index, label: parts.isEmpty ? "base" : parts.joined(separator: ", "),
      variantLabel: variant?.label, variantIndex: variant == nil ? nil : variantIndex,
      axisPositions: positions, axisValues: axisValues)
    return (point, settings)
  }

  /// The point's config: the base tree with the point's settings written in, decoded and
  /// validated as a run config, then the sweep's divergence thresholds.
  ///
  /// An error at a key one of the settings wrote is reported where that setting is written.
  /// Otherwise the point is named, at the latest setting without which the point would not
  /// fail this way (its *culprit*), else at `fallback`.
  private static func resolve(
    _ point: SweepPoint, settings: [LocatedSetting], over baseTree: JSONValue,
    definition: SweepDefinition, fallback: String
  ) throws(ConfigError) -> RunConfig {
    var config: RunConfig
    switch decodedConfig(settings, over: baseTree) {
    case .success(let decoded):
      config = decoded
    case .failure(let error):
      if let source = settings.last(where: { $0.setting.keyPath == error.keyPath }) {
        let context = source.isShared ? ", in point \(quoted(point.label))" : ""
        throw ConfigError(
          keyPath: source.location, error.message + context, suggestion: error.suggestion)
      }
      let culprit = settings.indices.reversed().first { index in
        var others = settings
        others.remove(at: index)
        guard case .failure(let without) = decodedConfig(others, over: baseTree) else {
          return true
        }
        return without != error
      }
      let detail = error.keyPath.isEmpty ? error.message : "\(error.keyPath): \(error.message)"
      throw ConfigError(
        keyPath: culprit.map { settings[$0].location } ?? fallback,
        "point \(quoted(point.label)) is invalid: \(detail)", suggestion: error.suggestion)
    }
    config.divergence = definition.divergence
    return config
  }

  private static func decodedConfig(_ settings: [LocatedSetting], over baseTree: JSONValue)
    -> Result<RunConfig, ConfigError>
  {
    var tree = baseTree
    for located in settings {
      do throws(ConfigError) {
        try tree.set(located.setting.value, at: located.setting.keyPath)
      } catch {
        return .failure(ConfigError(keyPath: located.location, error.description))
      }
    }
    return Result { () throws(ConfigError) in
      try ConfigDecoder.decode(RunConfig.self, from: tree)
    }
  }

  /// Where a point is written when no single value is to blame: its variant, else the axes,
  /// else the base.
  private static func location(of point: SweepPoint, in definition: SweepDefinition) -> String {
    if let variant = point.variantIndex { return "variants[\(variant)]" }
    return definition.axes.isEmpty ? "base" : "axes"
  }

  /// Where two points first differ: the later one's variant, else its first differing axis
  /// value.
  private static func difference(
    between earlier: SweepPoint, and later: SweepPoint, in definition: SweepDefinition
  ) -> String {
    if let variant = later.variantIndex, variant != earlier.variantIndex {
      return "variants[\(variant)]"
    }
    for (axis, position) in later.axisPositions.enumerated()
    where position != earlier.axisPositions[axis] {
      return definition.axes[axis].location(ofAxis: axis, column: 0, position: position)
    }
    return "axes"
  }

  /// Every combination of axis positions, the first axis slowest: [2, 3] gives [0, 0], [0, 1],
  /// [0, 2], [1, 0], …; no axes give one empty combination.
  static func grid(_ counts: [Int]) -> [[Int]] {
    counts.reduce([[]]) { combinations, count in
      combinations.flatMap { prefix in (0..<count).map { prefix + [$0] } }
    }
  }

  /// Each axis key's name in labels: its last key, or as many trailing keys as it takes to tell
  /// it from the other axis keys of the sweep.
  static func axisNames(_ axes: [SweepAxis]) -> [String: String] {
    let keyPaths = axes.flatMap { $0.columns.map(\.keyPath) }
    let components = keyPaths.map { $0.split(separator: ".").map(String.init) }
    var names: [String: String] = [:]
    for (keyPath, keys) in zip(keyPaths, components) {
      for length in 1...keys.count {
        let suffix = Array(keys.suffix(length))
        let clashes = components.contains { $0 != keys && Array($0.suffix(length)) == suffix }
        if !clashes || length == keys.count {
          names[keyPath] = suffix.joined(separator: ".")
          break
        }
      }
    }
    return names
  }

  /// A value as labels show it: strings without quotes, everything else as canonical JSON.
  private static func labelText(_ value: JSONValue) -> String {
    if case .string(let text) = value { return text }
    return value.canonicalText
  }

  /// Refuses sweeps of more than `SweepPlan.maximumRunCount` runs before expanding them.
  private static func checkSize(variants: Int, axisCounts: [Int], seeds: Int) throws(ConfigError) {
    func product(_ factors: [Int]) -> Int? {
      var total = 1
      for factor in factors {
        let (next, overflow) = total.multipliedReportingOverflow(by: factor)
        if overflow { return nil }
        total = next
      }
      return total
    }
    let points = product([variants] + axisCounts)
    if let points, let runs = product([points, seeds]), runs <= SweepPlan.maximumRunCount {
      return
    }
    let pointText =
      points.map(String.init)
      ?? ([variants] + axisCounts).map(String.init)
      .joined(separator: " × ")
    throw ConfigError(
      keyPath: "",
      "\(pointText) points × \(seeds) seeds is more than \(SweepPlan.maximumRunCount) runs",
      suggestion: "split the sweep into several")
  }
}
