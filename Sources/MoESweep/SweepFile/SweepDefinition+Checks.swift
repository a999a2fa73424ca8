import MoEConfig
import MoETraining

/// The checks a sweep file passes on loading, section by section in file order; the first
/// refusal is thrown, at the key path where the file went wrong.
extension SweepDefinition {
  init(checking written: SweepFile) throws(ConfigError) {
    name = try Self.checkedName(written.name)
    description = written.description ?? ""
    base = try Self.checkedBase(written.base ?? [:])
    divergence = try decoded(
      DivergenceConfig.self, from: written.divergence ?? [:], at: "divergence")
    variants = try Self.checkedVariants(written.variants)
    axes = try Self.checkedAxes(written.axes)
    try Self.checkVariantsLeaveAxisKeysAlone(variants, axes)
    seeds = try Self.checkedSeeds(written.seeds)
    seedsPerVariant = try Self.checkedSeedsPerVariant(written.seeds, variantCount: variants.count)
    if let baseline = written.baseline, baseline.isEmpty {
      throw ConfigError(keyPath: "baseline", "must not be empty")
    }
    baseline = written.baseline
    file = nil
  }

  /// `^[a-z0-9][a-z0-9-]*$`: safe as a directory name and as a command-line argument.
  static func checkedName(_ name: String?) throws(ConfigError) -> String {
    guard let name else {
      throw ConfigError(
        keyPath: "name", "required key is missing",
        suggestion: "the sweep's name; its results go to results/<name>/")
    }
    if isValidName(name) { return name }
    let tidied = tidiedName(name)
    throw ConfigError(
      keyPath: "name",
      "\(quoted(name)) is not a valid name: use lower-case letters, digits and hyphens, "
        + "starting with a letter or digit",
      suggestion: isValidName(tidied) ? "did you mean \(quoted(tidied))?" : nil)
  }

  private static func isValidName(_ name: String) -> Bool {
    func isLetterOrDigit(_ byte: UInt8) -> Bool {
      (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
    guard let first = name.utf8.first, isLetterOrDigit(first) else { return false }
    return name.utf8.allSatisfy { isLetterOrDigit($0) || $0 == UInt8(ascii: "-") }
  }

  /// `"Z Loss_v2"` → `"z-loss-v2"`.
  private static func tidiedName(_ name: String) -> String {
    let words = name.lowercased().split { !(("a"..."z").contains($0) || ("0"..."9").contains($0)) }
    return words.joined(separator: "-")
  }

  /// The base must be a valid run config on its own, without `seed` or `divergence`.
  static func checkedBase(_ base: JSONValue) throws(ConfigError) -> RunConfig {
    if case .object(let members) = base {
      for key in members.keys.sorted() {
        if let reason = SweepKeys.reservation(of: key) {
          throw ConfigError(keyPath: "base.\(key)", "cannot be set here", suggestion: reason)
        }
      }
    }
    return try decoded(RunConfig.self, from: base, at: "base")
  }

  static func checkedVariants(_ written: [SweepFile.Variant]?) throws(ConfigError)
    -> [SweepVariant]
  {
    guard let written else { return [] }
    guard !written.isEmpty else {
      throw ConfigError(
        keyPath: "variants", "must not be empty",
        suggestion: #"leave "variants" out to run the base config alone"#)
    }
    var firstUse: [String: Int] = [:]
    var variants: [SweepVariant] = []
    for (index, variant) in written.enumerated() {
      let location = "variants[\(index)]"
      try checkLabel(variant.label, at: "\(location).label")
      if let first = firstUse[variant.label] {
        throw ConfigError(
          keyPath: "\(location).label",
          "\(quoted(variant.label)) is already the label of variants[\(first)]",
          suggestion: "variant labels must be unique")
      }
      firstUse[variant.label] = index
      var settings: [SweepSetting] = []
      for (keyPath, value) in (variant.set ?? [:]).sorted(by: { $0.key < $1.key }) {
        let key = try SweepKeys.settableKey(keyPath, at: "\(location).set")
        try SweepKeys.checkValue(value, for: key, at: "\(location).set.\(keyPath)")
        settings.append(SweepSetting(keyPath: keyPath, value: value))
      }
      variants.append(
        SweepVariant(
          label: variant.label, description: variant.description ?? "", settings: settings))
    }
    return variants
  }

  /// Labels name points in tables and in `baseline`: non-empty, one line, no stray spaces.
  private static func checkLabel(_ label: String, at location: String) throws(ConfigError) {
    if label.isEmpty { throw ConfigError(keyPath: location, "must not be empty") }
    if label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
      throw ConfigError(keyPath: location, "must be one line without control characters")
    }
    if label.first!.isWhitespace || label.last!.isWhitespace {
      throw ConfigError(keyPath: location, "\(quoted(label)) has leading or trailing spaces")
    }
  }

  /// An axis would replace a variant's value in every point: refuse rather than guess.
  static func checkVariantsLeaveAxisKeysAlone(_ variants: [SweepVariant], _ axes: [SweepAxis])
    throws(ConfigError)
  {
    var axisOfKey: [String: String] = [:]
    for (index, axis) in axes.enumerated() {
      for (column, member) in axis.columns.enumerated() {
        axisOfKey[member.keyPath] = axis.isZip ? "axes[\(index)].zip[\(column)]" : "axes[\(index)]"
      }
    }
    for (index, variant) in variants.enumerated() {
      for setting in variant.settings {
        guard let axis = axisOfKey[setting.keyPath] else { continue }
        throw ConfigError(
          keyPath: "variants[\(index)].set", "\(quoted(setting.keyPath)) is also set by \(axis)",
          suggestion: "the axis would replace the variant's value in every point; remove one")
      }
    }
  }

  /// `{"count": n, "start": s}` or a list of distinct non-negative seeds.
  static func checkedSeeds(_ seeds: JSONValue?) throws(ConfigError) -> [Int] {
    guard let seeds else {
      throw ConfigError(
        keyPath: "seeds", "required key is missing",
        suggestion: #"e.g. "seeds": {"count": 12} or [0, 1, 5]"#)
    }
    func notSeeds(_ found: String, suggestion: String? = nil) -> ConfigError {
      ConfigError(
        keyPath: "seeds", #"expected a list of seeds or {"count": …}, found \#(found)"#,
        suggestion: suggestion)
    }
    switch seeds {
    case .object:
      return try seedRange(decoded(SweepFile.SeedRange.self, from: seeds, at: "seeds"))
    case .array:
      return try seedList(decoded([Int].self, from: seeds, at: "seeds"))
    case .integer(let count):
      throw notSeeds(
        "a number \(count)",
        suggestion: #"write {"count": \#(count)} for \#(count) seeds, or [\#(count)] for that seed"#
      )
    case .number(let number): throw notSeeds("a number \(number)")
    case .string(let text): throw notSeeds("a string \(quoted(text))")
    case .bool(let flag): throw notSeeds("a boolean \(flag)")
    case .null: throw notSeeds("null")
    }
  }

  /// `seeds.perVariant` (default false); when true, the last variant's seeds must fit in `Int`.
  static func checkedSeedsPerVariant(_ seeds: JSONValue?, variantCount: Int)
    throws(ConfigError) -> Bool
  {
    guard case .object = seeds, let seeds else { return false }
    let range = try decoded(SweepFile.SeedRange.self, from: seeds, at: "seeds")
    guard range.perVariant == true else { return false }
    let (span, overflow) = range.count.multipliedReportingOverflow(by: max(1, variantCount))
    guard !overflow, (range.start ?? 0) <= Int.max - span else {
      throw ConfigError(
        keyPath: "seeds.perVariant",
        "\(variantCount) variants × \(range.count) seeds from \(range.start ?? 0) overflow",
        suggestion: "lower seeds.start or seeds.count")
    }
    return true
  }

  private static func seedRange(_ range: SweepFile.SeedRange) throws(ConfigError) -> [Int] {
    let start = range.start ?? 0
    guard range.count >= 1 else {
      throw ConfigError(keyPath: "seeds.count", "must be at least 1, got \(range.count)")
    }
    guard start >= 0 else {
      throw ConfigError(keyPath: "seeds.start", "must be non-negative, got \(start)")
    }
    guard range.count <= SweepPlan.maximumRunCount else {
      throw ConfigError(
        keyPath: "seeds.count",
        "must be at most \(SweepPlan.maximumRunCount) (a sweep's limit), got \(range.count)")
    }
    guard start <= Int.max - range.count else {
      throw ConfigError(keyPath: "seeds.start", "start + count must not exceed \(Int.max)")
    }
    return Array(start..<(start + range.count))
  }

  private static func seedList(_ seeds: [Int]) throws(ConfigError) -> [Int] {
    guard !seeds.isEmpty else { throw ConfigError(keyPath: "seeds", "must not be empty") }
    var firstPosition: [Int: Int] = [:]
    for (index, seed) in seeds.enumerated() {
      guard seed >= 0 else {
        throw ConfigError(keyPath: "seeds[\(index)]", "must be non-negative, got \(seed)")
      }
      if let first = firstPosition[seed] {
        throw ConfigError(
          keyPath: "seeds[\(index)]", "\(seed) is already at seeds[\(first)]",
          suggestion: "seeds must be distinct")
      }
      firstPosition[seed] = index
    }
    return seeds
  }
}

/// Decodes part of a sweep file as `type`, with errors at `location` (`base.model.channels`).
func decoded<Value: Decodable>(_ type: Value.Type, from value: JSONValue, at location: String)
  throws(ConfigError) -> Value
{
  do throws(ConfigError) {
    return try ConfigDecoder.decode(type, from: value)
  } catch {
    throw error.prefixed(by: location)
  }
}
