import Foundation
import MoEConfig
import MoEStats
import MoETraining

/// Learning-rate sensitivity (Wortsman et al. 2023, §2.2) of each group of points that differ
/// only in `schedule.learningRate`:
///
///   sensitivity = mean over η of [ min(ℓ(η), ℓ₀) − ℓ* ],   ℓ* = min over η of min(ℓ(η), ℓ₀)
///
/// with ℓ(η) the final held-out cross-entropy at peak rate η averaged over seeds, a diverged
/// run counting as ℓ₀ (the min caps it there), and ℓ₀ = ln V, the loss of the uniform
/// prediction a freshly initialised model makes. Crashed and missing runs are left out.
/// The metric is 0 when every rate reaches the same loss, and grows with how much loss the
/// rates away from the best one cost.
///
/// **Difference from the baseline group** (the group holding the sweep's baseline point, else
/// the first), with a seed-paired percentile bootstrap interval (``PairedBootstrap``,
/// ``bootstrapResamples`` replicates from ``bootstrapSeed``, so the interval is reproducible):
/// each replicate resamples seed *positions* with replacement and recomputes both groups'
/// sensitivities on the same positions, so the runs of one seed (all its rates, and the
/// baseline's run at that position) stay together. Without `seeds.perVariant` a position is the
/// same seed in both groups; with it, the groups' seeds differ and the pairing only keeps each
/// group's rates together.
public struct LearningRateSensitivity: Sendable {
  public struct Group: Sendable {
    public var label: String
    public var learningRates: [Double]
    /// Mean capped loss per rate (nil where no run finished).
    public var meanLoss: [Double?]
    public var initialLoss: Double
    public var bestLearningRate: Double?
    public var bestLoss: Double?
    public var sensitivity: Double?
    /// Capped loss per rate (outer, as ``learningRates``) and seed position (inner); nil for a
    /// crashed or missing run.
    public var losses: [[Double?]]
    /// Sensitivity minus the baseline group's, and its bootstrap interval (nil for the
    /// baseline group itself or when undefined).
    public var difference: Double?
    public var differenceInterval: ClosedRange<Double>?
  }

  public static let key = "schedule.learningRate"
  /// Bootstrap replicates and SplitMix64 seed of the difference intervals.
  public static let bootstrapResamples = 4000
  public static let bootstrapSeed: UInt64 = 20_230_901
  public let groups: [Group]
  /// Index in ``groups`` of the group the others are compared with.
  public let baselineGroup: Int

  /// Nil when the plan has no learning-rate axis.
  public init?(plan: SweepPlan, results: [String: RunResult]) {
    guard plan.points.contains(where: { $0.axisValue(Self.key) != nil }) else { return nil }
    var groups: [Group] = []
    var order: [String] = []
    var byLabel: [String: [(rate: Double, losses: [Double?])]] = [:]
    var initial: [String: Double] = [:]
    var baselineLabel: String?
    for point in plan.points {
      guard let rate = Self.number(point.axisValue(Self.key)) else { continue }
      let others = point.axisValues.filter { $0.keyPath != Self.key }
        .map { "\($0.keyPath.split(separator: ".").last!)=\($0.value.canonicalText)" }
      let label = ([point.variantLabel].compactMap { $0 } + others).joined(separator: ", ")
      if baselineLabel == nil && plan.isBaseline(point) { baselineLabel = label }
      let runs = plan.runs.filter { $0.pointIndex == point.index }
      let initialLoss = log(Double(runs.first?.config.model.vocabSize ?? 2))
      let losses: [Double?] = runs.map { run in
        guard let result = results[run.id] else { return nil }
        switch result.status {
        case .completed: return min(result.evaluationCrossEntropy ?? initialLoss, initialLoss)
        case .diverged: return initialLoss
        case .crashed: return nil
        }
      }
      if byLabel[label] == nil { order.append(label) }
      byLabel[label, default: []].append((rate, losses))
      initial[label] = initialLoss
    }
    for label in order {
      let entries = byLabel[label]!.sorted { $0.rate < $1.rate }
      let losses = entries.map(\.losses)
      let means = Self.meanLosses(losses, positions: nil)
      let finite = zip(entries, means).compactMap { entry, mean in mean.map { (entry.rate, $0) } }
      let best = finite.min { $0.1 < $1.1 }
      groups.append(
        Group(
          label: label, learningRates: entries.map(\.rate), meanLoss: means,
          initialLoss: initial[label]!,
          bestLearningRate: best?.0, bestLoss: best?.1, sensitivity: Self.sensitivity(means),
          losses: losses))
    }
    let baseline = baselineLabel.flatMap { order.firstIndex(of: $0) } ?? 0
    for index in groups.indices where index != baseline {
      (groups[index].difference, groups[index].differenceInterval) =
        Self.difference(groups[index].losses, groups[baseline].losses)
    }
    self.groups = groups
    baselineGroup = baseline
  }

  /// Mean loss per rate over the seed `positions` (all when nil), skipping missing runs.
  static func meanLosses(_ losses: [[Double?]], positions: [Int]?) -> [Double?] {
    losses.map { perSeed in
      let values = (positions ?? Array(perSeed.indices)).compactMap { perSeed[$0] }
      return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
  }

  /// Mean over rates of (mean loss − the best); nil when a rate has no finished run.
  static func sensitivity(_ means: [Double?]) -> Double? {
    let finite = means.compactMap { $0 }
    guard let best = finite.min(), finite.count == means.count else { return nil }
    return finite.map { $0 - best }.reduce(0, +) / Double(finite.count)
  }

  /// Sensitivity of `group` minus that of `baseline`, and its seed-paired bootstrap interval.
  static func difference(_ group: [[Double?]], _ baseline: [[Double?]])
    -> (Double?, ClosedRange<Double>?)
  {
    let seedCount = min(group.map(\.count).min() ?? 0, baseline.map(\.count).min() ?? 0)
    func statistic(_ positions: [Int]?) -> Double? {
      guard let mine = sensitivity(meanLosses(group, positions: positions)),
        let theirs = sensitivity(meanLosses(baseline, positions: positions))
      else { return nil }
      return mine - theirs
    }
    let estimate = statistic(seedCount > 0 ? Array(0..<seedCount) : nil)
    guard estimate != nil,
      let bootstrap = try? PairedBootstrap(resamples: bootstrapResamples, seed: bootstrapSeed),
      let interval = try? bootstrap.interval(unitCount: seedCount, statistic: statistic)
    else { return (estimate, nil) }
    return (estimate, interval.range)
  }

  static func number(_ value: JSONValue?) -> Double? {
    switch value {
    case .number(let x): return x
    case .integer(let x): return Double(x)
    default: return nil
    }
  }

  /// One row per group: sensitivity, best rate and loss, then the mean capped loss per rate.
  public var table: CSVTable {
    let rates = Array(Set(groups.flatMap(\.learningRates))).sorted()
    let meanLossColumns = rates.map { rate in
      CSVTable.Column<Group>("meanLoss_learningRate=\(rate)") { group in
        .optional(group.learningRates.firstIndex(of: rate).flatMap { group.meanLoss[$0] })
      }
    }
    return CSVTable(Self.groupColumns + meanLossColumns, rows: groups)
  }

  static let groupColumns: [CSVTable.Column<Group>] = [
    .init("group") { .text($0.label) },
    .init("sensitivity") { .optional($0.sensitivity) },
    .init("bestLearningRate") { .optional($0.bestLearningRate) },
    .init("bestLoss") { .optional($0.bestLoss) },
    .init("initialLoss") { .number($0.initialLoss) },
    .init("sensitivityDifference") { .optional($0.difference) },
    .init("sensitivityDifferenceLower") { .optional($0.differenceInterval?.lowerBound) },
    .init("sensitivityDifferenceUpper") { .optional($0.differenceInterval?.upperBound) },
    .init("bootstrapResamples") { _ in .integer(LearningRateSensitivity.bootstrapResamples) },
  ]

  public var markdown: String {
    var text = "\n## Learning-rate sensitivity (Wortsman et al. 2023)\n\n"
    text += "| Group | LR sensitivity | Δ vs baseline [95% paired bootstrap] | best LR "
    text += "| best loss |\n"
    text += "|---|---|---|---|---|\n"
    for (index, group) in groups.enumerated() {
      let s = group.sensitivity.map { String(format: "%.3f", $0) } ?? "–"
      let lr = group.bestLearningRate.map { "\($0)" } ?? "–"
      let loss = group.bestLoss.map { String(format: "%.3f", $0) } ?? "–"
      let difference = index == baselineGroup ? "baseline" : differenceText(group)
      text += "| \(group.label) | \(s) | \(difference) | \(lr) | \(loss) |\n"
    }
    text += "\nmean over rates of min(eval loss, ln V) − the best; diverged runs count as ln V. "
    text += "Interval: \(Self.bootstrapResamples) seed-paired bootstrap resamples, "
    text += "SplitMix64 seed \(Self.bootstrapSeed).\n"
    return text
  }

  /// "+0.123 [a, b]", or "–" when undefined.
  func differenceText(_ group: Group) -> String {
    guard let difference = group.difference else { return "–" }
    let sign = difference >= 0 ? "+" : ""
    let interval =
      group.differenceInterval.map {
        String(format: " [%.3f, %.3f]", $0.lowerBound, $0.upperBound)
      } ?? ""
    return sign + String(format: "%.3f", difference) + interval
  }
}
