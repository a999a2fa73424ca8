import MoEConfig

/// Thresholds of the ``DivergenceDetector``.
///
/// Rules follow harness-practice §3. They belong in the hashed run config: a different
/// threshold is a different experiment. `0` turns a factor or sigma rule off.
///
/// **Why capFactor 3.** The first loss is ≈ ln V (a fresh model predicts nearly uniformly;
/// 5.55 nats for V = 256). A loss above 3·ln V means the model gives the right token on
/// average less than V⁻³, i.e. it is confidently wrong by 2·ln V nats beyond chance; healthy
/// runs, warm-up spikes included, stay below their first loss. The cap acts on a single step,
/// so it is set well above LLM Foundry's persistent `loss_cap` of 10 (≈ 1 × ln 50k) but far
/// below 10 × L₀ (55 nats at V = 256), where a broken run would burn steps before being stopped.
public struct DivergenceConfig: Codable, Hashable, Sendable, ValidatedConfig {
  public var capFactor = 3.0  // diverged(cap) when loss > capFactor × first loss
  public var spikeFactor = 2.0  // spike when loss ≥ spikeFactor × mean of the last spikeWindow
  public var spikeWindow = 100  // losses in the ratio rule's mean (rule waits for a full window)
  public var spikeSigma = 6.0  // spike when (loss − mean)/sd > spikeSigma over zWindow; 0 = off
  public var zWindow = 128  // losses in the z-score rule's mean and standard deviation
  public var zMinimumCount = 64  // the z-score rule waits for this many losses
  public var spikePatience = 4  // consecutive spike steps that count as divergence
  public var spikesCountAsDivergence = true  // false: spikes are only recorded as events

  public init() {}

  public func validate() throws(ConfigError) {
    if capFactor != 0 {
      try ConfigChecks.require(
        capFactor, in: 1.0...Double.greatestFiniteMagnitude, key: "capFactor",
        suggestion: "0 turns the cap off; 3 flags a loss three times the initial one")
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
  }
}
