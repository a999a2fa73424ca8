import Foundation
import MoEConfig
import MoEModel
import Testing

@testable import MoETraining

/// A run small enough for the debug-build test suite: V = 32 over 2 domains, T = 16, B = 8.
func smallRunConfig() -> RunConfig {
  var config = RunConfig()
  config.model.vocabSize = 32
  config.model.sequenceLength = 16
  config.model.batchSize = 8
  config.model.channels = 32
  config.model.headCount = 2
  config.model.layerCount = 2
  config.model.ffnHidden = 64
  config.model.expertCount = 4
  config.data.domainCount = 2
  config.data.branching = 2
  config.schedule.learningRate = 3e-3
  config.schedule.warmupSteps = 20
  config.steps = 250
  config.logEvery = 10
  config.evaluationBatches = 2
  return config
}

@Suite("One training run", .serialized)
struct TrainerTests {
  /// The synthetic corpus's exact cross-entropy floor is the target: a small model must get
  /// close to it (a bigram table is all it needs), both on training and on held-out batches.
  @Test func learnsTheSyntheticCorpusDownToItsFloor() throws {
    let trainer = try Trainer(config: smallRunConfig())
    let result = trainer.run()
    #expect(result.status == .completed)
    let floor = try #require(result.crossEntropyFloor)
    let evaluation = try #require(result.evaluationCrossEntropy)
    // Uniform guessing costs ln 32 = 3.47 nats; the floor is ≈ 0.6. Within 0.15 of it means the
    // transition table was learned.
    #expect(evaluation - floor < 0.15, "eval CE \(evaluation), floor \(floor)")
    #expect(evaluation >= floor - 0.05, "below the floor is impossible: \(evaluation) < \(floor)")
    #expect(result.quality == -evaluation)
    #expect(trainer.metrics.rows.count == 26)  // steps 0, 10, …, 240 and the last, 249
  }

  /// An absurd learning rate ends the run as a result: status diverged, a reason, the step.
  @Test func absurdLearningRateDivergesWithAReason() throws {
    var config = smallRunConfig()
    config.optimizer.kind = .sgd
    config.schedule.kind = .constant
    config.schedule.learningRate = 1e4
    config.steps = 50
    let trainer = try Trainer(config: config)
    let result = trainer.run()
    #expect(result.status == .diverged)
    let divergence = try #require(result.divergence)
    #expect(divergence.step < 50)
    #expect([DivergenceReason.nonfinite, .cap].contains(divergence.reason))
    // The verdict judged the cross-entropy of its step (logged as the last row), not the total.
    let crossEntropy = try #require(trainer.metrics.rows.last?.crossEntropy)
    #expect(
      divergence.loss == crossEntropy || (divergence.loss.isNaN && crossEntropy.isNaN),
      "verdict \(divergence.loss), logged CE \(crossEntropy)")
    #expect(result.quality == nil && result.evaluationCrossEntropy == nil)
    #expect(result.lastFiniteMetrics?.loss.isFinite == true)
  }

  /// Same config and seed → the same metrics CSV, byte for byte (1 BLAS thread); another seed →
  /// another CSV.
  @Test func metricsAreBitIdenticalForTheSameSeed() throws {
    var config = smallRunConfig()
    config.steps = 30
    config.logEvery = 3
    config.model.routerJitter = 0.01
    config.model.dropoutRate = 0.1
    let first = try Trainer(config: config)
    _ = first.run()
    let second = try Trainer(config: config)
    _ = second.run()
    #expect(first.metrics.csv == second.metrics.csv)
    config.seed = 1
    let other = try Trainer(config: config)
    _ = other.run()
    #expect(other.metrics.csv != first.metrics.csv)
  }

  /// The run directory's files are complete and readable: the resolved config decodes back to
  /// the same config, the result round-trips (including a non-finite divergence loss).
  @Test func runDirectoryRoundTrips() throws {
    var config = smallRunConfig()
    config.steps = 5
    let trainer = try Trainer(config: config)
    var result = trainer.run()
    result.divergence = DivergenceVerdict(step: 3, reason: .nonfinite, loss: .nan)
    let directory = RunDirectory(
      FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID())"))
    defer { try? FileManager.default.removeItem(at: directory.url) }
    try directory.writeConfig(config)
    try directory.writeMetrics(trainer.metrics)
    try directory.writeResult(result)
    let decoded = try ConfigDecoder.decode(RunConfig.self, contentsOfFile: directory.configURL.path)
    #expect(decoded == config)
    let read = try #require(try directory.readResult())
    #expect(read.divergence?.loss.isNaN == true)
    #expect(read.configHash == trainer.configHash)
    let csv = try String(contentsOf: directory.metricsURL, encoding: .utf8)
    #expect(csv.split(separator: "\n").count == trainer.metrics.rows.count + 1)
    #expect(try directory.readMetrics()?.rows == trainer.metrics.rows)
    #expect(read.lastFiniteMetrics == result.lastFiniteMetrics)
    #expect(read.lastFiniteMetrics == trainer.metrics.rows.last)
  }

  /// A config built in code is checked like a file, once, with the key path of what is wrong;
  /// `RunConfig.validate()` alone checks only its own level (the decoder checks each section).
  @Test func impossibleConfigIsRefusedWithItsKeyPath() {
    func refusedKey(_ config: RunConfig) -> String? {
      do throws(ConfigError) {
        _ = try CheckedRunConfig(checking: config)
        return nil
      } catch {
        return error.keyPath
      }
    }
    var config = smallRunConfig()
    config.model.headCount = 5
    #expect(throws: ConfigError.self) { try Trainer(config: config) }
    #expect(refusedKey(config) == "model.headCount")
    #expect(config.validationError == nil)
    config = smallRunConfig()
    config.schedule.learningRate = -1
    #expect(refusedKey(config) == "schedule.learningRate")
    config = smallRunConfig()
    config.data.kind = .bytes
    config.data.textPath = "/dev/null"
    #expect(refusedKey(config) == "model.vocabSize")
    #expect(config.validationError?.keyPath == "model.vocabSize")
    #expect(refusedKey(smallRunConfig()) == nil)
  }

  /// The worker's side of the run protocol: config, metrics and result in the directory, the
  /// result returned is the one written, and the config reads back as the one trained.
  @Test func trainingIntoADirectoryWritesTheRunRecord() throws {
    var config = smallRunConfig()
    config.steps = 6
    config.logEvery = 2
    let checked = try CheckedRunConfig(checking: config)
    let directory = RunDirectory(
      FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID())"))
    defer { try? FileManager.default.removeItem(at: directory.url) }
    var steps: [Int] = []
    let result = try directory.train(checked) { steps.append($0.step) }
    #expect(steps == Array(1...6))
    #expect(try directory.readResult() == result)
    #expect(result.configHash == checked.configHash)
    let written = try ConfigDecoder.decode(RunConfig.self, contentsOfFile: directory.configURL.path)
    #expect(written == config)
    let rows = try String(contentsOf: directory.metricsURL, encoding: .utf8).split(separator: "\n")
    #expect(rows.count == 1 + 4)  // header; steps 0, 2, 4 and the last, 5
  }

  /// A run that cannot be built (its text file does not exist) writes nothing.
  @Test func aRunThatCannotBeBuiltWritesNothing() throws {
    var config = smallRunConfig()
    config.model.vocabSize = 256
    config.data.kind = .bytes
    config.data.textPath = "/nonexistent/corpus.txt"
    let checked = try CheckedRunConfig(checking: config)
    let directory = RunDirectory(
      FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID())"))
    #expect(throws: ConfigError.self) { try directory.train(checked) }
    #expect(!FileManager.default.fileExists(atPath: directory.url.path))
  }
}
