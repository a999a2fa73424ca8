import MoEConfig
import MoEModel
import MoETraining

/// `runs.csv` and `summary.csv`: each column defined once, header and cell together.
extension SweepReport {
  /// One line of `runs.csv`: a planned run, its point, and its result if it has one.
  struct RunLine {
    let run: PlannedRun
    let point: SweepPoint
    let result: RunResult?

    var metrics: MetricsRow? { result?.lastFiniteMetrics }
  }

  /// One line of `summary.csv`: a point and its statistics.
  struct PointLine {
    let point: SweepPoint
    let statistics: VariantStatistics
  }

  // MARK: runs.csv

  public var runsTable: CSVTable {
    CSVTable(
      Self.runIdentityColumns + axisColumns(\.point) + Self.runResultColumns,
      rows: plan.runs.map { run in
        RunLine(run: run, point: plan.points[run.pointIndex], result: results[run.id])
      })
  }

  static let runIdentityColumns: [CSVTable.Column<RunLine>] = [
    .init("index") { .integer($0.run.index) },
    .init("id") { .text($0.run.id) },
    .init("label") { .text($0.run.label) },
    .init("seed") { .integer($0.run.seed) },
  ]

  /// What a run's result says; every cell but `status` is empty for a run without one. The
  /// router and attention columns are the last finite logged values: the maxima over layers,
  /// and the mean drop and second-expert fractions over MoE layers (the roundoff-flip
  /// fraction is the maximum over MoE layers).
  static let runResultColumns: [CSVTable.Column<RunLine>] = [
    .init("status") { .text($0.result?.status.rawValue ?? "missing") },
    .init("divergenceStep") { .optional($0.result?.divergence?.step) },
    .init("divergenceReason") { line in
      line.result?.divergence.map { .text($0.reason.rawValue) } ?? .empty
    },
    .init("stepsCompleted") { .optional($0.result?.stepsCompleted) },
    .init("spikeCount") { .optional($0.result?.spikes.count) },
    .init("finalTrainLoss") { .optional($0.result?.finalTrainLoss) },
    .init("evaluationCrossEntropy") { .optional($0.result?.evaluationCrossEntropy) },
    .init("quality") { .optional($0.result?.quality) },
    .init("crossEntropyFloor") { .optional($0.result?.crossEntropyFloor) },
    .init("routerZLoss") { .optional($0.metrics?.routerZLoss) },
    .init("maxRouterLogit") { .optional($0.metrics?.moeLayerValues(\.maxRouterLogit).max()) },
    .init("maxAttentionLogit") { .optional($0.metrics?.layers.map(\.maxAttentionLogit).max()) },
    .init("droppedFraction") { line in
      .optional(line.metrics.flatMap { mean($0.moeLayerValues(\.droppedFraction)) })
    },
    .init("roundoffFlipFraction") { line in
      .optional(line.metrics?.moeLayerValues(\.roundoffFlipFraction).max())
    },
    .init("secondExpertFraction") { line in
      .optional(line.metrics.flatMap { mean($0.moeLayerValues(\.secondExpertFraction)) })
    },
    .init("wallSeconds") { .optional($0.result?.wallSeconds) },
    .init("tokensPerSecond") { line in
      .optional(line.result.flatMap { $0.status == .crashed ? nil : $0.tokensPerSecond })
    },
    .init("crashExitCode") { .optional($0.result?.crash?.exitCode.map(Int.init)) },
    .init("crashSignal") { .optional($0.result?.crash?.signal.map(Int.init)) },
  ]

  /// The arithmetic mean, summed in order; nil for no values.
  static func mean(_ values: [Double]) -> Double? {
    values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
  }

  // MARK: summary.csv

  public var summaryTable: CSVTable {
    CSVTable(
      [
        .init("label") { .text($0.point.label) },
        .init("baseline") { [plan] line in .text(plan.isBaseline(line.point) ? "true" : "false") },
      ] + axisColumns(\.point) + Self.pointStatisticsColumns,
      rows: zip(plan.points, points).map { PointLine(point: $0, statistics: $1) })
  }

  /// Counts, the divergence rate with its intervals and its comparison with the baseline, the
  /// divergence steps and their log-rank comparison, and quality with its comparison (see
  /// ``VariantStatistics``).
  static let pointStatisticsColumns: [CSVTable.Column<PointLine>] = [
    .init("runs") { line in
      let s = line.statistics
      return .integer(s.completed + s.diverged + s.crashed + s.missing)
    },
    .init("completed") { .integer($0.statistics.completed) },
    .init("diverged") { .integer($0.statistics.diverged) },
    .init("crashed") { .integer($0.statistics.crashed) },
    .init("missing") { .integer($0.statistics.missing) },
    .init("fractionStable") { .text("\($0.statistics.completed)/\($0.statistics.finished)") },
    .init("divergenceRate") { .optional($0.statistics.divergenceRate) },
    .init("divergenceRateWilsonLower") { .optional($0.statistics.wilson?.lower) },
    .init("divergenceRateWilsonUpper") { .optional($0.statistics.wilson?.upper) },
    .init("divergenceRateClopperPearsonLower") { .optional($0.statistics.clopperPearson?.lower) },
    .init("divergenceRateClopperPearsonUpper") { .optional($0.statistics.clopperPearson?.upper) },
    .init("divergenceRateDifference") {
      .optional($0.statistics.divergenceComparison?.difference?.estimate)
    },
    .init("divergenceRateDifferenceLower") {
      .optional($0.statistics.divergenceComparison?.difference?.lower)
    },
    .init("divergenceRateDifferenceUpper") {
      .optional($0.statistics.divergenceComparison?.difference?.upper)
    },
    .init("divergencePValue") { .optional($0.statistics.divergenceComparison?.pValue) },
    .init("divergencePValueHolm") { .optional($0.statistics.holmPValue) },
    .init("divergenceVerdict") { line in
      line.statistics.divergenceComparison.map { .text($0.verdict.rawValue) } ?? .empty
    },
    .init("divergenceStepMedian") { .optional($0.statistics.divergenceStepSummary?.median) },
    .init("divergenceStepMin") { .optional($0.statistics.divergenceSteps.first) },
    .init("divergenceStepMax") { .optional($0.statistics.divergenceSteps.last) },
    .init("logRankExpectedDiverged") { .optional($0.statistics.logRank?.expectedA) },
    .init("logRankPValue") { .optional($0.statistics.logRank?.pValue) },
    .init("logRankPValueHolm") { .optional($0.statistics.logRankHolmPValue) },
    .init("divergenceStepRestrictedMean") { .optional($0.statistics.restrictedMean?.estimate) },
    .init("divergenceStepRestrictedMeanSE") {
      .optional($0.statistics.restrictedMean?.standardError)
    },
    .init("divergenceStepRestrictedMeanDifference") {
      .optional($0.statistics.restrictedMeanDifference?.estimate)
    },
    .init("divergenceStepRestrictedMeanDifferenceLower") {
      .optional($0.statistics.restrictedMeanDifference?.lower)
    },
    .init("divergenceStepRestrictedMeanDifferenceUpper") {
      .optional($0.statistics.restrictedMeanDifference?.upper)
    },
    .init("qualityRuns") { .integer($0.statistics.qualities.count) },
    .init("qualityMean") { .optional($0.statistics.quality?.mean) },
    .init("qualitySD") { .optional($0.statistics.quality?.standardDeviation) },
    .init("qualityLower") { .optional($0.statistics.quality?.meanInterval?.lowerBound) },
    .init("qualityUpper") { .optional($0.statistics.quality?.meanInterval?.upperBound) },
    .init("qualityDifference") { .optional($0.statistics.qualityDifference) },
    .init("qualityPValue") { .optional($0.statistics.welch?.pValue) },
    .init("checkpointStep") { .optional($0.statistics.checkpoint.step) },
    .init("checkpointRuns") { .integer($0.statistics.checkpoint.values.count) },
    .init("checkpointCrossEntropyMean") { .optional($0.statistics.checkpointSummary?.mean) },
    .init("checkpointCrossEntropySD") {
      .optional($0.statistics.checkpointSummary?.standardDeviation)
    },
    .init("checkpointCrossEntropyLower") {
      .optional($0.statistics.checkpointSummary?.meanInterval?.lowerBound)
    },
    .init("checkpointCrossEntropyUpper") {
      .optional($0.statistics.checkpointSummary?.meanInterval?.upperBound)
    },
    .init("checkpointCrossEntropyDifference") { .optional($0.statistics.checkpointDifference) },
    .init("checkpointCrossEntropyDifferenceLower") {
      .optional($0.statistics.checkpointDifferenceInterval?.lowerBound)
    },
    .init("checkpointCrossEntropyDifferenceUpper") {
      .optional($0.statistics.checkpointDifferenceInterval?.upperBound)
    },
    .init("checkpointCrossEntropyPValue") { .optional($0.statistics.checkpointWelch?.pValue) },
  ]

  // MARK: Axis columns (both tables)

  /// One column per axis key path, in axis order: the point's value.
  func axisColumns<Line>(_ point: KeyPath<Line, SweepPoint> & Sendable) -> [CSVTable.Column<Line>] {
    axisKeys.map { key in .init(key) { Self.cell($0[keyPath: point].axisValue(key)) } }
  }

  /// Axis key paths, in axis order.
  var axisKeys: [String] {
    var keys: [String] = []
    for point in plan.points {
      for setting in point.axisValues where !keys.contains(setting.keyPath) {
        keys.append(setting.keyPath)
      }
    }
    return keys
  }

  static func cell(_ value: JSONValue?) -> CSVTable.Cell {
    switch value {
    case .integer(let number): return .integer(number)
    case .number(let number): return .number(number)
    case .string(let text): return .text(text)
    case .bool(let flag): return .text(flag ? "true" : "false")
    case .none, .null: return .empty
    default: return .text(value!.canonicalText)
    }
  }
}
