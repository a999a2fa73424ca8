import Foundation

/// `mechanism.csv` (one row per diverged run) and the per-study block of `TABLES.md`.
extension MechanismEvidence {
  /// One row per diverged run, in plan order; empty cells where a value does not exist.
  public var table: CSVTable {
    CSVTable(Self.runColumns, rows: runs)
  }

  static let runColumns: [CSVTable.Column<DivergedRun>] = [
    .init("label") { .text($0.label) },
    .init("id") { .text($0.runID) },
    .init("seed") { .integer($0.seed) },
    .init("divergenceStep") { .integer($0.divergenceStep) },
    .init("windowFirstStep") { .optional($0.windowFirstStep) },
    .init("windowLastStep") { .optional($0.windowLastStep) },
    .init("routerZLoss") { .optional($0.routerZLoss) },
    .init("matchedRuns") { .integer($0.matchedRuns) },
    .init("matchedRouterZLossMedian") { .optional($0.matchedRouterZLossMedian) },
    .init("routerZLossAboveMatched") { run in
      run.routerZLossAboveMatched.map { .text($0 ? "true" : "false") } ?? .empty
    },
    .init("roundoffFlipFraction") { .optional($0.roundoffFlipFraction) },
    .init("matchedRoundoffFlipFractionMedian") {
      .optional($0.matchedRoundoffFlipFractionMedian)
    },
    .init("maxAttentionLogit") { .optional($0.maxAttentionLogit) },
    .init("checkpointRouterZLoss") { .optional($0.checkpointRouterZLoss) },
    .init("routerZLossGrowth") { .optional($0.routerZLossGrowth) },
  ]

  /// A short block: one line per point with divergences.
  public var markdownBlock: String {
    guard !points.isEmpty else {
      return "\nMechanism: no run diverged, so there is no pre-divergence window to compare.\n"
    }
    var text = "\n**Mechanism before divergence** (last \(Self.windowRows) logged rows before "
    text += "each divergence, against the same point's completed runs at the same steps, and "
    text += "against the run's own router z-loss at a quarter of training; `mechanism.csv` has "
    text += "every run):\n\n"
    text += "| Point | diverged (compared) | router z-loss: diverged vs matched median "
    text += "| above matched | router z-loss: at a quarter of training → before divergence "
    text += "(median growth) | flip fraction: diverged vs matched median "
    text += "| max attention logit (bound) |\n|---|---|---|---|---|---|---|\n"
    for point in points {
      let above =
        point.fractionAboveMatched.map {
          "\(Int(($0 * Double(point.compared)).rounded()))/\(point.compared)"
        } ?? "—"
      let attention =
        point.maxAttentionLogit.map { value in
          "\(Self.g(value)) (≤ \(Self.g(point.attentionBound)): "
            + (value <= point.attentionBound ? "bounded)" : "**not bounded**)")
        } ?? "—"
      text += "| \(point.label) | \(point.diverged) (\(point.compared)) "
      text += "| \(Self.g(point.routerZLossMedian)) vs \(Self.g(point.matchedRouterZLossMedian)) "
      text += "| \(above) | \(Self.g(point.checkpointRouterZLossMedian)) → "
      text += "\(Self.g(point.routerZLossMedian)) "
      text += "(×\(Self.g(point.routerZLossGrowthMedian))) "
      text += "| \(Self.g(point.roundoffFlipFractionMedian)) vs "
      text += "\(Self.g(point.matchedRoundoffFlipFractionMedian)) | \(attention) |\n"
    }
    return text
  }

  /// Three significant digits, or "—".
  static func g(_ value: Double?) -> String {
    guard let value else { return "—" }
    return String(format: "%.3g", value)
  }
}
