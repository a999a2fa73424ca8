import Foundation
import MoETraining

/// `eligibility.csv` (one row per point, every criterion's measured value and verdict) and
/// `eligibility.md` (the rule, the table, the selection or why nothing was selected).
extension PilotEligibility {
  public var table: CSVTable {
    let key = routerKey ?? "routerKnob"
    let columns: [CSVTable.Column<Point>] = [
      .init("label") { .text($0.label) },
      .init(key) { .optional($0.routerValue) },
      .init(LearningRateSensitivity.key) { .optional($0.learningRate) },
      .init("completed") { .integer($0.completed) },
      .init("diverged") { .integer($0.diverged) },
      .init("divergenceRate") { .optional($0.divergenceRate) },
      .init("crossEntropyFloor") { .optional($0.crossEntropyFloor) },
      .init("completedMedianCrossEntropy") { .optional($0.completedMedianCrossEntropy) },
      .init("e1QualityGap") { .optional($0.qualityGap) },
      .init("e1") { Self.flag($0.e1) },
      .init("e2WorstLearnedGap") { .optional($0.worstLearnedGap) },
      .init("e2EarliestDivergenceFraction") { .optional($0.earliestDivergenceFraction) },
      .init("e2") { Self.flag($0.e2) },
      .init("e3FractionAboveMatched") { .optional($0.mechanism?.fractionAboveMatched) },
      .init("e3MaxAttentionLogit") { .optional($0.mechanism?.maxAttentionLogit) },
      .init("e3AttentionBound") { .optional($0.mechanism?.attentionBound) },
      .init("e3MaxRoundoffFlipFraction") { .optional($0.mechanism?.maxRoundoffFlipFraction) },
      .init("e3") { Self.flag($0.e3) },
      .init("e4") { Self.flag($0.e4) },
      .init("eligible") { Self.flag($0.eligible) },
    ]
    let selected = self.selected.map { points[$0].index }
    return CSVTable(
      columns + [.init("selected") { Self.flag($0.index == selected) }], rows: points)
  }

  static func flag(_ value: Bool) -> CSVTable.Cell { .text(value ? "true" : "false") }

  public var markdown: String {
    let t = thresholds
    var text = "# Pilot eligibility\n\n"
    text += "Router knob: `\(routerKey ?? "none")`. A point is eligible when all hold:\n"
    text += "E1 completed runs' median eval CE − floor ≤ \(t.qualityGap) nats; "
    text += "E2 every diverged run's best smoothed CE (trailing mean of \(t.smoothingRows) "
    text += "logged rows) − floor ≤ \(t.learnedGap) nats and every divergence after "
    text += "\(t.lateFraction) of training; E3 in more than half of the diverged runs the "
    text += "pre-divergence router z-loss exceeds the step-matched completed median, the "
    text += "pre-divergence attention logits stay ≤ the bound, and roundoff flips are above 0; "
    text += "E4 divergence rate in [\(t.rateRange.lowerBound), \(t.rateRange.upperBound)]. "
    text += "Selection: the smallest router knob with an eligible point, then the rate closest "
    text += "to \(t.targetRate).\n\n"
    text += "| Point | rate | E1 gap | E2 worst gap, earliest | E3 above matched, attention "
    text += "(bound), max flips | E4 | eligible |\n|---|---|---|---|---|---|---|\n"
    for point in points {
      let e3 =
        point.mechanism.map { m in
          "\(Self.g(m.fractionAboveMatched)), \(Self.g(m.maxAttentionLogit)) "
            + "(\(Self.g(m.attentionBound))), \(Self.g(m.maxRoundoffFlipFraction))"
        } ?? "no diverged run"
      text += "| \(point.label) | \(point.diverged)/\(point.completed + point.diverged) "
      text += "| \(Self.mark(point.e1)) \(Self.g(point.qualityGap)) "
      text += "| \(Self.mark(point.e2)) \(Self.g(point.worstLearnedGap)), "
      text += "\(Self.g(point.earliestDivergenceFraction)) | \(Self.mark(point.e3)) \(e3) "
      text += "| \(Self.mark(point.e4)) \(Self.g(point.divergenceRate)) "
      text += "| \(point.eligible ? "**yes**" : "no") |\n"
    }
    if let selected {
      text += "\n**Selected**: \(points[selected].label).\n"
    } else {
      text += "\n**No point is eligible.** Per criterion, the points that pass: "
      text += "E1 \(points.filter(\.e1).count), E2 \(points.filter(\.e2).count), "
      text += "E3 \(points.filter(\.e3).count), E4 \(points.filter(\.e4).count) "
      text += "of \(points.count).\n"
    }
    return text
  }

  static func mark(_ pass: Bool) -> String { pass ? "✓" : "✗" }
  static func g(_ value: Double?) -> String { MechanismEvidence.g(value) }
}

extension SweepResults {
  /// Evaluates the eligibility rule on this pilot directory and writes `eligibility.csv` and
  /// `eligibility.md`; `routerKey` as ``PilotEligibility/routerKey(_:plan:)``.
  @discardableResult
  public func writeEligibility(routerKey: String? = nil) throws -> PilotEligibility {
    let plan = try self.plan()
    let key = try PilotEligibility.routerKey(routerKey, plan: plan)
    let eligibility = try PilotEligibility(
      plan: plan, results: results(for: plan), metrics: metrics(for: plan), routerKey: key)
    let files = ["eligibility.csv": eligibility.table.text, "eligibility.md": eligibility.markdown]
    for (name, text) in files.sorted(by: { $0.key < $1.key }) {
      try AtomicFile.write(text, to: directory.appendingPathComponent(name))
    }
    return eligibility
  }
}
