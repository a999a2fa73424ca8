import Foundation
import MoEConfig
import MoEModel
import MoETestSupport
import Testing

@testable import MoETraining

/// Adafactor's Double scratch, which the census does not know.
func doubleScratchBytes(_ value: Any) -> Double? {
  (value as? DoubleScratch).map { 8 * Double(max($0.count, 1)) }
}

struct OptimizerCase: CustomTestStringConvertible, Sendable {
  var name: String
  var configure: @Sendable (inout OptimizerConfig) -> Void
  var testDescription: String { name }
}

@Suite("A run's memory is estimated before it is allocated and refused when it cannot fit")
struct MemoryCheckTests {
  /// The optimizer state the estimate counts is what each optimizer allocates, and the whole
  /// estimate is what the trainer's model and optimizer hold (plus the fixed process allowance).
  @Test(arguments: [
    OptimizerCase(name: "Adafactor, nothing factored") { _ in },
    OptimizerCase(name: "Adafactor, factored and unfactored matrices") {
      $0.adafactor.factoredMinimumDimension = 32
    },
    OptimizerCase(name: "AdamW") { $0.kind = .adamW },
    OptimizerCase(name: "SGD with momentum") {
      $0.kind = .sgd
      $0.sgd.momentum = 0.9
    },
    OptimizerCase(name: "SGD without momentum") { $0.kind = .sgd },
  ])
  func estimateEqualsWhatTheTrainerAllocates(_ testCase: OptimizerCase) throws {
    var run = smallRunConfig()
    testCase.configure(&run.optimizer)
    let trainer = try Trainer(config: run)
    let estimate = RunMemoryEstimate(run)
    let optimizer = AllocationCensus(of: trainer.optimizer, extra: doubleScratchBytes)
    #expect(optimizer.bufferBytes == estimate.optimizerStateBytes)
    let whole = AllocationCensus(of: trainer.model, trainer.optimizer, extra: doubleScratchBytes)
    #expect(
      whole.bufferBytes + RunMemoryEstimate.processBytes
        == estimate.totalBytes - estimate.model.routingBytes)
  }

  /// The error names the size key that makes the run too big, the estimate and the memory
  /// available, and the largest value of that key that fits.
  @Test func tooManyLayersAreRefusedAtLayerCount() throws {
    var run = RunConfig()
    run.model.layerCount = 400
    let available = AvailableMemory(bytes: 8 * 1_073_741_824, source: "a test figure")
    let error = try #require(refusal(run, available))
    #expect(error.keyPath == "model.layerCount")
    #expect(error.message.contains("more than the 8.0 GiB available (a test figure)"))
    let needed = RunMemoryEstimate(run).totalBytes
    #expect(error.message.contains(RunConfig.formatBytes(needed)))
    // The suggested count is the largest that fits: one more layer does not.
    let suggestion = try #require(error.suggestion)
    let suggested = try #require(Int(suggestion.split(separator: "=")[1].split(separator: " ")[0]))
    var fitting = run
    var overflowing = run
    fitting.model.layerCount = suggested
    overflowing.model.layerCount = suggested + 1
    #expect(RunMemoryEstimate(fitting).totalBytes <= available.bytes)
    #expect(RunMemoryEstimate(overflowing).totalBytes > available.bytes)
  }

  /// A width that cannot fit is named even when the layer count is also raised; the suggested
  /// width is a valid one (a multiple of the head count).
  @Test func theDominantKeyIsNamed() throws {
    var run = RunConfig()
    run.model.channels = 1_000_000
    run.model.layerCount = 6
    run.model.headCount = 8
    let available = AvailableMemory(bytes: 16 * 1_073_741_824, source: "a test figure")
    let error = try #require(refusal(run, available))
    #expect(error.keyPath == "model.channels")
    let suggestion = try #require(error.suggestion)
    let width = try #require(Int(suggestion.split(separator: "=")[1].split(separator: " ")[0]))
    #expect(width % 8 == 0 && width > 128 && width < 1_000_000)
  }

  /// With no size above its default, the model as a whole is named; with a size beyond 32-bit
  /// dimensions, the message says so instead of printing a number.
  @Test func otherRefusals() throws {
    let tiny = AvailableMemory(bytes: 1_048_576, source: "a test figure")
    let whole = try #require(refusal(RunConfig(), tiny))
    #expect(whole.keyPath == "model" && whole.suggestion != nil)
    var run = RunConfig()
    run.model.sequenceLength = 1 << 40
    let huge = try #require(refusal(run, AvailableMemory(bytes: 1e12, source: "a test figure")))
    #expect(huge.keyPath == "model.sequenceLength")
    #expect(huge.message.contains("a size above 2³¹ − 1"))
    #expect(refusal(RunConfig(), AvailableMemory(bytes: 1e12, source: "a test figure")) == nil)
  }

  /// `validate()` runs the check against this machine's memory: a million layers (about 70 TB)
  /// are refused at `model.layerCount` on any machine.
  @Test func validationRefusesWhatCannotFit() {
    var run = RunConfig()
    run.model.layerCount = 1_000_000
    #expect(run.validationError?.keyPath == "model.layerCount")
    #expect(RunConfig().validationError == nil)
  }

  /// The figure is the smallest of MemAvailable and every cgroup limit on the way to the root;
  /// "max" and missing files set no limit.
  @Test func availableMemoryTakesTheTightestLimit() throws {
    let meminfo = "MemTotal:       24683652 kB\nMemAvailable:   20000000 kB\n"
    let v2: [String: String] = [
      "/proc/meminfo": meminfo,
      "/proc/self/cgroup": "0::/slurm/job_7/step_0\n",
      "/sys/fs/cgroup/slurm/job_7/step_0/memory.max": "max\n",
      "/sys/fs/cgroup/slurm/job_7/memory.max": "4294967296\n",
      "/sys/fs/cgroup/slurm/memory.max": "8589934592\n",
    ]
    let jobLimit = try #require(AvailableMemory.read { v2[$0] })
    #expect(
      jobLimit
        == AvailableMemory(
          bytes: 4_294_967_296, source: "the memory limit of cgroup /slurm/job_7"))
    let v1: [String: String] = [
      "/proc/meminfo": meminfo,
      "/proc/self/cgroup": "5:devices:/\n4:memory:/docker/abc\n0::/\n",
      "/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n",
      "/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes": "2147483648\n",
    ]
    #expect(AvailableMemory.read { v1[$0] }?.bytes == 2_147_483_648)
    let unlimited = ["/proc/meminfo": meminfo, "/proc/self/cgroup": "0::/user.slice\n"]
    #expect(
      AvailableMemory.read { unlimited[$0] }
        == AvailableMemory(
          bytes: 20_000_000 * 1024, source: "MemAvailable in /proc/meminfo"))
    // Without /proc/meminfo: the kernel's count of available pages.
    #expect((AvailableMemory.read { _ in nil }?.bytes ?? 0) > 0)
  }

  func refusal(_ run: RunConfig, _ available: AvailableMemory) -> ConfigError? {
    do throws(ConfigError) {
      try run.checkMemory(available: available)
      return nil
    } catch {
      return error
    }
  }
}
