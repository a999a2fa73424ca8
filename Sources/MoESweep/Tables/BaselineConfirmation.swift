import Foundation
import MoETraining

/// Protocol 4's confirmation of its regime on the studies' own baselines (results/README.md,
/// "Protocol 4", step 2): **accepted** when, over every study's baseline together, at least
/// ``minimumRate`` of the finished runs diverged, every divergence came after a quarter of
/// training from a model that first came within 0.5 nats of the floor (E2 of
/// ``PilotEligibility``), and attention stayed bounded before every divergence.
public struct BaselineConfirmation: Sendable {
  public static let minimumRate = 0.75

  /// One study's baseline, judged by ``PilotEligibility`` (its E2 and mechanism columns).
  public struct Baseline: Sendable {
    public var study: String
    public var point: PilotEligibility.Point
  }

  public let baselines: [Baseline]

  public var diverged: Int { baselines.map(\.point.diverged).reduce(0, +) }
  public var finished: Int {
    baselines.map { $0.point.completed + $0.point.diverged }.reduce(0, +)
  }
  public var rate: Double? { finished > 0 ? Double(diverged) / Double(finished) : nil }
  public var rateHolds: Bool { rate.map { $0 >= Self.minimumRate } ?? false }
  /// E2 on every baseline's diverged runs.
  public var learnedFirst: Bool { baselines.allSatisfy(\.point.e2) }
  public var attentionBounded: Bool {
    baselines.allSatisfy { $0.point.mechanism?.attentionBounded ?? ($0.point.diverged == 0) }
  }
  public var accepted: Bool { rateHolds && learnedFirst && attentionBounded }

  /// The baseline point of every study with comparison rows (the sensitivity study has none).
  public init(entries: [TablesDocument.Entry]) throws {
    var baselines: [Baseline] = []
    for entry in entries where !entry.study.rows.isEmpty {
      let report = entry.report
      guard let baseline = report.plan.points.first(where: report.plan.isBaseline) else {
        continue
      }
      let eligibility = try PilotEligibility(
        plan: report.plan, results: report.results, metrics: report.metrics, routerKey: nil)
      baselines.append(
        Baseline(study: entry.study.name, point: eligibility.points[baseline.index]))
    }
    self.baselines = baselines
  }

  /// A paragraph and a table for `TABLES.md`.
  var markdown: String {
    let g = PilotEligibility.g
    let mark = PilotEligibility.mark
    var text = "\n**Regime confirmation on the studies' baselines** (protocol 4, step 2): "
    text += accepted ? "**accepted**" : "**not accepted**"
    text += ". Together \(diverged)/\(finished) = \(g(rate)) diverged (≥ \(g(Self.minimumRate))"
    text += " \(mark(rateHolds))); every divergence after learning (E2: best smoothed CE within "
    text += "0.5 nats of the floor, after a quarter of training) \(mark(learnedFirst)); "
    text += "attention bounded before every divergence \(mark(attentionBounded)).\n\n"
    text += "| Study | baseline diverged | worst learned gap (≤ 0.5) | earliest divergence / steps "
    text += "(> 0.25) | max attention logit (bound) |\n|---|---|---|---|---|\n"
    for baseline in baselines {
      let p = baseline.point
      let attention =
        p.mechanism.map { "\(g($0.maxAttentionLogit)) (\(g($0.attentionBound)))" } ?? "—"
      text += "| \(baseline.study) | \(p.diverged)/\(p.completed + p.diverged) "
      text += "| \(g(p.worstLearnedGap)) | \(g(p.earliestDivergenceFraction)) | \(attention) |\n"
    }
    return text
  }
}
