import Foundation
import MoEConfig
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
  }

  public static let key = "schedule.learningRate"
  public let groups: [Group]

  /// Nil when the plan has no learning-rate axis.
  public init?(plan: SweepPlan, results: [String: RunResult]) {
    guard plan.points.contains(where: { $0.axisValue(Self.key) != nil }) else { return nil }
    var groups: [Group] = []
    var order: [String] = []
    var byLabel: [String: [(rate: Double, losses: [Double])]] = [:]
    var initial: [String: Double] = [:]
    for point in plan.points {
      guard let rate = Self.number(point.axisValue(Self.key)) else { continue }
      let others = point.axisValues.filter { $0.keyPath != Self.key }
        .map { "\($0.keyPath.split(separator: ".").last!)=\($0.value.canonicalText)" }
      let label = ([point.variantLabel].compactMap { $0 } + others).joined(separator: ", ")
      let runs = plan.runs.filter { $0.pointIndex == point.index }
      let initialLoss = log(Double(runs.first?.config.model.vocabSize ?? 2))
      let losses: [Double] = runs.compactMap { run in
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
      let means = entries.map { $0.losses.isEmpty ? nil : $0.losses.reduce(0, +) / Double($0.losses.count) }
      let finite = zip(entries, means).compactMap { entry, mean in mean.map { (entry.rate, $0) } }
      let best = finite.min { $0.1 < $1.1 }
      var sensitivity: Double?
      if let best, finite.count == entries.count {
        sensitivity = finite.map { $0.1 - best.1 }.reduce(0, +) / Double(finite.count)
      }
      groups.append(Group(
        label: label, learningRates: entries.map(\.rate), meanLoss: means, initialLoss: initial[label]!,
        bestLearningRate: best?.0, bestLoss: best?.1, sensitivity: sensitivity))
    }
    self.groups = groups
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
  ]

  public var markdown: String {
    var text = "\n## Learning-rate sensitivity (Wortsman et al. 2023)\n\n"
    text += "| Group | LR sensitivity | best LR | best loss |\n|---|---|---|---|\n"
    for group in groups {
      let s = group.sensitivity.map { String(format: "%.3f", $0) } ?? "–"
      let lr = group.bestLearningRate.map { "\($0)" } ?? "–"
      let loss = group.bestLoss.map { String(format: "%.3f", $0) } ?? "–"
      text += "| \(group.label) | \(s) | \(lr) | \(loss) |\n"
    }
    text += "\nmean over rates of min(eval loss, ln V) − the best; diverged runs count as ln V.\n"
    return text
  }
}
