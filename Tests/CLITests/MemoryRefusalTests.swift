import Foundation
import MoETestSupport
import Testing

/// A mistyped size is refused before anything is allocated, by every command that takes a run
/// config: non-zero exit within seconds, the key named, the estimate and the memory available
/// printed, nothing written.
@Suite("Runs too big for the machine are refused")
struct MemoryRefusalTests {
  func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("stmoe-memory-\(UUID())")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// MemTotal from /proc/meminfo, in bytes (0 where it cannot be read).
  static var memoryTotal: Double {
    let text = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
    let line = text.split(separator: "\n").first { $0.hasPrefix("MemTotal:") }
    let kibibytes = line?.split(separator: " ").dropFirst().first.flatMap { Double($0) }
    return (kibibytes ?? 0) * 1024
  }

  /// Runs `train` with one override; expects a refusal naming `key` within `seconds`.
  func expectRefusal(
    _ command: String, override: String, key: String, seconds: Double = 20,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let start = Date()
    var arguments = [command, "--config", "tiny", "--set", override]
    if command == "train" { arguments += ["--out", "out"] }
    let outcome = try CommandRunner.run(arguments, in: directory)
    let elapsed = Date().timeIntervalSince(start)
    #expect(outcome.status != 0, sourceLocation: sourceLocation)
    #expect(
      outcome.stderr.contains("--set: \(key): a run of this config needs an estimated"),
      "\(outcome.stderr)", sourceLocation: sourceLocation)
    #expect(outcome.stderr.contains(" available ("), sourceLocation: sourceLocation)
    #expect(!outcome.stderr.contains("failed to allocate"), sourceLocation: sourceLocation)
    #expect(elapsed < seconds, "took \(elapsed) s", sourceLocation: sourceLocation)
    let written = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(written.isEmpty, "wrote \(written)", sourceLocation: sourceLocation)
  }

  /// The width the issue reports: 1,000,000 channels failed to allocate 64 TB after a
  /// backtrace; now it is refused at `model.channels` (about 121 TiB on any machine).
  @Test func aMistypedWidthIsRefused() throws {
    try expectRefusal("train", override: "model.channels=1000000", key: "model.channels")
  }

  /// The layer count the issue reports: 400 `tiny` layers grew to 20 GB of resident memory
  /// before one step. Their estimate is 28.7 GiB, so this holds on machines with less memory
  /// than that (the one the issue was found on has 23.5 GiB).
  @Test(.enabled(if: memoryTotal > 0 && memoryTotal < 28 * 1_073_741_824))
  func tooManyLayersAreRefused() throws {
    try expectRefusal("train", override: "model.layerCount=400", key: "model.layerCount")
  }

  /// `bench` goes through the same validation (a million layers: about 70 TiB).
  @Test func benchRefusesToo() throws {
    try expectRefusal("bench", override: "model.layerCount=1000000", key: "model.layerCount")
  }

  /// `plan` and `run` refuse a sweep with a point that cannot fit, at the value that makes it
  /// too big, before running any point.
  @Test func sweepsWithAPointTooBigAreRefused() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let sweep = """
      {"name": "too-big", "description": "one point cannot fit",
       "base": {"steps": 4, "model": {"vocabSize": 32, "sequenceLength": 8, "batchSize": 4,
         "channels": 16, "headCount": 2, "layerCount": 2, "ffnHidden": 32, "expertCount": 4},
         "data": {"domainCount": 2, "branching": 2}},
       "axes": [{"key": "model.layerCount", "values": [2, 1000000]}],
       "seeds": {"count": 1}}
      """
    try sweep.write(
      to: directory.appendingPathComponent("sweep.json"), atomically: true, encoding: .utf8)
    for arguments in [["plan", "sweep.json"], ["run", "sweep.json", "--out", "results"]] {
      let outcome = try CommandRunner.run(arguments, in: directory)
      #expect(outcome.status != 0)
      #expect(
        outcome.stderr.contains(
          "sweep.json: axes[0].values[1]: a run of this config needs an estimated"),
        "\(outcome.stderr)")
      #expect(outcome.stderr.contains("(at most layerCount="))
      let results = directory.appendingPathComponent("results").path
      #expect(!FileManager.default.fileExists(atPath: results))
    }
  }
}
