/// Named model configurations. `tiny` is the reference spec of performance.md (3,886,208
/// parameters); `small` doubles the width (15,374,592); `study` is the model of every stability
/// study (the `base.model` of `sweeps/zloss.json` and the other study sweeps: V 64, T 32, B 8,
/// C 32, 2 heads, 4 layers, F 128, 16 experts top-2 in every layer, QK-norm without gains,
/// output z-loss 1e-4, no router z-loss, bfloat16), so `bench --config study` measures what the
/// sweeps run.
public enum ModelPreset: String, CaseIterable, Sendable {
  case tiny, small, study

  public var config: ModelConfig {
    var config = ModelConfig()
    switch self {
    case .tiny: break
    case .small:
      config.channels = 256
      config.headCount = 8
      config.ffnHidden = 1024
    case .study:
      config.vocabSize = 64
      config.sequenceLength = 32
      config.batchSize = 8
      config.channels = 32
      config.headCount = 2
      config.layerCount = 4
      config.ffnHidden = 128
      config.moeEvery = 1
      config.moeOffset = 0
      config.expertCount = 16
      config.expertsPerToken = 2
      config.qkNorm = true
      config.qkNormScale = false
      config.routerZLossCoefficient = 0
      config.outputZLossCoefficient = 1e-4
      config.precision = .bfloat16
    }
    return config
  }
}
