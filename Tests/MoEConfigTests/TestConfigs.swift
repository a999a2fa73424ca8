import Foundation
import MoEConfig
import Testing

/// A choice: a `String`-backed, `CaseIterable` enum.
enum Activation: String, Codable, CaseIterable {
  case gelu, relu, swish
}

/// An array element with its own defaults and check.
struct ExpertConfig: Codable, Equatable, DefaultConstructible, ValidatedConfig {
  var width = 64
  var activation = Activation.gelu
  var dropout = 0.0

  func validate() throws(ConfigError) {
    guard width > 0 else { throw ConfigError(keyPath: "width", "must be positive, got \(width)") }
  }
}

/// A nested section.
struct RouterConfig: ConfigSection, Equatable {
  var expertCount = 8
  var expertsPerToken = 2
  var jitter = 0.01
  var useZLoss = true

  func validate() throws(ConfigError) {
    guard expertsPerToken >= 1 && expertsPerToken <= expertCount else {
      throw ConfigError(
        keyPath: "expertsPerToken", "must be in 1...\(expertCount), got \(expertsPerToken)")
    }
  }
}

/// The top level: every JSON kind, a nested section whose default differs from its type's
/// (`expertCount` 4, not 8), an array of structs and an optional.
struct TrialConfig: ConfigSection, Equatable {
  var name = "tiny"
  var seed = 0
  var learningRate = 0.001
  var router = RouterConfig(expertCount: 4)
  var experts = [ExpertConfig(), ExpertConfig()]
  var tags: [String] = []
  var resumeFrom: String?

  func validate() throws(ConfigError) {
    guard learningRate > 0 else {
      throw ConfigError(keyPath: "learningRate", "must be positive, got \(learningRate)")
    }
  }
}

/// Without defaults (not `DefaultConstructible`): every key is required.
struct Axis: Codable, Equatable {
  var key: String
  var values: [JSONValue]
}

struct SweepSpec: Codable, Equatable, DefaultConstructible {
  var base: JSONValue = [:]
  var axes: [Axis] = []
}

/// Decodes `json` as a `trial.json` file.
func decodeTrial(_ json: String) throws(ConfigError) -> TrialConfig {
  try ConfigDecoder.decode(TrialConfig.self, from: Data(json.utf8), file: "trial.json")
}

/// The user-facing text of the error decoding `json` as `T` throws, or nil if it decodes.
func errorText<T: Decodable>(_ type: T.Type, _ json: String) -> String? {
  do {
    _ = try ConfigDecoder.decode(type, from: Data(json.utf8), file: "trial.json")
    return nil
  } catch {
    return error.description
  }
}

/// A JSON input and the exact message it must produce.
struct Refusal: Sendable, CustomTestStringConvertible {
  var json: String
  var message: String
  var testDescription: String { json }

  init(_ json: String, _ message: String) {
    self.json = json
    self.message = message
  }
}
