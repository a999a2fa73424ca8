import MoEStats

/// The verdict columns of `TABLES.md`: each follows its effect's interval, and calls a
/// difference significant only when the Holm-adjusted test of its family rejects.
extension TablesDocument {
  /// The primary verdict, on the time to divergence, from the Holm-adjusted log-rank p and the
  /// restricted-mean difference's interval (row − baseline, in steps; positive = later):
  /// "delays divergence (Δ in [a, b] steps, Holm p = …)" when the interval excludes 0 and Holm
  /// p < 0.05, prefixed by whether that is the paper's direction (more stable = delays);
  /// "delays divergence, not significant after Holm (…)" when only the interval excludes 0;
  /// "no detectable difference (Δ in [a, b] steps, …)" otherwise.
  func timeVerdict(
    _ expectation: PaperRow.Expectation, _ row: VariantStatistics, holm: Double?
  ) -> String {
    guard let difference = row.restrictedMeanDifference, let holm else {
      return "not enough runs"
    }
    let details = "Δ in \(Self.interval(difference.range, 0)) steps, Holm p = \(Self.p(holm))"
    guard !difference.range.contains(0) else { return "no detectable difference (\(details))" }
    let delays = difference.lower > 0
    let words = "\(delays ? "delays" : "hastens") divergence"
    guard holm < 0.05 else { return "\(words), not significant after Holm (\(details))" }
    return Self.agreement(expectation, moreStable: delays) + "\(words) (\(details))"
  }

  /// "**yes**: " when a significant finding in the direction `moreStable` is the paper's
  /// expectation, "**no**: " when it is the opposite, "" when the paper expects nothing.
  static func agreement(_ expectation: PaperRow.Expectation, moreStable: Bool) -> String {
    switch expectation {
    case .none: ""
    case .moreStable: moreStable ? "**yes**: " : "**no**: "
    case .lessStable: moreStable ? "**no**: " : "**yes**: "
    }
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
    return Self.agreement(expectation, moreStable: fewer) + words
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
}
