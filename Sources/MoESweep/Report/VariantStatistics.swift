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

  /// `results` holds one entry per planned seed (nil where the run has no result yet);
  /// `checkpoint` is computed from their metrics (none by default).
  public init(
    label: String, results: [RunResult?],
    checkpoint: CheckpointCrossEntropy = CheckpointCrossEntropy(steps: 0, runs: [])
  ) throws {
    self.label = label
    self.checkpoint = checkpoint
    checkpointSummary = try SampleSummary(checkpoint.values)
    completed = results.filter { $0?.status == .completed }.count
    diverged = results.filter { $0?.status == .diverged }.count
    crashed = results.filter { $0?.status == .crashed }.count
    missing = results.filter { $0 == nil }.count
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

  /// Holm-adjusts the Fisher p-values of every non-baseline point together.
  public static func adjustForMultipleComparisons(_ points: inout [VariantStatistics]) throws {
    let indices = points.indices.filter { points[$0].divergenceComparison != nil }
    let adjusted = try MultipleTesting.holmAdjusted(
      indices.map { points[$0].divergenceComparison!.pValue })
    for (index, value) in zip(indices, adjusted) { points[index].holmPValue = value }
  }
}
