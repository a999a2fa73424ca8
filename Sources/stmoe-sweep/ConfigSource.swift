import ArgumentParser
import Foundation
import MoEConfig
import MoEModel
import MoETraining

/// `--config <preset|file>` and `--set key=value` overrides, shared by the commands.
///
/// A preset is the reference run with that model; a file is a run config (JSON, every key
/// optional). Overrides name key paths of the run config (`model.expertCount=16`,
/// `schedule.learningRate=0.03`) and go through the same strict decoding as files.
struct ConfigSource: ParsableArguments {
  @Option(help: "A preset (\(ModelPreset.allCases.map(\.rawValue).joined(separator: ", "))) or a run config JSON file.")
  var config: String = ModelPreset.tiny.rawValue

  @Option(name: .customLong("set"), help: "Override a key path, e.g. --set model.expertCount=16 (repeatable).")
  var overrides: [String] = []

  func runConfig() throws -> RunConfig {
    var run: RunConfig
    if let preset = ModelPreset(rawValue: config) {
      run = RunConfig()
      run.model = preset.config
    } else {
      guard FileManager.default.fileExists(atPath: config) else {
        throw ValidationError(
          "'\(config)' is neither a preset (\(ModelPreset.allCases.map(\.rawValue).joined(separator: ", "))) nor a file.")
      }
      do throws(ConfigError) {
        run = try ConfigDecoder.decode(RunConfig.self, contentsOfFile: config)
      } catch {
        throw ValidationError(error.description + hint)
      }
    }
    do throws(ConfigError) {
      run = try applying(overrides: overrides, to: run)
      try run.validate()
    } catch {
      let origin = error.file == nil ? "--set: " : ""
      throw ValidationError(origin + error.description + hint)
    }
    return run
  }

  var hint: String { "\nNothing was run. Fix the key above; `stmoe-sweep model` prints every key with its default." }
}
