import Foundation
import MoEConfig
import MoETraining

/// The pre-registered confirmation of a selected pilot point (results/README.md, "The next
/// regime", step 4): the selected point re-run on fresh seeds is **accepted** when all of
/// - **rate**: its divergence rate lies in ``acceptedRates`` ([1/3, 1/2]: 8–12 of 24 runs);
/// - **E1–E3** hold on the confirmation runs (``PilotEligibility`` judged on them; E4 is
///   replaced by the narrower rate criterion);
/// - **neighbours**: in the pilot, at the selected router knob value, the divergence rates of
///   the learning rates next to the selected one (below, selected, above) are non-decreasing in
///   the learning rate, and no two adjacent ones jump from ≤ ``cliffLow`` to ≥ ``cliffHigh``.
public struct RegimeConfirmation: Sendable {
  public static let acceptedRates = (1.0 / 3)...0.5
  public static let cliffLow = 0.1
  public static let cliffHigh = 0.9

  /// The pilot's selected point.
  public let selected: PilotEligibility.Point
  /// The confirmation sweep's point, judged by E1–E3.
  public let confirmation: PilotEligibility.Point
  /// The pilot points at the selected router value with learning rates next to the selected
  /// one, in increasing learning rate (the selected point included).
  public let neighbours: [PilotEligibility.Point]

  public var rateAccepted: Bool {
    confirmation.divergenceRate.map { Self.acceptedRates.contains($0) } ?? false
  }
  public var monotone: Bool { adjacentRates.allSatisfy { $0 <= $1 } }
  public var cliff: Bool {
    adjacentRates.contains { $0 <= Self.cliffLow && $1 >= Self.cliffHigh }
  }
  /// Consecutive pairs of the neighbours' pilot divergence rates (NaN where a point has none,
  /// which fails every comparison).
  private var adjacentRates: [(Double, Double)] {
    let rates = neighbours.map { $0.divergenceRate ?? .nan }
    return Array(zip(rates, rates.dropFirst()))
  }
  public var accepted: Bool {
    rateAccepted && confirmation.e1 && confirmation.e2 && confirmation.e3 && monotone && !cliff
  }

  /// Judges `confirmation` (a sweep of one point) against the pilot's selection. Throws when
  /// the pilot selected nothing or the confirmation sweep has more than one point.
  public init(pilot: PilotEligibility, confirmation: PilotEligibility) throws(ConfigError) {
    guard let index = pilot.selected else {
      throw ConfigError(
        keyPath: "pilot", "selected no point, so there is nothing to confirm",
        suggestion: "run the protocol's next candidate pilot instead")
    }
    guard confirmation.points.count == 1, let point = confirmation.points.first else {
      throw ConfigError(
        keyPath: "axes", "a confirmation sweep has one point, got \(confirmation.points.count)",
        suggestion: "remove the axes and set the selected point's values in base")
    }
    let selected = pilot.points[index]
    self.selected = selected
    self.confirmation = point
    let row = pilot.points.filter { $0.routerValue == selected.routerValue }
      .sorted { ($0.learningRate ?? 0) < ($1.learningRate ?? 0) }
    let position = row.firstIndex { $0.index == selected.index } ?? 0
    neighbours = Array(row[max(0, position - 1)...min(row.count - 1, position + 1)])
  }

  public var markdown: String {
    let g = PilotEligibility.g
    let mark = PilotEligibility.mark
    let c = confirmation
    var text = "# Regime confirmation\n\n"
    text += "Selected pilot point: \(selected.label) (pilot \(selected.diverged)/"
    text += "\(selected.completed + selected.diverged) diverged).\n\n"
    text += "| criterion | measured | pass |\n|---|---|---|\n"
    text += "| diverged in [\(g(Self.acceptedRates.lowerBound)), "
    text += "\(g(Self.acceptedRates.upperBound))] | \(c.diverged)/\(c.completed + c.diverged) "
    text += "= \(g(c.divergenceRate)) | \(mark(rateAccepted)) |\n"
    text += "| E1 median CE − floor ≤ 0.3 | \(g(c.qualityGap)) | \(mark(c.e1)) |\n"
    text += "| E2 learned first (worst gap ≤ 0.5), late (earliest > 0.25) "
    text += "| \(g(c.worstLearnedGap)), \(g(c.earliestDivergenceFraction)) | \(mark(c.e2)) |\n"
    let m = c.mechanism
    text += "| E3 router z-loss above matched (> 0.5), attention ≤ bound, flips > 0 "
    text += "| \(g(m?.fractionAboveMatched)), \(g(m?.maxAttentionLogit)) "
    text += "(\(g(m?.attentionBound))), \(g(m?.maxRoundoffFlipFraction)) | \(mark(c.e3)) |\n"
    let rates = neighbours.map { "\(g($0.learningRate)): \(g($0.divergenceRate))" }
    text += "| pilot neighbours monotone | \(rates.joined(separator: ", ")) | \(mark(monotone)) |\n"
    text += "| no cliff (≤ \(g(Self.cliffLow)) → ≥ \(g(Self.cliffHigh))) | | \(mark(!cliff)) |\n"
    text += "\n**\(accepted ? "Accepted" : "Not accepted").**\n"
    return text
  }
}

extension SweepResults {
  /// Judges this confirmation directory against the pilot directory `pilot` and writes
  /// `confirmation.md` here.
  public func writeConfirmation(pilot: SweepResults, routerKey: String? = nil) throws
    -> RegimeConfirmation
  {
    let pilotPlan = try pilot.plan()
    let pilotEligibility = try PilotEligibility(
      plan: pilotPlan, results: pilot.results(for: pilotPlan),
      metrics: pilot.metrics(for: pilotPlan),
      routerKey: PilotEligibility.routerKey(routerKey, plan: pilotPlan))
    let plan = try self.plan()
    let own = try PilotEligibility(
      plan: plan, results: results(for: plan), metrics: metrics(for: plan), routerKey: nil)
    let confirmation = try RegimeConfirmation(pilot: pilotEligibility, confirmation: own)
    try AtomicFile.write(
      confirmation.markdown, to: directory.appendingPathComponent("confirmation.md"))
    return confirmation
  }
}
