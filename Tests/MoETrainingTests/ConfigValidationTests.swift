import Foundation
import MoEConfig
import MoETraining
import Testing

/// Impossible config values are refused with the key path of the offending property.
@Suite struct ConfigValidationTests {
  /// The key path of the ``ConfigError`` `check` throws; nil if it throws nothing (or another
  /// kind of error).
  func refusedKey(_ check: () throws -> Void) -> String? {
    do {
      try check()
      return nil
    } catch {
      return (error as? ConfigError)?.keyPath
    }
  }

  @Test func defaultsAreValid() throws {
    try OptimizerConfig().validate()
    try ScheduleConfig().validate()
    try DataConfig().validate()
    try DivergenceConfig().validate()
  }

  @Test func optimizerValuesAreCheckedWithNestedKeyPaths() {
    var adafactor = AdafactorConfig()
    adafactor.decayExponent = -0.8
    #expect(refusedKey { try adafactor.validate() } == "decayExponent")
    var optimizer = OptimizerConfig()
    optimizer.adafactor = adafactor
    #expect(refusedKey { try optimizer.validate() } == "adafactor.decayExponent")

    optimizer = OptimizerConfig()
    optimizer.adafactor.updateClipping = -1
    #expect(refusedKey { try optimizer.validate() } == "adafactor.updateClipping")
    optimizer = OptimizerConfig()
    optimizer.adafactor.factoredMinimumDimension = 0
    #expect(refusedKey { try optimizer.validate() } == "adafactor.factoredMinimumDimension")
    optimizer = OptimizerConfig()
    optimizer.adamW.beta2 = 1
    #expect(refusedKey { try optimizer.validate() } == "adamW.beta2")
    optimizer = OptimizerConfig()
    optimizer.adamW.weightDecay = -1e-4
    #expect(refusedKey { try optimizer.validate() } == "adamW.weightDecay")
    optimizer = OptimizerConfig()
    optimizer.sgd.momentum = -0.5
    #expect(refusedKey { try optimizer.validate() } == "sgd.momentum")
    optimizer = OptimizerConfig()
    optimizer.gradientClipNorm = -1
    #expect(refusedKey { try optimizer.validate() } == "gradientClipNorm")
    optimizer = OptimizerConfig()
    optimizer.adamW.epsilon = .nan
    #expect(refusedKey { try optimizer.validate() } == "adamW.epsilon")
  }

  @Test func scheduleValuesAreChecked() {
    var schedule = ScheduleConfig()
    schedule.learningRate = -1e-2
    #expect(refusedKey { try schedule.validate() } == "learningRate")
    schedule = ScheduleConfig()
    schedule.warmupSteps = -1
    #expect(refusedKey { try schedule.validate() } == "warmupSteps")
    schedule = ScheduleConfig()
    schedule.kind = .inverseSquareRoot
    schedule.warmupSteps = 0
    #expect(refusedKey { try schedule.validate() } == "warmupSteps")
    schedule = ScheduleConfig()
    schedule.kind = .cosine
    schedule.totalSteps = 100  // = warmupSteps: no room for the cosine
    #expect(refusedKey { try schedule.validate() } == "totalSteps")
    schedule.totalSteps = 1000
    schedule.minimumLearningRate = 0.1  // above the peak 0.01
    #expect(refusedKey { try schedule.validate() } == "minimumLearningRate")
  }

  @Test func dataValuesAreChecked() {
    var data = DataConfig()
    data.branching = 1
    #expect(refusedKey { try data.validate() } == "branching")
    data = DataConfig()
    data.domainCount = 0
    #expect(refusedKey { try data.validate() } == "domainCount")
    data = DataConfig()
    data.kind = .bytes
    #expect(refusedKey { try data.validate() } == "textPath")
    data = DataConfig()
    data.domainCount = 300
    #expect(
      refusedKey {
        _ = try data.makeSource(vocabularySize: 256, batchSize: 1, sequenceLength: 8, seed: 0)
      } == "domainCount")
  }

  @Test func divergenceValuesAreChecked() {
    var divergence = DivergenceConfig()
    divergence.spikePatience = 0
    #expect(refusedKey { try divergence.validate() } == "spikePatience")
    divergence = DivergenceConfig()
    divergence.capFactor = 0.5
    #expect(refusedKey { try divergence.validate() } == "capFactor")
    divergence = DivergenceConfig()
    divergence.spikeSigma = -6
    #expect(refusedKey { try divergence.validate() } == "spikeSigma")
    divergence = DivergenceConfig()
    divergence.zMinimumCount = 200
    #expect(refusedKey { try divergence.validate() } == "zMinimumCount")
    divergence = DivergenceConfig()
    divergence.regressionMargin = -0.5
    #expect(refusedKey { try divergence.validate() } == "regressionMargin")
    divergence = DivergenceConfig()
    divergence.regressionMargin = .infinity
    #expect(refusedKey { try divergence.validate() } == "regressionMargin")
    divergence = DivergenceConfig()
    divergence.regressionSmoothingSteps = 0
    #expect(refusedKey { try divergence.validate() } == "regressionSmoothingSteps")
    divergence = DivergenceConfig()
    divergence.regressionPatience = 0
    #expect(refusedKey { try divergence.validate() } == "regressionPatience")
    divergence = DivergenceConfig()
    divergence.regressionStartStep = -1
    #expect(refusedKey { try divergence.validate() } == "regressionStartStep")
  }

  @Test func routerLearningRateMultiplierMustBeFiniteAndNonNegative() throws {
    var optimizer = OptimizerConfig()
    for bad in [-1.0, .nan, .infinity] {
      optimizer.routerLearningRateMultiplier = bad
      #expect(refusedKey { try optimizer.validate() } == "routerLearningRateMultiplier")
    }
    optimizer.routerLearningRateMultiplier = 0  // freezes the router: allowed
    try optimizer.validate()
  }

  /// A shared vocabulary lifts the limit of one token per domain.
  @Test func sharedVocabularyAllowsMoreDomainsThanTokens() throws {
    var data = DataConfig()
    data.domainCount = 8
    data.sharedVocabulary = true
    let source = try data.makeSource(vocabularySize: 4, batchSize: 1, sequenceLength: 8, seed: 0)
    #expect((source as? SyntheticMarkovCorpus)?.chains.count == 8)
  }

  /// Configs survive a JSON round trip under their property names; an unknown enum value is
  /// a decoding error, not a silent default.
  @Test func configsRoundTripThroughJSONAndRejectUnknownCases() throws {
    var optimizer = OptimizerConfig()
    optimizer.kind = .adamW
    optimizer.adafactor.updateClipping = 0.1
    let encoded = try JSONEncoder().encode(optimizer)
    #expect(try JSONDecoder().decode(OptimizerConfig.self, from: encoded) == optimizer)
    let text = String(decoding: encoded, as: UTF8.self)
    #expect(text.contains("\"updateClipping\":0.1") && text.contains("\"kind\":\"adamW\""))

    let unknown = Data(text.replacingOccurrences(of: "\"adamW\"", with: "\"adam\"").utf8)
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(OptimizerConfig.self, from: unknown)
    }

    #expect(try roundTrip(ScheduleConfig()) == ScheduleConfig())
    #expect(try roundTrip(DataConfig()) == DataConfig())
    #expect(try roundTrip(DivergenceConfig()) == DivergenceConfig())
  }

  func roundTrip<C: Codable>(_ value: C) throws -> C {
    try JSONDecoder().decode(C.self, from: JSONEncoder().encode(value))
  }
}
