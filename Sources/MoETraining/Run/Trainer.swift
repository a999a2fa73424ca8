import Foundation
import MoEConfig
import MoEKernels
import MoEModel

/// One training run: model, data, optimizer, schedule and divergence detector wired together.
///
/// Each step: load batch `step` → forward (training) → backward → global gradient norm
/// (clipped if configured) → divergence rules (on the cross-entropy; every loss term and the
/// gradient norm must be finite) → optimizer update at the scheduled rate. A non-finite loss
/// term or gradient stops the run before the update; a diverged run is a result, not an error.
/// A completed run is evaluated on held-out batches with the eval capacity factor and no
/// jitter or dropout.
public final class Trainer {
  public let config: RunConfig
  public let configHash: String
  public let model: Transformer
  let source: any BatchSource
  var optimizer: any Optimizer
  let schedule: LearningRateSchedule
  var detector: DivergenceDetector
  public private(set) var metrics: MetricsTable

  /// What a progress callback sees after every step.
  public struct Progress: Sendable {
    public var step: Int
    public var steps: Int
    public var loss: Double
    public var tokensPerSecond: Double
    public var secondsRemaining: Double
  }

  /// Builds the run from a checked config (checked once, where it was read; not again here).
  /// Throws only what needs the model to see: data that does not fit it, an unusable text file.
  public init(config checked: CheckedRunConfig) throws(ConfigError) {
    let config = checked.config
    self.config = config
    configHash = checked.configHash
    let m = config.model
    model = Transformer(config: m, seed: UInt64(config.seed))
    do throws(ConfigError) {
      source = try config.data.makeSource(
        vocabularySize: m.vocabSize, batchSize: m.batchSize, sequenceLength: m.sequenceLength,
        seed: UInt64(config.seed))
    } catch {
      throw error.prefixed(by: "data")
    }
    schedule = LearningRateSchedule(config.schedule)
    optimizer = config.optimizer.makeOptimizer(
      slices: model.layout.nonEmptySlices, peakLearningRate: schedule.peakLearningRate)
    detector = DivergenceDetector(config.divergence)
    metrics = MetricsTable(model: m)
  }

  /// Builds the run from a config made in code, checking it first; throws the config error
  /// (with its key path) of an impossible config.
  public convenience init(config: RunConfig) throws(ConfigError) {
    try self.init(config: CheckedRunConfig(checking: config))
  }

  /// Trains to the end or to divergence. `progress` is called after every step;
  /// `checkpointMetrics` after every logged row (to persist the table as it grows).
  public func run(
    progress: ((Progress) -> Void)? = nil, checkpointMetrics: ((MetricsTable) -> Void)? = nil
  ) -> RunResult {
    let start = Date()
    let clock = ContinuousClock.now
    let tokensPerStep = config.model.tokensPerStep
    var verdict: DivergenceVerdict?
    var stepsCompleted = 0
    var lastFinite: MetricsRow?
    var recentLosses: [Double] = []
    for step in 0..<config.steps {
      let outcome = trainStep(step)
      let loss = outcome.loss, gradientNorm = outcome.gradientNorm,
        learningRate = outcome.learningRate
      let update = outcome.update
      verdict = outcome.verdict
      if update != nil { stepsCompleted = step + 1 }
      if isLogged(step: step, verdict: verdict) {
        let row = MetricsRow(
          step: step, learningRate: learningRate, loss: loss, gradientNorm: gradientNorm,
          update: update)
        metrics.append(row)
        if row.isFinite { lastFinite = row }
        if loss.total.isFinite { recentLosses.append(loss.total) }
        checkpointMetrics?(metrics)
      }
      if let progress {
        let elapsed = Self.seconds(ContinuousClock.now - clock)
        let rate = Double((step + 1) * tokensPerStep) / max(elapsed, 1e-9)
        progress(
          Progress(
            step: step + 1, steps: config.steps, loss: loss.total, tokensPerSecond: rate,
            secondsRemaining: elapsed / Double(step + 1) * Double(config.steps - step - 1)))
      }
      if verdict != nil { break }
    }
    let trainingSeconds = Self.seconds(ContinuousClock.now - clock)
    let floor = source.crossEntropyFloor(evaluationBatches: config.evaluationBatches)
    var result = RunResult(
      status: verdict == nil ? .completed : .diverged, configHash: configHash, seed: config.seed,
      stepsCompleted: stepsCompleted, divergence: verdict, spikes: detector.events,
      lastFiniteMetrics: lastFinite,
      finalTrainLoss: nil, evaluationCrossEntropy: nil, quality: nil,
      crossEntropyFloor: floor, wallSeconds: 0,
      tokensPerSecond: Double(max(stepsCompleted, 1) * tokensPerStep) / max(trainingSeconds, 1e-9),
      provenance: .current(configHash: configHash, start: start), crash: nil)
    let tail = recentLosses.suffix(max(1, recentLosses.count / 10))
    if verdict == nil, !tail.isEmpty {
      result.finalTrainLoss = tail.reduce(0, +) / Double(tail.count)
    }
    if verdict == nil {
      let crossEntropy = evaluate()
      if crossEntropy.isFinite {
        result.evaluationCrossEntropy = crossEntropy
        result.quality = -crossEntropy
      }
    }
    let end = Date()
    result.wallSeconds = end.timeIntervalSince(start)
    result.provenance.endTime = Provenance.timestamp(end)
    return result
  }

  /// Whether the run logs a metrics row for `step`: every `logEvery` steps, the last step and
  /// the step a divergence verdict ends the run on.
  func isLogged(step: Int, verdict: DivergenceVerdict?) -> Bool {
    step % config.logEvery == 0 || step == config.steps - 1 || verdict != nil
  }

  /// What one step did. On a step the run does not log (see ``isLogged(step:verdict:)``) the
  /// router entropies and roundoff-flip fractions in `loss` are left at 0, and so are
  /// Adafactor's update sizes in `update`.
  public struct StepOutcome: Sendable {
    public var loss: LossBreakdown
    /// Global gradient L2 norm before clipping.
    public var gradientNorm: Double
    public var learningRate: Float
    /// Nil when the step stopped before the update (non-finite loss or gradient).
    public var update: UpdateStatistics?
    public var verdict: DivergenceVerdict?
  }

  /// One training step: batch `step` → forward → backward → clip → divergence rules → update.
  public func trainStep(_ step: Int) -> StepOutcome {
    source.trainingBatch(step: step, into: model.inputTokens.base, targets: model.targetTokens.base)
    StepProfile.enter(.forward)
    var loss = model.forward(training: true, step: step, defersLoggedStatistics: true)
    StepProfile.leave()
    StepProfile.enter(.backward)
    model.backward()
    StepProfile.leave()
    let gradientNorm = GradientClipping.clip(
      model.gradients.base, count: model.gradients.count,
      maximumNorm: config.optimizer.gradientClipNorm)
    let learningRate = schedule.learningRate(atStep: step)
    let verdict = detector.observe(
      step: step, crossEntropy: loss.crossEntropy, gradientNorm: gradientNorm,
      otherTerms: [
        loss.total, loss.balanceLoss, loss.routerZLoss, loss.attentionZLoss, loss.outputZLoss,
      ])
    let logged = isLogged(step: step, verdict: verdict)
    if logged { model.completeLoggedStatistics(&loss) }
    var update: UpdateStatistics?
    if verdict?.reason != .nonfinite {
      StepProfile.enter(.optimizer)
      update = optimizer.step(
        parameters: model.parameters.base, gradients: model.gradients.base,
        learningRate: learningRate, step: step, measuringUpdate: logged)
      StepProfile.leave()
    }
    return StepOutcome(
      loss: loss, gradientNorm: gradientNorm, learningRate: learningRate, update: update,
      verdict: verdict)
  }

  /// Mean held-out cross-entropy over `evaluationBatches` batches (eval mode).
  public func evaluate() -> Double {
    var total: Double = 0
    for index in 0..<config.evaluationBatches {
      source.evaluationBatch(
        index: index, into: model.inputTokens.base, targets: model.targetTokens.base)
      total +=
        model.forward(training: false, step: config.steps + index, defersLoggedStatistics: true)
        .crossEntropy
    }
    return total / Double(config.evaluationBatches)
  }

  static func seconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) + Double(attoseconds) * 1e-18
  }
}
