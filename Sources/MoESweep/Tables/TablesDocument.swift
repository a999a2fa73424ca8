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
    if let confirmation = try? BaselineConfirmation(entries: entries),
      !confirmation.baselines.isEmpty
    {
      text += confirmation.markdown
    }
    let fisher = (try? holmPValues(.fisher)) ?? [:]
    let logRank = (try? holmPValues(.logRank)) ?? [:]
    for index in entries.indices {
      let holm = HolmPValues(
        fisher: Self.byLabel(fisher, entry: index), logRank: Self.byLabel(logRank, entry: index))
      text += section(entries[index], holm: holm)
    }
    return text
  }

  static let statisticsNote = """

    **Statistics.** The primary test, declared before the runs (protocol 4): the time to
    divergence (a completed run censored at its last step) against the study's baseline by the
    log-rank test (two-sided), Holm-adjusted across every intervention row of this file
    together. Its effect size is the difference in restricted mean steps to divergence up to
    the run length (RMST, the area under the Kaplan–Meier curve: the mean number of steps a run
    trains before diverging, a completed run counting the run length), with its 95% interval
    (normal approximation, Greenwood-type variance), and the time verdict follows that
    interval: "delays" or "hastens" when it excludes 0 and the Holm-adjusted p < 0.05, "…, not
    significant after Holm" when only the interval excludes 0, otherwise "no detectable
    difference". Secondary: divergence counts by Fisher's exact test (two-sided, Holm across
    every row of this file as its own family) with the rate difference's 95% Newcombe (hybrid
    Wilson) interval, read the same way. Quality is shown twice: over completed runs
    (survivors only), and as the training cross-entropy at a quarter of training of every run
    that reached it; the quality-direction verdict uses the latter's 95% Welch interval.

    """

  /// A row of the file, by its study's position and its label.
  struct RowKey: Hashable {
    var entry: Int
    var label: String
  }

  /// The two families of tests in the file, each Holm-adjusted over every intervention row.
  public enum TestFamily: Sendable {
    /// Divergence counts, Fisher's exact test (secondary).
    case fisher
    /// Time to divergence, the log-rank test (primary).
    case logRank

    func pValue(_ statistics: VariantStatistics) -> Double? {
      switch self {
      case .fisher: statistics.divergenceComparison?.pValue
      case .logRank: statistics.logRank?.pValue
      }
    }
  }

  /// One section's Holm-adjusted p-values by row label, per family.
  struct HolmPValues {
    var fisher: [String: Double]
    var logRank: [String: Double]
  }

  /// Holm-adjusted p-values of `family` for every non-baseline row present in its sweep, all
  /// studies together (one family: the file's claims).
  func holmPValues(_ family: TestFamily) throws -> [RowKey: Double] {
    var keys: [RowKey] = []
    var pValues: [Double] = []
    for (index, entry) in entries.enumerated() {
      let report = entry.report
      for row in entry.study.rows {
        guard let point = report.plan.points.first(where: { $0.label == row.label }),
          !report.plan.isBaseline(point),
          let pValue = family.pValue(report.points[point.index])
        else { continue }
        keys.append(RowKey(entry: index, label: row.label))
        pValues.append(pValue)
      }
    }
    let adjusted = try MultipleTesting.holmAdjusted(pValues)
    return Dictionary(uniqueKeysWithValues: zip(keys, adjusted))
  }

  /// The adjusted p-values of the first study's rows, by label (for tests and tools).
  public func holmPValuesByRow(_ family: TestFamily = .fisher) throws -> [String: Double] {
    Self.byLabel(try holmPValues(family), entry: 0)
  }

  /// The values of study `entry`'s rows, by row label.
  static func byLabel(_ values: [RowKey: Double], entry: Int) -> [String: Double] {
    values.filter { $0.key.entry == entry }.reduce(into: [:]) { $0[$1.key.label] = $1.value }
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

  func section(_ entry: Entry, holm: HolmPValues) -> String {
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
    text += "| Ours: mean steps before divergence (RMST) ± se "
    text += "| Δ RMST vs baseline [95%] | p log-rank (Holm, all rows) "
    text += "| Δ divergence rate vs baseline [95% Newcombe] | p Fisher (Holm, all rows) "
    text += "| Ours: quality mean ± sd (completed) | Δ quality, completed (p Welch) "
    text += "| Ours: CE at checkpoint, mean ± sd (n) | Δ CE at checkpoint [95% Welch] "
    text += "| Paper: direction | Ours: time verdict (primary) | Ours: divergence-rate verdict "
    text += "| Ours: quality direction agrees? |\n"
    text += "|" + String(repeating: "---|", count: 19) + "\n"
    for row in entry.study.rows {
      guard let index = report.plan.points.firstIndex(where: { $0.label == row.label }) else {
        text += "| \(row.label) | missing from the sweep file |" + String(repeating: "|", count: 17)
        text += "\n"
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
      let restrictedMean =
        stats.restrictedMean.map { Self.f($0.estimate, 0) + " ± " + Self.f($0.standardError, 0) }
        ?? "—"
      var delta = "—", difference = "—", fisher = "—", checkpointDelta = "—"
      var restrictedMeanDelta = "—", logRank = "—"
      if !isBaseline {
        if let d = stats.qualityDifference {
          delta = Self.signed(d) + (stats.welch.map { " (p \(Self.p($0.pValue)))" } ?? "")
        }
        if let d = stats.divergenceComparison?.difference {
          difference = Self.signed(d.estimate, 2) + " " + Self.interval(d.range)
        }
        if let comparison = stats.divergenceComparison {
          fisher = Self.p(holm.fisher[row.label] ?? comparison.pValue)
        }
        if let d = stats.restrictedMeanDifference {
          restrictedMeanDelta = Self.signed(d.estimate, 0) + " " + Self.interval(d.range, 0)
        }
        if let test = stats.logRank { logRank = Self.p(holm.logRank[row.label] ?? test.pValue) }
        if let d = stats.checkpointDifference {
          checkpointDelta =
            Self.signed(d)
            + (stats.checkpointDifferenceInterval.map { " " + Self.interval($0, 3) } ?? "")
        }
      }
      let stability =
        isBaseline
        ? "baseline" : divergenceVerdict(row.expectation, stats, holm: holm.fisher[row.label])
      let timing =
        isBaseline ? "baseline" : timeVerdict(row.expectation, stats, holm: holm.logRank[row.label])
      let qualityAgreement =
        isBaseline ? "baseline" : qualityDirection(row.paperQualityDelta, stats)
      text += "| \(row.label) | \(row.paperStable ?? "—") | \(paperQuality) | \(stable) | \(rate) "
      text += "| \(divergenceSteps) | \(restrictedMean) | \(restrictedMeanDelta) | \(logRank) "
      text += "| \(difference) | \(fisher) | \(quality) | \(delta) | \(checkpoint) "
      text += "| \(checkpointDelta) | \(row.expectation.rawValue) | \(timing) | \(stability) "
      text += "| \(qualityAgreement) |\n"
    }
    text +=
      "\nSources: " + Array(Set(entry.study.rows.map(\.source))).sorted().joined(separator: "; ")
      + ".\n"
    if let mechanism = entry.mechanism { text += mechanism.markdownBlock }
    if let sensitivity = entry.sensitivity { text += sensitivityTable(sensitivity) }
    return text
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
