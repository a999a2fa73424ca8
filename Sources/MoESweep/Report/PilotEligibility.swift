import Foundation
import MoEConfig
import MoEStats
import MoETraining

/// The pre-registered eligibility rule of a pilot regime, evaluated on a pilot results
/// directory (a grid of learning rate × a router knob, several seeds a point). Every criterion
/// carries the number it was judged on, so a point that fails is published with its margins.
///
/// A point is **eligible** when all of:
/// - **E1 (quality)**: the completed runs' median eval CE is within ``Thresholds/qualityGap``
///   (0.3 nats) of the floor (`crossEntropyFloor` of the runs' results);
/// - **E2 (late)**: every diverged run first reached a smoothed training CE within
///   ``Thresholds/learnedGap`` (0.5 nats) of the floor, and diverged after
///   ``Thresholds/lateFraction`` (a quarter) of its steps. Smoothed = the trailing mean of
///   ``Thresholds/smoothingRows`` logged rows (fewer at the start), over rows before the
///   divergence; the measured value is the worst (largest) gap over the diverged runs;
/// - **E3 (mechanism)**, from ``MechanismEvidence``: in more than half of the diverged runs the
///   pre-divergence router z-loss exceeds the step-matched completed median; the largest
///   pre-divergence attention logit is ≤ the bound (the soft cap, else
///   ``MechanismEvidence/defaultAttentionBound``); and the largest roundoff-flip fraction is
///   above 0;
/// - **E4 (rate)**: the divergence rate is in ``Thresholds/rateRange`` ([0.2, 0.7]).
///
/// **Selection**: among eligible points, the smallest value of the router knob, then the
/// divergence rate closest to ``Thresholds/targetRate`` (0.42), then plan order. Missing
/// measurements (no floor, no metrics, no diverged run for E3) fail the criterion.
public struct PilotEligibility: Sendable {
  public struct Thresholds: Sendable {
    public var qualityGap = 0.3
    public var learnedGap = 0.5
    public var lateFraction = 0.25
    public var smoothingRows = 5
    public var rateRange = 0.2...0.7
    public var targetRate = 0.42
    public init() {}
  }

  public struct Point: Sendable {
    public var index: Int
    public var label: String
    public var routerValue: Double?
    public var learningRate: Double?
    public var completed: Int
    public var diverged: Int
    public var divergenceRate: Double?
    public var crossEntropyFloor: Double?
    public var completedMedianCrossEntropy: Double?
    /// E1: median − floor.
    public var qualityGap: Double?
    /// E2: the largest (over diverged runs) of the best smoothed CE − floor before divergence.
    public var worstLearnedGap: Double?
    /// E2: the earliest divergence step over the steps of training.
    public var earliestDivergenceFraction: Double?
    public var mechanism: MechanismEvidence.Point?
    public var e1 = false, e2 = false, e3 = false, e4 = false
    public var eligible: Bool { e1 && e2 && e3 && e4 }
  }

  public let routerKey: String?
  public let thresholds: Thresholds
  public let points: [Point]
  /// Index in ``points`` of the selected point; nil when none is eligible.
  public let selected: Int?

  /// Router knobs recognised when no key is given, in order of preference.
  public static let routerKeys = [
    "optimizer.routerLearningRateMultiplier", "model.routerInitScale",
    "model.routerZLossCoefficient",
  ]

  /// The grid's router key: `routerKey` if given (it must be an axis key), else the first of
  /// ``routerKeys`` on an axis, else the first axis key other than the learning rate.
  public static func routerKey(_ requested: String?, plan: SweepPlan) throws(ConfigError)
    -> String?
  {
    let keys = plan.points.flatMap { $0.axisValues.map(\.keyPath) }
    var axisKeys: [String] = []
    for key in keys where !axisKeys.contains(key) { axisKeys.append(key) }
    if let requested {
      guard axisKeys.contains(requested) else {
        throw ConfigError(
          keyPath: requested, "is not an axis of the sweep \(plan.name)",
          suggestion: "axis keys: " + axisKeys.joined(separator: ", "))
      }
      return requested
    }
    return routerKeys.first { axisKeys.contains($0) }
      ?? axisKeys.first { $0 != LearningRateSensitivity.key }
  }

  public init(
    plan: SweepPlan, results: [String: RunResult], metrics: [String: MetricsTable],
    routerKey: String?, thresholds: Thresholds = Thresholds()
  ) throws {
    self.routerKey = routerKey
    self.thresholds = thresholds
    let mechanism = MechanismEvidence(plan: plan, results: results, metrics: metrics)
    var points: [Point] = []
    for point in plan.points {
      let runs = plan.runs.filter { $0.pointIndex == point.index }
      var row = Point(
        index: point.index, label: point.label,
        routerValue: routerKey.flatMap { LearningRateSensitivity.number(point.axisValue($0)) },
        learningRate: LearningRateSensitivity.number(point.axisValue(LearningRateSensitivity.key)),
        completed: 0, diverged: 0)
      let finished = runs.compactMap { run in results[run.id].map { (run, $0) } }
      let completed = finished.filter { $0.1.status == .completed }
      let diverged = finished.filter { $0.1.status == .diverged }
      (row.completed, row.diverged) = (completed.count, diverged.count)
      if row.completed + row.diverged > 0 {
        row.divergenceRate = Double(row.diverged) / Double(row.completed + row.diverged)
      }
      row.crossEntropyFloor = finished.compactMap { $0.1.crossEntropyFloor }.first
      row.completedMedianCrossEntropy = MechanismEvidence.median(
        completed.compactMap { $0.1.evaluationCrossEntropy })
      if let median = row.completedMedianCrossEntropy, let floor = row.crossEntropyFloor {
        row.qualityGap = median - floor
      }
      row.e1 = row.qualityGap.map { $0 <= thresholds.qualityGap } ?? false
      let gaps = diverged.map { run, result in
        Self.learnedGap(
          metrics[run.id], before: result.divergence?.step, floor: row.crossEntropyFloor,
          rows: thresholds.smoothingRows)
      }
      let fractions = diverged.map { run, result in
        result.divergence.map { Double($0.step) / Double(max(1, run.config.steps)) }
      }
      if !gaps.contains(where: { $0 == nil }) { row.worstLearnedGap = gaps.compactMap { $0 }.max() }
      if !fractions.contains(where: { $0 == nil }) {
        row.earliestDivergenceFraction = fractions.compactMap { $0 }.min()
      }
      row.e2 =
        diverged.isEmpty
        || (row.worstLearnedGap.map { $0 <= thresholds.learnedGap } ?? false)
          && (row.earliestDivergenceFraction.map { $0 > thresholds.lateFraction } ?? false)
      row.mechanism = mechanism.points.first { $0.index == point.index }
      if let evidence = row.mechanism {
        row.e3 =
          (evidence.fractionAboveMatched.map { $0 > 0.5 } ?? false)
          && (evidence.attentionBounded ?? false)
          && (evidence.maxRoundoffFlipFraction.map { $0 > 0 } ?? false)
      }
      row.e4 = row.divergenceRate.map { thresholds.rateRange.contains($0) } ?? false
      points.append(row)
    }
    self.points = points
    selected = points.indices.filter { points[$0].eligible }.min { a, b in
      let (pa, pb) = (points[a], points[b])
      let (ra, rb) = (pa.routerValue ?? 0, pb.routerValue ?? 0)
      if ra != rb { return ra < rb }
      let da = abs((pa.divergenceRate ?? 0) - thresholds.targetRate)
      let db = abs((pb.divergenceRate ?? 0) - thresholds.targetRate)
      if da != db { return da < db }
      return a < b
    }
  }

  /// The best trailing mean of `window` logged CEs before `step`, minus the floor; nil without
  /// rows, divergence step or floor.
  static func learnedGap(
    _ table: MetricsTable?, before step: Int?, floor: Double?, rows window: Int = 5
  ) -> Double? {
    guard let table, let step, let floor else { return nil }
    let values = table.rows.filter { $0.step < step }.map(\.crossEntropy).filter(\.isFinite)
    var best: Double?
    for end in values.indices {
      let slice = values[max(0, end - window + 1)...end]
      let mean = slice.reduce(0, +) / Double(slice.count)
      best = min(best ?? mean, mean)
    }
    return best.map { $0 - floor }
  }
}
