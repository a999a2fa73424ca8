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
    public var mechanism: MechanismEvidence?
    public init(
      study: Study, report: SweepReport, sensitivity: LearningRateSensitivity?,
      mechanism: MechanismEvidence? = nil
    ) {
      self.study = study
      self.report = report
      self.sensitivity = sensitivity
      self.mechanism = mechanism
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
    text += Self.statisticsNote
    let holm = (try? holmPValues()) ?? [:]
    for (index, entry) in entries.enumerated() {
      text += section(
        entry,
        holm: holm.filter { $0.key.entry == index }.reduce(into: [:]) {
          $0[$1.key.label] = $1.value
        })
    }
    return text
  }

  static let statisticsNote = """

    **Statistics.** The primary test, declared before the runs: divergence counts against the
    study's baseline by Fisher's exact test (two-sided), Holm-adjusted across every intervention
    row of this file together. The divergence-rate difference (row − baseline) carries its 95%
    Newcombe (hybrid Wilson) interval, and the verdict follows that interval: "no detectable
    difference" says the interval contains 0, not that the paper fails. Quality is shown twice:
    over completed runs (survivors only), and as the training cross-entropy at a quarter of
    training of every run that reached it; the quality-direction verdict uses the latter's 95%
    Welch interval. The diverged runs' divergence steps are shown as median [range]; each
    study's `summary.csv` adds a secondary log-rank test of the time to divergence (completed
    runs censored at the last step) against the baseline.

    """

  /// A row of the file, by its study's position and its label.
  struct RowKey: Hashable {
    var entry: Int
    var label: String
  }

  /// Holm-adjusted Fisher p-values of every non-baseline row present in its sweep, all studies
  /// together (one family: the file's claims).
  func holmPValues() throws -> [RowKey: Double] {
    var keys: [RowKey] = []
    var pValues: [Double] = []
    for (index, entry) in entries.enumerated() {
      let report = entry.report
      for row in entry.study.rows {
        guard let point = report.plan.points.first(where: { $0.label == row.label }),
          !report.plan.isBaseline(point),
          let comparison = report.points[point.index].divergenceComparison
        else { continue }
        keys.append(RowKey(entry: index, label: row.label))
        pValues.append(comparison.pValue)
      }
    }
    let adjusted = try MultipleTesting.holmAdjusted(pValues)
    return Dictionary(uniqueKeysWithValues: zip(keys, adjusted))
  }

  /// The adjusted p-values of the first study's rows, by label (for tests and tools).
  public func holmPValuesByRow() throws -> [String: Double] {
    try holmPValues().filter { $0.key.entry == 0 }.reduce(into: [:]) { $0[$1.key.label] = $1.value }
  }

  static func f(_ value: Double, _ digits: Int = 3) -> String {
    String(format: "%.\(digits)f", value)
  }
  static func p(_ value: Double) -> String {
    value < 0.001 ? String(format: "%.1e", value) : f(value)
  }
  static func signed(_ value: Double, _ digits: Int = 3) -> String {
    (value >= 0 ? "+" : "") + f(value, digits)
  }
  static func interval(_ range: ClosedRange<Double>, _ digits: Int = 2) -> String {
    "[\(f(range.lowerBound, digits)), \(f(range.upperBound, digits))]"
  }

  func section(_ entry: Entry, holm: [String: Double]) -> String {
    let report = entry.report
    var text =
      "\n## \(entry.study.title)\n\n`sweeps/\(entry.study.name).json` → `results/\(entry.study.name)/`. "
    text += entry.study.note + "\n\n"
    if entry.study.rows.isEmpty, let sensitivity = entry.sensitivity {
      return text + sensitivityTable(sensitivity)
    }
    text +=
      "| Row | Paper: stable | Paper: quality | Ours: stable | Ours: divergence rate [95% Wilson] "
    text += "| Ours: diverged at step, median [range] "
    text += "| Δ divergence rate vs baseline [95% Newcombe] | p Fisher (Holm, all rows) "
    text += "| Ours: quality mean ± sd (completed) | Δ quality, completed (p Welch) "
    text += "| Ours: CE at checkpoint, mean ± sd (n) | Δ CE at checkpoint [95% Welch] "
    text += "| Paper: direction | Ours: divergence verdict | Ours: quality direction agrees? |\n"
    text += "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    for row in entry.study.rows {
      guard let index = report.plan.points.firstIndex(where: { $0.label == row.label }) else {
        text += "| \(row.label) | missing from the sweep file |||||||||||||\n"
        continue
      }
      let stats = report.points[index]
      let isBaseline = report.plan.isBaseline(report.plan.points[index])
      let paperQuality =
        row.paperQuality.map {
          Self.f($0) + (row.paperQualitySD.map { " ± " + Self.f($0, 2) } ?? "")
        } ?? "—"
      let stable =
        "\(stats.completed)/\(stats.finished)"
        + (stats.crashed > 0 ? " (+\(stats.crashed) crashed)" : "")
      let rate =
        stats.divergenceRate.map { r in
          Self.f(r, 2)
            + (stats.wilson.map { " [\(Self.f($0.lower, 2)), \(Self.f($0.upper, 2))]" } ?? "")
        } ?? "—"
      let divergenceSteps =
        stats.divergenceStepSummary.map { steps in
          "\(Self.f(steps.median, 0)) [\(Self.f(steps.minimum, 0)), \(Self.f(steps.maximum, 0))]"
        } ?? "—"
      let quality =
        stats.quality.map { q in
          Self.f(q.mean) + (q.standardDeviation.map { " ± " + Self.f($0) } ?? "")
        } ?? "— (none completed)"
      let checkpoint =
        stats.checkpointSummary.map { c in
          "step \(stats.checkpoint.step ?? 0): " + Self.f(c.mean)
            + (c.standardDeviation.map { " ± " + Self.f($0) } ?? "") + " (n=\(c.count))"
        } ?? "—"
      var delta = "—", difference = "—", fisher = "—", checkpointDelta = "—"
      if !isBaseline {
        if let d = stats.qualityDifference {
          delta = Self.signed(d) + (stats.welch.map { " (p \(Self.p($0.pValue)))" } ?? "")
        }
        if let d = stats.divergenceComparison?.difference {
          difference = Self.signed(d.estimate, 2) + " " + Self.interval(d.range)
        }
        if let comparison = stats.divergenceComparison {
          fisher = Self.p(holm[row.label] ?? comparison.pValue)
        }
        if let d = stats.checkpointDifference {
          checkpointDelta =
            Self.signed(d)
            + (stats.checkpointDifferenceInterval.map { " " + Self.interval($0, 3) } ?? "")
        }
      }
      let stability =
        isBaseline ? "baseline" : divergenceVerdict(row.expectation, stats, holm: holm[row.label])
      let qualityAgreement =
        isBaseline ? "baseline" : qualityDirection(row.paperQualityDelta, stats)
      text += "| \(row.label) | \(row.paperStable ?? "—") | \(paperQuality) | \(stable) | \(rate) "
      text +=
        "| \(divergenceSteps) | \(difference) | \(fisher) | \(quality) | \(delta) | \(checkpoint) "
      text += "| \(checkpointDelta) "
      text += "| \(row.expectation.rawValue) | \(stability) | \(qualityAgreement) |\n"
    }
    text +=
      "\nSources: " + Array(Set(entry.study.rows.map(\.source))).sorted().joined(separator: "; ")
      + ".\n"
    if let mechanism = entry.mechanism { text += mechanism.markdownBlock }
    if let sensitivity = entry.sensitivity { text += sensitivityTable(sensitivity) }
    return text
  }

  /// The divergence verdict from the Holm-adjusted Fisher p and the Newcombe interval:
  /// "fewer divergences (difference in [a, b], Holm p = …)" when significant, prefixed by
  /// whether that is the paper's direction; "more divergences, not significant after Holm" when
  /// only the (unadjusted) interval excludes 0; "no detectable difference (difference in
  /// [a, b])" when the interval contains 0.
  func divergenceVerdict(
    _ expectation: PaperRow.Expectation, _ row: VariantStatistics, holm: Double?
  ) -> String {
    guard let comparison = row.divergenceComparison, let difference = comparison.difference,
      let holm
    else { return "not enough runs" }
    let range = "difference in " + Self.interval(difference.range)
    guard holm <= 0.05, difference.estimate != 0 else {
      // The Newcombe interval is not adjusted for the many rows; when it excludes 0 but the
      // Holm-adjusted test does not reject, say so rather than "no difference".
      if !difference.range.contains(0) {
        let direction = difference.estimate < 0 ? "fewer" : "more"
        return "\(direction) divergences, not significant after Holm (\(range), Holm p = "
          + "\(Self.p(holm)))"
      }
      return "no detectable difference (\(range), Holm p = \(Self.p(holm)))"
    }
    let fewer = difference.estimate < 0
    let words = "\(fewer ? "fewer" : "more") divergences (\(range), Holm p = \(Self.p(holm)))"
    switch expectation {
    case .none: return words
    case .moreStable: return (fewer ? "**yes**: " : "**no**: ") + words
    case .lessStable: return (fewer ? "**no**: " : "**yes**: ") + words
    }
  }

  /// The quality direction from the checkpoint cross-entropy's Welch interval (quality = −CE,
  /// so a CE interval below 0 is "better"), against the paper's quality difference.
  func qualityDirection(_ paper: Double?, _ row: VariantStatistics) -> String {
    guard let paper, paper != 0 else { return "—" }
    guard let ce = row.checkpointDifferenceInterval, let step = row.checkpoint.step else {
      return "— (no checkpoint comparison)"
    }
    let quality = -ce.upperBound...(-ce.lowerBound)
    let range = "Δ quality at step \(step) in " + Self.interval(quality, 3)
    let paperWord = paper > 0 ? "better" : "worse"
    if quality.contains(0) { return "no detectable difference (\(range); paper \(paperWord))" }
    let ours = quality.lowerBound > 0 ? "better" : "worse"
    return ours == paperWord
      ? "yes (\(ours): \(range))" : "no (paper \(paperWord), ours \(ours): \(range))"
  }

  func sensitivityTable(_ sensitivity: LearningRateSensitivity) -> String {
    var text = "| Group | LR sensitivity | Δ vs baseline [95% paired bootstrap] | best LR "
    text += "| best eval loss | lower than the baseline's? |\n|---|---|---|---|---|---|\n"
    for (index, group) in sensitivity.groups.enumerated() {
      let s = group.sensitivity.map { Self.f($0) } ?? "—"
      var difference = "baseline", agrees = "baseline"
      if index != sensitivity.baselineGroup {
        difference = sensitivity.differenceText(group)
        agrees = Self.sensitivityVerdict(group.differenceInterval)
      }
      let rate = group.bestLearningRate.map { "\($0)" } ?? "—"
      text += "| \(group.label) | \(s) | \(difference) | \(rate) "
      text += "| \(group.bestLoss.map { Self.f($0) } ?? "—") | \(agrees) |\n"
    }
    text += "\nLR sensitivity = mean over the peak rates of min(final eval loss, ln V) − the best "
    text += "of them, averaged over seeds; diverged runs count as ln V (Wortsman et al. 2023, "
    text += "§2.2). Lower is more robust. The interval resamples seed positions "
    text += "(\(LearningRateSensitivity.bootstrapResamples) replicates, fixed seed); the verdict "
    text += "follows it.\n"
    return text
  }

  /// "yes" when the whole interval is below 0, "no: higher" when above, else no detectable
  /// difference; always with the interval.
  static func sensitivityVerdict(_ interval: ClosedRange<Double>?) -> String {
    guard let interval else { return "—" }
    let range = "difference in " + Self.interval(interval, 3)
    if interval.upperBound < 0 { return "yes, as Wortsman et al. (\(range))" }
    if interval.lowerBound > 0 { return "no: higher (\(range))" }
    return "no detectable difference (\(range))"
  }
}
