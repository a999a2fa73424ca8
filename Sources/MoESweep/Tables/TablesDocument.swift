import Foundation
import MoEStats
import MoETraining

/// `results/TABLES.md`: for every study and every row, the paper's fraction stable and
/// quality, ours (fraction stable with its interval, quality mean ± sd), the difference from
/// our baseline with p-values, and whether the direction agrees with the paper. Built only from
/// the runs on disk, so rebuilding from the committed runs reproduces it byte for byte.
public struct TablesDocument: Sendable {
  public struct Entry: Sendable {
    public var study: Study
    public var report: SweepReport
    public var sensitivity: LearningRateSensitivity?
    public init(study: Study, report: SweepReport, sensitivity: LearningRateSensitivity?) {
      self.study = study
      self.report = report
      self.sensitivity = sensitivity
    }
  }

  public var entries: [Entry]
  /// Free text placed under the title (the regime, how the file was made).
  public var preamble: String

  public init(entries: [Entry], preamble: String) {
    self.entries = entries
    self.preamble = preamble
  }

  public var markdown: String {
    var text = "# The ST-MoE stability tables at CPU scale\n\n" + preamble + "\n"
    for entry in entries { text += section(entry) }
    return text
  }

  static func f(_ value: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }
  static func p(_ value: Double) -> String { value < 0.001 ? String(format: "%.1e", value) : f(value) }

  func section(_ entry: Entry) -> String {
    let report = entry.report
    var text = "\n## \(entry.study.title)\n\n`sweeps/\(entry.study.name).json` → `results/\(entry.study.name)/`. "
    text += entry.study.note + "\n\n"
    if entry.study.rows.isEmpty, let sensitivity = entry.sensitivity {
      return text + sensitivityTable(sensitivity)
    }
    text += "| Row | Paper: stable | Paper: quality | Ours: stable | Ours: divergence rate [95% Wilson] "
    text += "| Ours: quality mean ± sd | Δ quality vs our baseline (p Welch) | p divergence vs baseline (Fisher) "
    text += "| Paper: direction | Ours: stability agrees? | Ours: quality direction agrees? |\n"
    text += "|---|---|---|---|---|---|---|---|---|---|---|\n"
    let baseline = report.points[report.plan.points.first { report.plan.isBaseline($0) }?.index ?? 0]
    for row in entry.study.rows {
      guard let index = report.plan.points.firstIndex(where: { $0.label == row.label }) else {
        text += "| \(row.label) | missing from the sweep file |||||||||\n"
        continue
      }
      let stats = report.points[index]
      let isBaseline = report.plan.isBaseline(report.plan.points[index])
      let paperQuality = row.paperQuality.map { Self.f($0) + (row.paperQualitySD.map { " ± " + Self.f($0, 2) } ?? "") } ?? "—"
      let stable = "\(stats.completed)/\(stats.finished)" + (stats.crashed > 0 ? " (+\(stats.crashed) crashed)" : "")
      let rate = stats.divergenceRate.map { r in
        Self.f(r, 2) + (stats.wilson.map { " [\(Self.f($0.lower, 2)), \(Self.f($0.upper, 2))]" } ?? "")
      } ?? "—"
      let quality = stats.quality.map { q in Self.f(q.mean) + (q.standardDeviation.map { " ± " + Self.f($0) } ?? "") } ?? "— (none completed)"
      var delta = "—", fisher = "—"
      if !isBaseline {
        if let d = stats.qualityDifference {
          delta = (d >= 0 ? "+" : "") + Self.f(d) + (stats.welch.map { " (p \(Self.p($0.pValue)))" } ?? "")
        }
        if let comparison = stats.divergenceComparison { fisher = Self.p(comparison.pValue) }
      }
      let stability = isBaseline ? "baseline" : stabilityAgreement(row.expectation, stats, baseline)
      let qualityAgreement = isBaseline ? "baseline" : qualityDirection(row.paperQualityDelta, stats.qualityDifference)
      text += "| \(row.label) | \(row.paperStable ?? "—") | \(paperQuality) | \(stable) | \(rate) | \(quality) "
      text += "| \(delta) | \(fisher) | \(row.expectation.rawValue) | \(stability) | \(qualityAgreement) |\n"
    }
    text += "\nSources: " + Array(Set(entry.study.rows.map(\.source))).sorted().joined(separator: "; ") + ".\n"
    if let sensitivity = entry.sensitivity { text += sensitivityTable(sensitivity) }
    return text
  }

  /// "yes (significant)" / "same direction, not significant" / "no difference" / "no: …".
  func stabilityAgreement(_ expectation: PaperRow.Expectation, _ row: VariantStatistics, _ baseline: VariantStatistics) -> String {
    guard expectation != .none else { return "—" }
    guard let mine = row.divergenceRate, let theirs = baseline.divergenceRate else { return "not enough runs" }
    let significant = (row.divergenceComparison?.pValue ?? 1) <= 0.05
    let wanted = expectation == .moreStable ? mine < theirs : mine > theirs
    if mine == theirs { return "no difference (does not reproduce)" }
    if wanted { return significant ? "**yes** (p ≤ 0.05)" : "same direction, not significant" }
    return significant ? "**no**: the opposite, significant" : "no: opposite direction, not significant"
  }

  func qualityDirection(_ paper: Double?, _ ours: Double?) -> String {
    guard let paper, let ours else { return "—" }
    if paper == 0 || ours == 0 { return "—" }
    return (paper > 0) == (ours > 0) ? "yes (\(paper > 0 ? "better" : "worse"))" : "no (paper \(paper > 0 ? "better" : "worse"), ours \(ours > 0 ? "better" : "worse"))"
  }

  func sensitivityTable(_ sensitivity: LearningRateSensitivity) -> String {
    var text = "| Group | LR sensitivity | best LR | best eval loss | lower than the baseline's? |\n|---|---|---|---|---|\n"
    let base = sensitivity.groups.first?.sensitivity
    for (index, group) in sensitivity.groups.enumerated() {
      let s = group.sensitivity.map { Self.f($0) } ?? "—"
      var agrees = "baseline"
      if index > 0 {
        if let s = group.sensitivity, let base { agrees = s < base ? "yes (as Wortsman et al.)" : "no (does not reproduce)" } else { agrees = "—" }
      }
      text += "| \(group.label) | \(s) | \(group.bestLearningRate.map { "\($0)" } ?? "—") "
      text += "| \(group.bestLoss.map { Self.f($0) } ?? "—") | \(agrees) |\n"
    }
    text += "\nLR sensitivity = mean over the peak rates of min(final eval loss, ln V) − the best of them, averaged over seeds; diverged runs count as ln V (Wortsman et al. 2023, §2.2). Lower is more robust.\n"
    return text
  }
}
