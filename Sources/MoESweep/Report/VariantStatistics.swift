import MoEStats
import MoETraining

/// The statistics of one sweep point (a variant, or one combination of axis values) over its
/// seeds, and its comparison with the baseline point.
///
/// - Runs that **crashed** or are **missing** count in neither numerator nor denominator: a
///   crash says nothing about training stability (it is reported in its own column).
/// - **Divergence rate** = diverged / (completed + diverged), with 95% Wilson and
///   Clopper–Pearson intervals; **Fisher's exact test** (two-sided) against the baseline's
///   counts, Holm-adjusted across all non-baseline points of the sweep.
/// - **Quality** (−held-out CE, nats) over completed runs only: mean, sd (n − 1), 95%
///   t-interval; **Welch's t-test** against the baseline's completed runs. A diverged run has
///   no quality: it is never a NaN in a mean.
/// - **Checkpoint cross-entropy** (``CheckpointCrossEntropy``): the logged training CE at a
///   quarter of training of every run that reached it, diverged later or not: mean, sd, 95%
///   t-interval, and the Welch difference from the baseline with its 95% interval. Unlike
///   quality it does not select the survivors.
/// - **Time to divergence**: every finished run as an event time (a diverged run at its
///   divergence step, a completed run censored at its last step), the diverged runs' median and
///   range, and the **log-rank test** against the baseline (Holm-adjusted across the sweep's
///   points here; protocol 4's primary test in `TABLES.md`, Holm across that file): it tells
///   arms apart that diverge equally often but at different times, as in a regime where
///   divergence is a clock. Its effect size is the
///   **restricted mean time to divergence** up to the run length (``RestrictedMeanTime``: the
///   mean number of steps a run trains before diverging, a completed run counting the run
///   length) and its difference from the baseline's with a 95% normal interval.
public struct VariantStatistics: Sendable {
  public var label: String
  public var completed: Int
  public var diverged: Int
  public var crashed: Int
  public var missing: Int
  public var finished: Int { completed + diverged }
  public var divergenceRate: Double? { finished > 0 ? Double(diverged) / Double(finished) : nil }
  public var wilson: BinomialInterval?
  public var clopperPearson: BinomialInterval?
  public var quality: SampleSummary?
  public var qualities: [Double]
  /// Against the baseline (nil for the baseline itself or when undefined).
  public var divergenceComparison: DivergenceComparison?
  public var holmPValue: Double?
  public var welch: WelchTStatistic?
  public var qualityDifference: Double?
  /// Cross-entropy at a quarter of training (empty when no metrics were read).
  public var checkpoint: CheckpointCrossEntropy
  public var checkpointSummary: SampleSummary?
  /// Welch test of this point's checkpoint CEs against the baseline's (same checkpoint step).
  public var checkpointWelch: WelchTStatistic?
  /// Mean checkpoint CE minus the baseline's, and its 95% Welch interval.
  public var checkpointDifference: Double?
  public var checkpointDifferenceInterval: ClosedRange<Double>?
  /// Every finished run: diverged at its divergence step, or censored at its last step.
  public var eventTimes: [EventTime]
  /// Divergence steps of the diverged runs, ascending.
  public var divergenceSteps: [Int] { eventTimes.filter(\.event).map { Int($0.time) }.sorted() }
  /// Median, quartiles and range of the divergence steps (nil when no run diverged).
  public var divergenceStepSummary: SampleSummary?
  /// Log-rank test of ``eventTimes`` against the baseline's, and its Holm-adjusted p-value.
  public var logRank: LogRankTest?
  public var logRankHolmPValue: Double?
  /// Restricted mean time to divergence up to the run length (nil without a horizon or runs).
  public var restrictedMean: RestrictedMeanTime?
  /// This point's restricted mean minus the baseline's, with its 95% interval.
  public var restrictedMeanDifference: RestrictedMeanDifference?

  /// `results` holds one entry per planned seed (nil where the run has no result yet);
  /// `checkpoint` is computed from their metrics (none by default); `horizon` is the run length
  /// in steps, the restricted mean's horizon (none by default).
  public init(
    label: String, results: [RunResult?],
    checkpoint: CheckpointCrossEntropy = CheckpointCrossEntropy(steps: 0, runs: []),
    horizon: Int? = nil
  ) throws {
    self.label = label
    self.checkpoint = checkpoint
    checkpointSummary = try SampleSummary(checkpoint.values)
    completed = results.filter { $0?.status == .completed }.count
    diverged = results.filter { $0?.status == .diverged }.count
    crashed = results.filter { $0?.status == .crashed }.count
    missing = results.filter { $0 == nil }.count
    eventTimes = results.compactMap { result in
      guard let result else { return nil }
      switch result.status {
      case .diverged:
        return result.divergence.map { EventTime(time: Double($0.step), event: true) }
      case .completed: return EventTime(time: Double(result.stepsCompleted), event: false)
      default: return nil
      }
    }
    divergenceStepSummary = try SampleSummary(eventTimes.filter(\.event).map(\.time))
    if let horizon, horizon > 0 {
      restrictedMean = try RestrictedMeanTime(eventTimes, horizon: Double(horizon))
    }
    qualities = results.compactMap { $0?.status == .completed ? $0?.quality : nil }.filter(
      \.isFinite)
    let n = completed + diverged
    wilson = try BinomialInterval(events: diverged, trials: n, method: .wilson)
    clopperPearson = try BinomialInterval(events: diverged, trials: n, method: .clopperPearson)
    quality = try SampleSummary(qualities)
  }

  /// Fills the comparison columns against `baseline`.
  public mutating func compare(with baseline: VariantStatistics) throws {
    if finished > 0 && baseline.finished > 0 {
      divergenceComparison = try DivergenceComparison(
        divergedA: diverged, runsA: finished, divergedB: baseline.diverged, runsB: baseline.finished
      )
    }
    logRank = try LogRankTest(eventTimes, baseline.eventTimes)
    if let horizon = restrictedMean?.horizon, horizon == baseline.restrictedMean?.horizon {
      restrictedMeanDifference = try RestrictedMeanDifference(
        eventTimes, baseline.eventTimes, horizon: horizon)
    }
    welch = try WelchTStatistic(qualities, baseline.qualities)
    if let mine = quality?.mean, let theirs = baseline.quality?.mean {
      qualityDifference = mine - theirs
    }
    guard checkpoint.step != nil, checkpoint.step == baseline.checkpoint.step else { return }
    if let mine = checkpointSummary?.mean, let theirs = baseline.checkpointSummary?.mean {
      checkpointDifference = mine - theirs
    }
    checkpointWelch = try WelchTStatistic(checkpoint.values, baseline.checkpoint.values)
    checkpointDifferenceInterval = try checkpointWelch?.differenceInterval()
  }

  /// Holm-adjusts the Fisher p-values of every non-baseline point together, and the log-rank
  /// p-values together.
  public static func adjustForMultipleComparisons(_ points: inout [VariantStatistics]) throws {
    let indices = points.indices.filter { points[$0].divergenceComparison != nil }
    let adjusted = try MultipleTesting.holmAdjusted(
      indices.map { points[$0].divergenceComparison!.pValue })
    for (index, value) in zip(indices, adjusted) { points[index].holmPValue = value }
    let logRankIndices = points.indices.filter { points[$0].logRank != nil }
    let logRankAdjusted = try MultipleTesting.holmAdjusted(
      logRankIndices.map { points[$0].logRank!.pValue })
    for (index, value) in zip(logRankIndices, logRankAdjusted) {
      points[index].logRankHolmPValue = value
    }
  }
}
