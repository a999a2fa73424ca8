import Foundation
import MoETestSupport
import Testing

/// The command line as a user meets it: the built `stmoe-sweep` binary run as a process.
@Suite("Command line", .serialized)
struct CommandLineTests {
  typealias Outcome = CommandRunner.Outcome

  func run(_ arguments: [String], in directory: URL? = nil) throws -> Outcome {
    try CommandRunner.run(arguments, in: directory)
  }

  func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("stmoe-cli-\(UUID())")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  static let smallRun = """
    {"steps": 40, "logEvery": 5, "evaluationBatches": 1,
     "model": {"vocabSize": 32, "sequenceLength": 8, "batchSize": 4, "channels": 16, "headCount": 2,
               "layerCount": 2, "ffnHidden": 32, "expertCount": 4},
     "data": {"domainCount": 2, "branching": 2}}
    """

  @Test func modelPrintsTheReferenceCounts() throws {
    let outcome = try run(["model", "--config", "tiny"])
    #expect(outcome.status == 0)
    #expect(outcome.stdout.contains("total parameters                  3,886,208"))
    #expect(outcome.stdout.contains("training FLOPs per step (2048 tokens) 19,755,171,840"))
  }

  /// bench's breakdown: every phase of the study model's step appears, and the parts add up to
  /// the profiled step (the rest is defined as what the phases leave, so this checks that no
  /// time is counted twice). Not a timing test: no time is compared to a threshold.
  @Test func benchBreaksTheStudyStepDownIntoPartsThatSumToIt() throws {
    let outcome = try run(["bench", "--config", "study", "--steps", "2", "--warmup", "0", "--json"])
    #expect(outcome.status == 0, "\(outcome.stderr)")
    struct Breakdown: Decodable {
      struct Part: Decodable { var name: String, milliseconds: Double }
      var steps: Int, stepMilliseconds: Double, parts: [Part]
    }
    struct Result: Decodable { var tokensPerStep: Int, breakdown: Breakdown }
    let result = try JSONDecoder().decode(Result.self, from: Data(outcome.stdout.utf8))
    #expect(result.tokensPerStep == 256)
    let parts = result.breakdown.parts
    let names = ["forward", "backward", "optimizer", "routing", "rounding", "rest"]
    #expect(parts.map(\.name) == names)
    let sum = parts.reduce(0) { $0 + $1.milliseconds }, step = result.breakdown.stepMilliseconds
    #expect(abs(sum - step) <= 1e-9 * step)
    for name in ["forward", "backward", "optimizer", "rounding"] {
      #expect(parts.first { $0.name == name }!.milliseconds > 0, "\(name) was measured")
    }
  }

  /// A misspelt key: non-zero exit, the file and key path named, the nearest key suggested,
  /// nothing written.
  @Test func misspeltKeyIsRefusedBeforeAnythingRuns() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("run.json")
    try #"{"model": {"expertsPerTokn": 2}}"#.write(to: file, atomically: true, encoding: .utf8)
    let outcome = try run(["train", "--config", file.path, "--out", "out"], in: directory)
    #expect(outcome.status != 0)
    #expect(outcome.stderr.contains("run.json: model.expertsPerTokn: unknown key"))
    #expect(outcome.stderr.contains("did you mean \"expertsPerToken\"?"))
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
  }

  @Test func impossibleOverrideNamesItsKeyPath() throws {
    let outcome = try run(["model", "--set", "model.headCount=5"])
    #expect(outcome.status != 0)
    #expect(outcome.stderr.contains("--set: model.headCount: must divide channels (128), got 5"))
    let typo = try run(["model", "--set", "schedule.learningRat=0.1"])
    #expect(typo.status != 0 && typo.stderr.contains("did you mean \"learningRate\"?"))
  }

  /// Impossible values and unknown choices, each refused with its key path and what is allowed.
  @Test(arguments: [
    ("model.precision=bfloat32", "model.precision: unknown value \"bfloat32\""),
    (
      "model.expertsPerToken=3",
      "model.expertsPerToken: must be 1 or 2 and at most expertCount (8), got 3"
    ),
    ("model.dropoutRate=-0.1", "model.dropoutRate: must be in [0, 1), got -0.1"),
    ("model.channels=\"wide\"", "model.channels: expected an integer, found a string"),
  ])
  func impossibleValuesAreRefused(assignment: String, message: String) throws {
    let outcome = try run(["model", "--set", assignment])
    #expect(outcome.status != 0)
    #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
    if assignment.hasPrefix("model.precision") {
      #expect(outcome.stderr.contains("\"bfloat16-router-float32\""))
    }
  }

  /// A run forced to diverge (absurd learning rate) ends "diverged" with a reason, exits 0 and
  /// leaves a complete record.
  @Test func forcedDivergenceIsAResultNotAnError() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("run.json")
    try Self.smallRun.write(to: file, atomically: true, encoding: .utf8)
    let outcome = try run(
      [
        "train", "--config", file.path, "--out", "out", "--set", "optimizer.kind=sgd",
        "--set", "schedule.kind=constant", "--set", "schedule.learningRate=10000",
      ], in: directory)
    #expect(outcome.status == 0, "\(outcome.stderr)")
    #expect(outcome.stdout.hasPrefix("diverged after"))
    let out = directory.appendingPathComponent("out")
    for name in ["config.json", "metrics.csv", "result.json"] {
      #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path))
    }
    let result =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: out.appendingPathComponent("result.json"))) as? [String: Any]
    #expect(result?["status"] as? String == "diverged")
    let divergence = result?["divergence"] as? [String: Any]
    #expect(["nonfinite", "cap"].contains(divergence?["reason"] as? String ?? ""))
  }

  @Test func trainingWritesTheResolvedConfig() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("run.json")
    try Self.smallRun.write(to: file, atomically: true, encoding: .utf8)
    let outcome = try run(["train", "--config", file.path, "--out", "out"], in: directory)
    #expect(outcome.status == 0, "\(outcome.stderr)")
    #expect(outcome.stdout.hasPrefix("completed after 40 steps"))
    let config = try String(
      contentsOf: directory.appendingPathComponent("out/config.json"), encoding: .utf8)
    // Every default is explicit in the resolved config.
    for key in [
      "\"routerZLossCoefficient\"", "\"updateClipping\"", "\"spikePatience\"", "\"precision\"",
    ] {
      #expect(config.contains(key))
    }
  }
}

/// GSL's package brings its own slow reference CBLAS (libgslcblas); the shipped binary links
/// both, and every `cblas_sgemm` call must bind to OpenBLAS (swift-toolchain.md, trap 1).
/// Checked without timing, through the dynamic linker's own report of its bindings.
@Suite("Linking")
struct LinkingTests {
  @Test func sgemmBindsToOpenBLASNotGSL() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "stmoe-link-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("run.json")
    try CommandLineTests.smallRun.write(to: file, atomically: true, encoding: .utf8)
    let text = try CommandRunner.run(
      ["bench", "--config", file.path, "--steps", "1", "--warmup", "0"],
      environment: ["LD_DEBUG": "bindings"]
    ).stderr
    let bindings = text.split(separator: "\n").filter { $0.contains("`cblas_sgemm'") }
    #expect(!bindings.isEmpty)
    #expect(
      bindings.allSatisfy { $0.contains("libopenblas") && !$0.contains("gslcblas") }, "\(bindings)")
  }
}
