/// Why a run was declared diverged; the JSON value is the case name.
public enum DivergenceReason: String, Codable, Hashable, Sendable, CaseIterable {
  case nonfinite, cap, spike
  /// The smoothed cross-entropy stayed above its best by the regression margin: the run
  /// learned and then unlearned.
  case regressed
}

/// The end of a run by divergence: when, why, and the value that triggered it.
public struct DivergenceVerdict: Codable, Hashable, Sendable {
  public var step: Int
  public var reason: DivergenceReason
  /// The training cross-entropy of `step` (which may be finite for a non-finite verdict caused
  /// by another term or the gradient); for `regressed`, the smoothed cross-entropy.
  public var loss: Double

  public init(step: Int, reason: DivergenceReason, loss: Double) {
    self.step = step
    self.reason = reason
    self.loss = loss
  }
}

/// Which spike rule fired; the JSON value is the case name.
public enum SpikeRule: String, Codable, Hashable, Sendable, CaseIterable {
  case ratio, zScore
}

/// One loss spike, recorded whether or not it ends the run.
public struct SpikeEvent: Codable, Hashable, Sendable {
  public var step: Int
  public var loss: Double
  public var rule: SpikeRule

  public init(step: Int, loss: Double, rule: SpikeRule) {
    self.step = step
    self.loss = loss
    self.rule = rule
  }
}

/// Watches the training cross-entropy (CE), the other loss terms and the gradient norm step by
/// step and declares divergence.
///
/// Rules, checked in this order at every ``observe(step:crossEntropy:gradientNorm:otherTerms:)``:
/// 1. **nonfinite**: CE, any other loss term or the gradient norm is NaN or ±∞ ⇒ diverged at once.
/// 2. **cap**: CE > capFactor × L₀, L₀ the first observed CE (≈ ln V at initialisation).
/// 3. **spike**, from the CE of *earlier* steps (the current one joins the windows after
///    the check; spike values join too, as in LLM Foundry):
///    - ratio: CE ≥ spikeFactor × mean(last spikeWindow values), once the window is full;
///    - z-score: (CE − mean)/sd > spikeSigma over the last zWindow values (sd with divisor
///      n − 1), once zMinimumCount values are in. One-sided, as OLMo-core and Levanter apply
///      it: a sudden *drop* of the loss (a plateau ending) is progress, not a spike.
///    If every value in the z window is identical (sd = 0), any higher CE counts as a z spike.
///    Every rule that fires adds a ``SpikeEvent``. A step where any fires is a spike step;
///    `spikePatience` consecutive spike steps give diverged(spike) if `spikesCountAsDivergence`.
/// 4. **regressed** (when `regressionMargin` > 0): the EMA s ← s + (CE − s)/τ (s₀ = the first
///    CE, τ = regressionSmoothingSteps) is compared with its minimum over steps ≥
///    regressionStartStep; `regressionPatience` consecutive steps with s > minimum + margin
///    give diverged(regressed), reported with s. Steps before the start only feed the EMA.
///
/// Only CE is judged by rules 2–4 (``DivergenceConfig`` says why); the auxiliary terms only
/// have to stay finite.
///
/// The verdict is sticky: once diverged, later calls return the same verdict and record nothing.
/// Means and deviations are recomputed in Double from the window each step (no running sums
/// to drift); the EMA is a Double updated once per step. Memory is fixed by the window sizes,
/// plus one entry per recorded event.
public struct DivergenceDetector: Sendable {
  public let config: DivergenceConfig
  public private(set) var events: [SpikeEvent] = []
  public private(set) var verdict: DivergenceVerdict?
  /// L₀, the first observed cross-entropy.
  public private(set) var initialLoss: Double?
  /// Spike steps in a row up to the last observation.
  public private(set) var consecutiveSpikes = 0
  /// The EMA of CE after the last observation (tracked whether or not the rule is on).
  public private(set) var smoothedCrossEntropy: Double?
  /// The lowest EMA of CE at steps ≥ regressionStartStep so far.
  public private(set) var bestSmoothedCrossEntropy: Double?
  /// Steps in a row whose EMA was above the best by more than the margin (rule on only).
  public private(set) var consecutiveRegressedSteps = 0
  private var ratioWindow: LossWindow
  private var zWindow: LossWindow

  public init(_ config: DivergenceConfig) {
    self.config = config
    ratioWindow = LossWindow(capacity: config.spikeWindow)
    zWindow = LossWindow(capacity: config.zWindow)
  }

  /// Takes the cross-entropy, the gradient norm and any other loss terms of `step` (only
  /// checked to be finite); returns a verdict if the run has diverged.
  public mutating func observe(
    step: Int, crossEntropy loss: Double, gradientNorm: Double, otherTerms: [Double] = []
  ) -> DivergenceVerdict? {
    if let verdict { return verdict }
    guard loss.isFinite, gradientNorm.isFinite, otherTerms.allSatisfy(\.isFinite) else {
      return declare(step: step, reason: .nonfinite, loss: loss)
    }
    let reference = initialLoss ?? loss
    if initialLoss == nil { initialLoss = loss }
    if config.capFactor > 0, reference > 0, loss > config.capFactor * reference {
      return declare(step: step, reason: .cap, loss: loss)
    }
    var spiked = false
    if config.spikeFactor > 0, ratioWindow.isFull, loss >= config.spikeFactor * ratioWindow.mean {
      events.append(SpikeEvent(step: step, loss: loss, rule: .ratio))
      spiked = true
    }
    if config.spikeSigma > 0, zWindow.count >= config.zMinimumCount {
      let deviation = loss - zWindow.mean
      let sd = zWindow.standardDeviation
      if deviation > 0, sd == 0 || deviation / sd > config.spikeSigma {
        events.append(SpikeEvent(step: step, loss: loss, rule: .zScore))
        spiked = true
      }
    }
    ratioWindow.append(loss)
    zWindow.append(loss)
    consecutiveSpikes = spiked ? consecutiveSpikes + 1 : 0
    if config.spikesCountAsDivergence, consecutiveSpikes >= config.spikePatience {
      return declare(step: step, reason: .spike, loss: loss)
    }
    return judgeRegression(step: step, crossEntropy: loss)
  }

  /// Rule 4: updates the EMA and its best value; diverged after `regressionPatience` steps
  /// in a row above best + margin.
  private mutating func judgeRegression(step: Int, crossEntropy: Double) -> DivergenceVerdict? {
    let previous = smoothedCrossEntropy ?? crossEntropy
    let smoothed = previous + (crossEntropy - previous) / Double(config.regressionSmoothingSteps)
    smoothedCrossEntropy = smoothed
    guard config.judgesRegression, step >= config.regressionStartStep else { return nil }
    let best = min(bestSmoothedCrossEntropy ?? smoothed, smoothed)
    bestSmoothedCrossEntropy = best
    consecutiveRegressedSteps =
      smoothed > best + config.regressionMargin ? consecutiveRegressedSteps + 1 : 0
    if consecutiveRegressedSteps >= config.regressionPatience {
      return declare(step: step, reason: .regressed, loss: smoothed)
    }
    return nil
  }

  private mutating func declare(step: Int, reason: DivergenceReason, loss: Double)
    -> DivergenceVerdict
  {
    let decided = DivergenceVerdict(step: step, reason: reason, loss: loss)
    verdict = decided
    return decided
  }
}

/// The last `capacity` losses in a ring buffer.
struct LossWindow: Sendable {
  private var values: [Double]
  private var next = 0
  private(set) var count = 0

  init(capacity: Int) {
    precondition(capacity >= 1)
    values = Array(repeating: 0, count: capacity)
  }

  var isFull: Bool { count == values.count }

  mutating func append(_ value: Double) {
    values[next] = value
    next = (next + 1) % values.count
    count = min(count + 1, values.count)
  }

  var mean: Double {
    var sum = 0.0
    for index in 0..<count { sum += values[index] }
    return sum / Double(count)
  }

  /// Sample standard deviation (divisor n − 1), two-pass.
  var standardDeviation: Double {
    guard count >= 2 else { return 0 }
    let center = mean
    var sum = 0.0
    for index in 0..<count { sum += (values[index] - center) * (values[index] - center) }
    return (sum / Double(count - 1)).squareRoot()
  }
}
