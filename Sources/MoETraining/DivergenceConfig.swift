import MoEConfig

/// Thresholds of the ``DivergenceDetector``.
///
/// Rules follow harness-practice §3. They belong in the hashed run config: a different
/// threshold is a different experiment. `0` turns a factor, sigma or margin rule off.
///
/// **What is judged.** The cap, spike and regression rules judge the training cross-entropy
/// (CE), not the total loss: auxiliary terms are part of the objective, not of what the model
/// has learned, and a large router z-loss coefficient alone can lift the total loss over a cap
/// computed from the first loss while CE is healthy. A non-finite value anywhere (CE, any loss
/// term, the gradient norm) still ends the run.
///
/// **Why capFactor 3.** The first CE is ≈ ln V (a fresh model predicts nearly uniformly;
/// 5.55 nats for V = 256). A CE above 3·ln V means the model gives the right token on
/// average less than V⁻³, i.e. it is confidently wrong by 2·ln V nats beyond chance; healthy
/// runs, warm-up spikes included, stay below their first loss. The cap acts on a single step,
/// so it is set well above LLM Foundry's persistent `loss_cap` of 10 (≈ 1 × ln 50k) but far
/// below 10 × L₀ (55 nats at V = 256), where a broken run would burn steps before being stopped.
///
/// **The regression rule** (off by default, so that a run is judged as before the rule existed)
/// catches runs that learn and then unlearn, which the cap (relative to the *first* loss) and
/// the spike rules (relative to the *recent* loss) cannot see. It compares an exponential
/// moving average of CE with its own best value since `regressionStartStep`:
/// - `regressionSmoothingSteps` 50: per-step CE on a 256-token batch scatters by ≈ 0.05 nats
///   in learning runs and 0.3–1 nats in runs that oscillate (committed `lrsensitivity` and
///   `calibrate` metrics); an EMA of time constant τ divides that by √(2τ − 1) ≈ 10, to
///   0.005–0.1 nats, while reacting within τ = 50 steps (a tenth of a 500-step run).
/// - `regressionPatience` 100 = 2τ consecutive steps above the margin: a transient spike of k
///   steps h nats high lifts the EMA by at most k·h/τ and decays within a few τ; only a
///   sustained loss of what was learned stays above for 2τ. Spikes have rules of their own.
/// - `regressionStartStep` 100, the default learning-rate warm-up: the best value is tracked
///   from the end of warm-up, so a bump while the rate is still rising (and the EMA's memory of
///   the untrained ln V start, e^(−100/50) = 14 % of it left at step 100) is not a regression.
///   Set it to the sweep's warm-up length.
/// - `regressionMargin`, when on: 0.5 nats is a recommended value. It is 5–100 × the EMA's
///   scatter above, so noise never trips it, and a CE 0.5 nats above the best means the
///   model's perplexity is 1.65 × its best: an unambiguous loss of what it had learned.
public struct DivergenceConfig: Codable, Hashable, Sendable, ValidatedConfig {
  public var capFactor = 3.0  // diverged(cap) when CE > capFactor × first CE
  public var spikeFactor = 2.0  // spike when CE ≥ spikeFactor × mean of the last spikeWindow
  public var spikeWindow = 100  // CE values in the ratio rule's mean (rule waits for a full window)
  public var spikeSigma = 6.0  // spike when (CE − mean)/sd > spikeSigma over zWindow; 0 = off
  public var zWindow = 128  // CE values in the z-score rule's mean and standard deviation
  public var zMinimumCount = 64  // the z-score rule waits for this many CE values
  public var spikePatience = 4  // consecutive spike steps that count as divergence
  public var spikesCountAsDivergence = true  // false: spikes are only recorded as events
  public var regressionMargin = 0.0  // nats; diverged(regressed) when EMA(CE) > best + margin
  public var regressionSmoothingSteps = 50  // τ of EMA(CE): s ← s + (CE − s)/τ, every step
  public var regressionPatience = 100  // consecutive steps above best + margin that diverge
  public var regressionStartStep = 100  // the best EMA(CE) is tracked from this step on

  public init() {}

  /// Whether the regression rule is on (`regressionMargin` > 0).
  public var judgesRegression: Bool { regressionMargin > 0 }

  public func validate() throws(ConfigError) {
    if capFactor != 0 {
      try ConfigChecks.require(
        capFactor, in: 1.0...Double.greatestFiniteMagnitude, key: "capFactor",
        suggestion: "0 turns the cap off; 3 flags a CE three times the initial one")
      if capFactor == 1 {
        throw ConfigError(keyPath: "capFactor", "must be > 1: the first loss itself would trip it")
      }
    }
    if spikeFactor != 0 {
      try ConfigChecks.require(
        spikeFactor, in: 1.0...Double.greatestFiniteMagnitude, key: "spikeFactor",
        suggestion: "0 turns the ratio rule off; LLM Foundry uses 2")
      if spikeFactor == 1 {
        throw ConfigError(keyPath: "spikeFactor", "must be > 1: half of all steps would spike")
      }
    }
    try ConfigChecks.require(spikeWindow, atLeast: 1, key: "spikeWindow")
    try ConfigChecks.requireNonNegative(
      spikeSigma, key: "spikeSigma", suggestion: "0 turns the z-score rule off; OLMo uses 6")
    try ConfigChecks.require(zWindow, atLeast: 2, key: "zWindow")
    try ConfigChecks.require(
      zMinimumCount, atLeast: 2, key: "zMinimumCount",
      suggestion: "a standard deviation needs two losses")
    if zMinimumCount > zWindow {
      throw ConfigError(
        keyPath: "zMinimumCount", "must be ≤ zWindow (\(zWindow)), got \(zMinimumCount)")
    }
    try ConfigChecks.require(spikePatience, atLeast: 1, key: "spikePatience")
    try ConfigChecks.requireNonNegative(
      regressionMargin, key: "regressionMargin",
      suggestion: "0 turns the regression rule off; 0.5 nats is the recommended margin")
    try ConfigChecks.require(
      regressionSmoothingSteps, atLeast: 1, key: "regressionSmoothingSteps",
      suggestion: "1 judges the raw CE; 50 averages over about 50 steps")
    try ConfigChecks.require(regressionPatience, atLeast: 1, key: "regressionPatience")
    try ConfigChecks.require(
      regressionStartStep, atLeast: 0, key: "regressionStartStep",
      suggestion: "the learning-rate warm-up length")
  }
}
