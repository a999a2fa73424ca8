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
  public func validate() throws(ConfigError) {
    if seed < 0 { throw ConfigError(keyPath: "seed", "must be non-negative, got \(seed)") }
    if steps < 1 { throw ConfigError(keyPath: "steps", "must be at least 1, got \(steps)") }
    if logEvery < 1 { throw ConfigError(keyPath: "logEvery", "must be at least 1, got \(logEvery)") }
    if evaluationBatches < 1 {
      throw ConfigError(keyPath: "evaluationBatches", "must be at least 1, got \(evaluationBatches)")
    }
    do throws(ConfigError) { try model.validate() } catch { throw error.prefixed(by: "model") }
    do throws(ConfigError) { try optimizer.validate() } catch { throw error.prefixed(by: "optimizer") }
    do throws(ConfigError) { try schedule.validate() } catch { throw error.prefixed(by: "schedule") }
    do throws(ConfigError) { try data.validate() } catch { throw error.prefixed(by: "data") }
    do throws(ConfigError) { try divergence.validate() } catch { throw error.prefixed(by: "divergence") }
    if data.kind == .bytes && model.vocabSize != 256 {
      throw ConfigError(
        keyPath: "model.vocabSize", "must be 256 for byte-level data, got \(model.vocabSize)")
    }
    // Last: the estimate assumes every section above is valid.
    if let available = AvailableMemory.current { try checkMemory(available: available) }
  }
}
