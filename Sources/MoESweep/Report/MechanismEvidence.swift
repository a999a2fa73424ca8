import Foundation
import MoEModel
import MoEStats
import MoETraining

/// Whether the paper's failure mechanism precedes each divergence (ST-MoE §3.3–3.4): router
/// logits grow (router z-loss) and bfloat16 roundoff flips routing decisions, while the
/// attention logits stay bounded, so the router and not attention is the unbounded exponential.
///
/// For every diverged run with metrics, the **window** is its last ``windowRows`` logged rows
/// before the divergence step. Over the window it takes the maximum of
/// - the router z-loss, maximum over MoE layers (`RoutingStatistics.routerZLoss`, unweighted);
/// - the roundoff-flip fraction, maximum over MoE layers;
/// - the attention logit, maximum over layers.
///
/// The **matched** runs are the same point's completed runs; each contributes the same maxima
/// over its rows at the window's steps (step-matched, so training progress is equal), and the
/// matched value is the median over them (type 7). Per point: medians over the diverged runs,
/// and the fraction of diverged runs whose router z-loss exceeds its matched median.
///
/// Where a point has no completed run to match (a regime in which nearly every baseline run
/// diverges, protocol 4's), the run is compared with itself earlier: its **growth** is the
/// window's router z-loss over the router z-loss of its own logged row at a quarter of training
/// (the last logged step ≤ ⌊steps / 4⌋, the checkpoint of ``CheckpointCrossEntropy``), and a
/// point reports the median growth of its diverged runs.
///
/// Attention is **bounded** when the largest pre-divergence attention logit of the point's
/// diverged runs is ≤ the bound of ``attentionBound(_:)``.
public struct MechanismEvidence: Sendable {
  /// Logged rows before the divergence step that form the window.
  public static let windowRows = 5
  /// The attention bound without a soft cap: a logit gap of 100 makes e^−100 ≈ 4·10⁻⁴⁴, below
  /// float32's smallest normal, so the softmax is already one-hot; larger logits are a blow-up.
  public static let defaultAttentionBound = 100.0

  /// The bound a model's attention logits must respect to count as bounded:
  /// - `model.attentionSoftCap` when set (the cap bounds the logits by construction, so
  ///   exceeding it means the metric is not the capped logit);
  /// - with QK-norm without its own gains, √hs: unit-RMS q̂ and k̂ per head give
  ///   |q̂·k̂|/√hs ≤ √hs (Cauchy–Schwarz). Under bfloat16, q̂, k̂ and the logit are each rounded
  ///   to nearest (relative error ≤ 2⁻⁹ each), so the bound is √hs·(1 + 2⁻⁷) > √hs·(1 + 2⁻⁹)³;
  /// - else ``defaultAttentionBound``.
  public static func attentionBound(_ model: ModelConfig) -> Double {
    if model.attentionSoftCap > 0 { return model.attentionSoftCap }
    if model.qkNorm && !model.qkNormScale {
      return Double(model.headSize).squareRoot() * (1 + 1.0 / 128)
    }
    return defaultAttentionBound
  }

  /// One diverged run and its matched comparison.
  public struct DivergedRun: Sendable {
    public var pointIndex: Int
    public var label: String
    public var runID: String
    public var seed: Int
    public var divergenceStep: Int
    /// First and last step of the window (nil: no logged row before the divergence).
    public var windowFirstStep: Int?
    public var windowLastStep: Int?
    public var routerZLoss: Double?
    public var roundoffFlipFraction: Double?
    public var maxAttentionLogit: Double?
    /// Completed runs of the point with a row at one of the window's steps.
    public var matchedRuns: Int
    public var matchedRouterZLossMedian: Double?
    public var matchedRoundoffFlipFractionMedian: Double?
    /// The run's router z-loss at a quarter of training (nil when it logged no row there, or
    /// diverged by then).
    public var checkpointRouterZLoss: Double?

    /// The window's router z-loss over the run's own at a quarter of training.
    public var routerZLossGrowth: Double? {
      guard let mine = routerZLoss, let early = checkpointRouterZLoss, early > 0 else {
        return nil
      }
      return mine / early
    }

    /// Router z-loss above the matched completed median (nil when either is missing).
    public var routerZLossAboveMatched: Bool? {
      guard let mine = routerZLoss, let matched = matchedRouterZLossMedian else { return nil }
      return mine > matched
    }
  }

  /// One point with at least one diverged run.
  public struct Point: Sendable {
    public var index: Int
    public var label: String
    public var diverged: Int
    /// Diverged runs with a window and a matched median (the denominator of the fraction).
    public var compared: Int
    public var routerZLossMedian: Double?
    public var matchedRouterZLossMedian: Double?
    /// Fraction of the compared diverged runs whose router z-loss exceeds the matched median.
    public var fractionAboveMatched: Double?
    public var roundoffFlipFractionMedian: Double?
    public var matchedRoundoffFlipFractionMedian: Double?
    /// Largest pre-divergence attention logit over the point's diverged runs.
    public var maxAttentionLogit: Double?
    public var attentionBound: Double
    public var attentionBounded: Bool? { maxAttentionLogit.map { $0 <= attentionBound } }
    /// Largest pre-divergence roundoff-flip fraction over the diverged runs.
    public var maxRoundoffFlipFraction: Double?
    /// Median over the diverged runs of their router z-loss at a quarter of training.
    public var checkpointRouterZLossMedian: Double?
    /// Median over the diverged runs of ``DivergedRun/routerZLossGrowth``.
    public var routerZLossGrowthMedian: Double?
  }

  public let runs: [DivergedRun]
  public let points: [Point]

  public init(plan: SweepPlan, results: [String: RunResult], metrics: [String: MetricsTable]) {
    var runs: [DivergedRun] = []
    var points: [Point] = []
    for point in plan.points {
      let planned = plan.runs.filter { $0.pointIndex == point.index }
      let completed = planned.filter { results[$0.id]?.status == .completed }
        .compactMap { metrics[$0.id] }
      var pointRuns: [DivergedRun] = []
      for run in planned {
        guard let result = results[run.id], result.status == .diverged,
          let divergence = result.divergence
        else { continue }
        pointRuns.append(
          Self.divergedRun(
            run, label: point.label, step: divergence.step, table: metrics[run.id],
            completed: completed, checkpointLimit: run.config.steps / 4))
      }
      guard !pointRuns.isEmpty else { continue }
      let bound = planned.first.map { Self.attentionBound($0.config.model) }
      points.append(Self.summary(point, pointRuns, bound: bound ?? Self.defaultAttentionBound))
      runs += pointRuns
    }
    self.runs = runs
    self.points = points
  }

  // MARK: Per row

  static func routerZLoss(_ row: MetricsRow) -> Double? {
    row.moeLayerValues(\.routerZLoss).filter(\.isFinite).max()
  }
  static func roundoffFlips(_ row: MetricsRow) -> Double? {
    row.moeLayerValues(\.roundoffFlipFraction).filter(\.isFinite).max()
  }
  static func attentionLogit(_ row: MetricsRow) -> Double? {
    row.layers.map(\.maxAttentionLogit).filter(\.isFinite).max()
  }

  /// The largest finite value of `statistic` over `rows`.
  static func maximum(_ rows: [MetricsRow], _ statistic: (MetricsRow) -> Double?) -> Double? {
    rows.compactMap(statistic).max()
  }

  static func median(_ values: [Double]) -> Double? {
    (try? SampleSummary(values.filter(\.isFinite)))??.median
  }

  // MARK: Building

  private static func divergedRun(
    _ run: PlannedRun, label: String, step: Int, table: MetricsTable?, completed: [MetricsTable],
    checkpointLimit: Int
  ) -> DivergedRun {
    let window = Array((table?.rows ?? []).filter { $0.step < step }.suffix(windowRows))
    // The checkpoint row, as CheckpointCrossEntropy picks it; none if the run had diverged.
    let checkpoint = table?.rows.last { $0.step <= checkpointLimit }.flatMap {
      $0.step < step ? $0 : nil
    }
    let steps = Set(window.map(\.step))
    let matched = completed.map { $0.rows.filter { steps.contains($0.step) } }
      .filter { !$0.isEmpty }
    return DivergedRun(
      pointIndex: run.pointIndex, label: label, runID: run.id, seed: run.seed,
      divergenceStep: step, windowFirstStep: window.first?.step, windowLastStep: window.last?.step,
      routerZLoss: maximum(window, routerZLoss),
      roundoffFlipFraction: maximum(window, roundoffFlips),
      maxAttentionLogit: maximum(window, attentionLogit), matchedRuns: matched.count,
      matchedRouterZLossMedian: median(matched.compactMap { maximum($0, routerZLoss) }),
      matchedRoundoffFlipFractionMedian: median(matched.compactMap { maximum($0, roundoffFlips) }),
      checkpointRouterZLoss: checkpoint.flatMap(routerZLoss))
  }

  private static func summary(_ point: SweepPoint, _ runs: [DivergedRun], bound: Double) -> Point {
    let verdicts = runs.compactMap(\.routerZLossAboveMatched)
    return Point(
      index: point.index, label: point.label, diverged: runs.count, compared: verdicts.count,
      routerZLossMedian: median(runs.compactMap(\.routerZLoss)),
      matchedRouterZLossMedian: median(runs.compactMap(\.matchedRouterZLossMedian)),
      fractionAboveMatched: verdicts.isEmpty
        ? nil : Double(verdicts.filter { $0 }.count) / Double(verdicts.count),
      roundoffFlipFractionMedian: median(runs.compactMap(\.roundoffFlipFraction)),
      matchedRoundoffFlipFractionMedian: median(
        runs.compactMap(\.matchedRoundoffFlipFractionMedian)),
      maxAttentionLogit: runs.compactMap(\.maxAttentionLogit).max(), attentionBound: bound,
      maxRoundoffFlipFraction: runs.compactMap(\.roundoffFlipFraction).max(),
      checkpointRouterZLossMedian: median(runs.compactMap(\.checkpointRouterZLoss)),
      routerZLossGrowthMedian: median(runs.compactMap(\.routerZLossGrowth)))
  }
}
