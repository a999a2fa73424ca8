/// Why a run was declared diverged; the JSON value is the case name.
public enum DivergenceReason: String, Codable, Hashable, Sendable, CaseIterable {
  case nonfinite, cap, spike
}

/// The end of a run by divergence: when, why, and the loss that triggered it.
public struct DivergenceVerdict: Codable, Hashable, Sendable {
  public var step: Int
  public var reason: DivergenceReason
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

/// Watches the training loss and gradient norm step by step and declares divergence.
///
/// Rules, checked in this order at every ``observe(step:loss:gradientNorm:)``:
/// 1. **nonfinite**: loss or gradient norm is NaN or ±∞ ⇒ diverged at once.
/// 2. **cap**: loss > capFactor × L₀, L₀ the first observed loss (≈ ln V at initialisation).
/// 3. **spike**, from the losses of *earlier* steps (the current one joins the windows after
///    the check; spike losses join too, as in LLM Foundry):
///    - ratio: loss ≥ spikeFactor × mean(last spikeWindow losses), once the window is full;
///    - z-score: (loss − mean)/sd > spikeSigma over the last zWindow losses (sd with divisor
///      n − 1), once zMinimumCount losses are in. One-sided, as OLMo-core and Levanter apply
///      it: a sudden *drop* of the loss (a plateau ending) is progress, not a spike.
///    If every loss in the z window is identical (sd = 0), any higher loss counts as a z spike.
///    Every rule that fires adds a ``SpikeEvent``. A step where any fires is a spike step;
///    `spikePatience` consecutive spike steps give diverged(spike) if `spikesCountAsDivergence`.
///
/// Feed the same quantity every step (for example the total training loss, auxiliary losses
/// included, or only its cross-entropy): L₀ and the windows compare it with itself.
///
/// The verdict is sticky: once diverged, later calls return the same verdict and record nothing.
/// Means and deviations are recomputed in Double from the window each step (no running sums
/// to drift). Memory is fixed by the window sizes, plus one entry per recorded event.
public struct DivergenceDetector: Sendable {
  public let config: DivergenceConfig
  public private(set) var events: [SpikeEvent] = []
  public private(set) var verdict: DivergenceVerdict?
  /// L₀, the first observed loss.
  public private(set) var initialLoss: Double?
  /// Spike steps in a row up to the last observation.
  public private(set) var consecutiveSpikes = 0
  private var ratioWindow: LossWindow
  private var zWindow: LossWindow

  public init(_ config: DivergenceConfig) {
    self.config = config
    ratioWindow = LossWindow(capacity: config.spikeWindow)
    zWindow = LossWindow(capacity: config.zWindow)
  }

  /// Takes the loss and gradient norm of `step`; returns a verdict if the run has diverged.
  public mutating func observe(step: Int, loss: Double, gradientNorm: Double) -> DivergenceVerdict?
  {
    if let verdict { return verdict }
    guard loss.isFinite, gradientNorm.isFinite else {
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
