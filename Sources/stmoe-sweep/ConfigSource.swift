import ArgumentParser
import Foundation
import MoEConfig
import MoEModel
import MoETraining

/// `--config <preset|file>` and `--set key=value` overrides, shared by the commands.
///
/// A preset is the reference run with that model; a file is a run config (JSON, every key
/// optional). Overrides name key paths of the run config (`model.expertCount=16`,
/// `schedule.learningRate=0.03`) and go through the same strict decoding as files: the file's
/// tree, with the overrides written in, is decoded (and so checked) once.
struct ConfigSource: ParsableArguments {
  @Option(
    help:
      "A preset (\(ModelPreset.allCases.map(\.rawValue).joined(separator: ", "))) or a run config JSON file."
  )
  var config: String = ModelPreset.tiny.rawValue

  @Option(
    name: .customLong("set"),
    help: "Override a key path, e.g. --set model.expertCount=16 (repeatable).")
  var overrides: [String] = []

  /// The run config, checked; errors name the file or `--set`, and the key path.
  func checkedRunConfig() throws -> CheckedRunConfig {
    let defaults = Self.tree(of: RunConfig())
    let written: JSONValue
    var file: String?
    if let preset = ModelPreset(rawValue: config) {
      var run = RunConfig()
      run.model = preset.config
      written = Self.tree(of: run)
    } else {
      guard FileManager.default.fileExists(atPath: config) else {
        let presets = ModelPreset.allCases.map(\.rawValue).joined(separator: ", ")
        throw ValidationError("'\(config)' is neither a preset (\(presets)) nor a file.")
      }
      do throws(ConfigError) {
        written = try ConfigDecoder.decode(JSONValue.self, contentsOfFile: config)
      } catch {
        throw ValidationError(error.description + hint)
      }
      file = config
    }
    do throws(ConfigError) {
      let tree = try applying(overrides: overrides, to: written, checkedAgainst: defaults)
      return try CheckedRunConfig(decoding: tree, file: overrides.isEmpty ? file : nil)
    } catch {
      // The file is read before its overrides apply: its own errors come first, as they are.
      if let file, !overrides.isEmpty {
        do throws(ConfigError) { _ = try CheckedRunConfig(decoding: written, file: file) } catch {
          throw ValidationError(error.description + hint)
        }
      }
      let origin = error.file == nil ? "--set: " : ""
      throw ValidationError(origin + error.description + hint)
    }
  }

  /// The run config, checked (see ``checkedRunConfig()``).
  func runConfig() throws -> RunConfig { try checkedRunConfig().config }

  var hint: String {
    "\nNothing was run. Fix the key above; `stmoe-sweep model` prints every key with its default."
  }

  private static func tree(of config: RunConfig) -> JSONValue {
    do {
      return try JSONValue(encoding: config)
    } catch {
      preconditionFailure("RunConfig.encode(to:) threw \(error)")
    }
  }
}
