import Foundation
import MoEConfig
import MoETestSupport
import Testing

@testable import MoEModel

/// The routing keys of `ModelConfig`: what their defaults reproduce, how the router init scale
/// acts, and how bad values are refused.
@Suite("Routing config keys: defaults, router init scale and refusals")
struct RoutingConfigTests {
  /// The key path of the `ConfigError` that `config.validate()` throws, or nil.
  func refusedKey(_ config: ModelConfig) -> String? {
    do {
      try config.validate()
      return nil
    } catch {
      return error.keyPath
    }
  }

  @Test func defaultsAreTodaysRouting() {
    let config = ModelConfig()
    #expect(config.secondExpertPolicy == .all)
    #expect(config.routingGroupTokens == config.tokensPerStep)
    #expect(config.effectiveRouterInitScale == config.initScale)
  }

  /// σ = √(scale/C) from the same random stream: scale 0.4 = 4·0.1 exactly in binary, so every
  /// router weight is exactly twice the default one (√4 = 2 and ×2 are exact), while every
  /// other tensor is bit-identical. `routerInitScale` equal to `initScale` is the default init.
  @Test func routerInitScaleScalesOnlyTheRouter() {
    var config = gradientCheckConfig()
    config.initScale = 0.1
    let base = Transformer(config: config, seed: 7).parameters.array
    config.routerInitScale = 0.1
    #expect(Transformer(config: config, seed: 7).parameters.array == base)
    config.routerInitScale = 0.4
    let model = Transformer(config: config, seed: 7)
    let scaled = model.parameters.array
    let router = model.layout.slice(.routerWeight).range
    #expect(router.count > 0)
    for i in scaled.indices {
      if router.contains(i) {
        #expect(scaled[i] == 2 * base[i])
      } else {
        #expect(scaled[i] == base[i])
      }
    }
  }

  @Test func groupSizeMustDivideTheTokensPerStep() {
    var config = gradientCheckConfig()  // 2·6 = 12 tokens
    for valid in [0, 1, 3, 12] {
      config.routingGroupSize = valid
      #expect(refusedKey(config) == nil)
    }
    for invalid in [5, 24, -2] {
      config.routingGroupSize = invalid
      #expect(refusedKey(config) == "routingGroupSize")
    }
    config.routingGroupSize = 5
    do {
      try config.validate()
    } catch {
      #expect(error.description.contains("12 tokens per step"))
      #expect(error.suggestion?.contains("1, 2, 3, 4, 6, 12") == true)
    }
  }

  @Test func secondExpertKeysAreChecked() {
    var config = gradientCheckConfig()
    config.secondExpertThreshold = 0
    #expect(refusedKey(config) == "secondExpertThreshold")
    config.secondExpertThreshold = 1.5
    #expect(refusedKey(config) == "secondExpertThreshold")
    config.secondExpertThreshold = 0.2
    config.secondExpertPolicy = .random
    #expect(refusedKey(config) == nil)
    config.expertsPerToken = 1
    #expect(refusedKey(config) == "secondExpertPolicy")
    config.routerInitScale = -1
    config.secondExpertPolicy = .all
    #expect(refusedKey(config) == "routerInitScale")
  }

  /// Read from JSON, a bad value is refused at its key path, as in a run config file.
  @Test func decodingRefusesAnIndivisibleGroup() {
    let json = #"{"batchSize": 2, "sequenceLength": 6, "routingGroupSize": 5}"#
    do {
      _ = try ConfigDecoder.decode(
        ModelConfig.self, from: json.data(using: .utf8)!, file: "run.json")
      Issue.record("accepted an indivisible routing group")
    } catch {
      #expect(error.keyPath == "routingGroupSize" && error.file == "run.json")
    }
  }
}
