/// Named model configurations. `tiny` is the reference spec of performance.md (3,886,208
/// parameters); `small` doubles the width (15,374,592).
public enum ModelPreset: String, CaseIterable, Sendable {
  case tiny, small

  public var config: ModelConfig {
    var config = ModelConfig()
    switch self {
    case .tiny: break
    case .small:
      config.channels = 256
      config.headCount = 8
      config.ffnHidden = 1024
    }
    return config
  }
}
