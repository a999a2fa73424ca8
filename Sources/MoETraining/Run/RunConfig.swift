import MoEConfig
import MoEModel

/// Everything that defines one training run; its canonical JSON (with the seed) is the run's
/// identity. Keys are the Swift property names, nested by section (`model.expertCount`,
/// `optimizer.adafactor.updateClipping`, `schedule.learningRate`, …).
public struct RunConfig: Codable, Hashable, Sendable {
  /// Seeds the model's initialisation, the router jitter, dropout and the batch order.
  public var seed = 0
  /// Training steps (each B·T tokens).
  public var steps = 300
  /// A metrics row every `logEvery` steps (and at the first and the last step).
  public var logEvery = 10
  /// Held-out batches averaged for the final evaluation.
  public var evaluationBatches = 4
  public var model = ModelConfig()
  public var optimizer = OptimizerConfig()
  public var schedule = ScheduleConfig()
  public var data = DataConfig()
  public var divergence = DivergenceConfig()

  public init() {}
}

// Every section can be partly written: missing keys take these types' defaults.
extension RunConfig: DefaultConstructible {}
extension OptimizerConfig: DefaultConstructible {}
extension AdafactorConfig: DefaultConstructible {}
extension AdamWConfig: DefaultConstructible {}
extension SGDConfig: DefaultConstructible {}
extension ScheduleConfig: DefaultConstructible {}
extension DataConfig: DefaultConstructible {}
extension DivergenceConfig: DefaultConstructible {}

extension RunConfig: ValidatedConfig {
  /// Checks the keys of this level and the rules that span sections.
  ///
  /// Each section checks its own keys in its own `validate()`, which `ConfigDecoder` runs as it
  /// decodes that section; this method does not repeat them, so a decoded run config has had
  /// every check exactly once. A config built in code gets them all from
  /// ``CheckedRunConfig/init(checking:)``.
  public func validate() throws(ConfigError) {
    if seed < 0 { throw ConfigError(keyPath: "seed", "must be non-negative, got \(seed)") }
    if steps < 1 { throw ConfigError(keyPath: "steps", "must be at least 1, got \(steps)") }
    if logEvery < 1 {
      throw ConfigError(keyPath: "logEvery", "must be at least 1, got \(logEvery)")
    }
    if evaluationBatches < 1 {
      throw ConfigError(
        keyPath: "evaluationBatches", "must be at least 1, got \(evaluationBatches)")
    }
    if data.kind == .bytes && model.vocabSize != 256 {
      throw ConfigError(
        keyPath: "model.vocabSize", "must be 256 for byte-level data, got \(model.vocabSize)")
    }
    // Last: the estimate assumes every section above is valid.
    if let available = AvailableMemory.current { try checkMemory(available: available) }
  }
}

/// A run config every value of which has been checked, once: what ``Trainer`` and
/// ``RunDirectory/train(_:metricsInterval:progress:)`` take, so neither checks again.
///
/// The only ways to one are the decoder (a file, a sweep point, a preset with `--set`
/// overrides: the tree is decoded once, and decoding checks every section) and
/// ``init(checking:)`` for a config built in code, which checks it exactly as a file is checked.
public struct CheckedRunConfig: Hashable, Sendable {
  public let config: RunConfig

  /// Decodes a run config tree: absent keys take `RunConfig()`'s defaults, and every section is
  /// checked as it is decoded. `file` names the source in errors.
  public init(decoding tree: JSONValue, file: String? = nil) throws(ConfigError) {
    config = try ConfigDecoder.decode(RunConfig.self, from: tree, file: file)
  }

  /// Checks a config built in code exactly as if it had been read from a file (its encoding is
  /// decoded, which runs every section's `validate()` and ``RunConfig/validate()``).
  public init(checking config: RunConfig) throws(ConfigError) {
    let tree: JSONValue
    do {
      tree = try JSONValue(encoding: config)
    } catch {
      throw ConfigError(keyPath: "", "cannot encode the config: \(error)")
    }
    _ = try ConfigDecoder.decode(RunConfig.self, from: tree)
    self.config = config
  }

  /// `configHash(config)`: the run's identity, and its directory's name in a sweep.
  public var configHash: String { MoEConfig.configHash(config) }
}
