import ArgumentParser
import Foundation
import MoEConfig
import MoEModel

/// `--config <preset|file>` and `--set key=value` overrides, shared by the commands.
struct ConfigSource: ParsableArguments {
  @Option(help: "A preset (\(ModelPreset.allCases.map(\.rawValue).joined(separator: ", "))) or a JSON config file.")
  var config: String = ModelPreset.tiny.rawValue

  @Option(name: .customLong("set"), help: "Override a key, e.g. --set model.expertCount=16 (repeatable).")
  var overrides: [String] = []

  func modelConfig() throws -> ModelConfig {
    var model: ModelConfig
    if let preset = ModelPreset(rawValue: config) {
      model = preset.config
    } else {
      guard FileManager.default.fileExists(atPath: config) else {
        throw ValidationError(
          "'\(config)' is neither a preset (\(ModelPreset.allCases.map(\.rawValue).joined(separator: ", "))) nor a file.")
      }
      let data = try Data(contentsOf: URL(fileURLWithPath: config))
      model = try JSONDecoder().decode(ModelConfig.self, from: data)
    }
    if let error = model.validationError {
      throw ValidationError(error.inFile(config).description)
    }
    return model
  }
}
