import Foundation
import MoETestSupport
import Testing

/// A refused command prints one precise error. The usage follows only when the command line
/// itself is malformed (a missing argument, an impossible option value), exiting 64
/// (`EX_USAGE`); a file or a value it holds is refused with exit code 1 and no usage.
@Suite("Error output")
struct ErrorOutputTests {
  func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("stmoe-err-\(UUID())")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test func aRefusedSweepFileIsNamedWithoutTheUsage() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try #"{"name": "x", "seeds": [0], "base": null}"#.write(
      to: directory.appendingPathComponent("sweep.json"), atomically: true, encoding: .utf8)
    let outcome = try CommandRunner.run(["run", "sweep.json"], in: directory)
    #expect(outcome.status == 1)
    #expect(
      outcome.stderr.hasPrefix(
        "Error: sweep.json: base: null is not a value in a sweep file"),
      "\(outcome.stderr)")
    #expect(!outcome.stderr.contains("Usage:"), "\(outcome.stderr)")
    let written = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(written == ["sweep.json"])
  }

  @Test func aRefusedOverrideIsNamedWithoutTheUsage() throws {
    let outcome = try CommandRunner.run(["model", "--set", "model.headCount=5"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.hasPrefix("Error: --set: model.headCount: must divide channels"))
    #expect(!outcome.stderr.contains("Usage:"), "\(outcome.stderr)")
  }

  @Test func aMissingConfigFileIsNamedWithoutTheUsage() throws {
    let outcome = try CommandRunner.run(["model", "--config", "/nonexistent/run.json"])
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("'/nonexistent/run.json' is neither a preset"))
    #expect(!outcome.stderr.contains("Usage:"), "\(outcome.stderr)")
  }

  /// Parsing errors and `validate()`'s refusals are about the command line: the usage helps.
  @Test(arguments: [
    (["run"], "Error: Missing expected argument '<file>'"),
    (["run", "sweep.json", "--jobs", "0"], "Error: --jobs must be at least 1, got 0."),
    (["plan", "sweep.json", "--jsn"], "Error: Unknown option '--jsn'"),
  ])
  func commandLineMistakesShowTheUsage(arguments: [String], error: String) throws {
    let outcome = try CommandRunner.run(arguments)
    #expect(outcome.status == 64)
    #expect(outcome.stderr.hasPrefix(error), "\(outcome.stderr)")
    #expect(outcome.stderr.contains("Usage: stmoe-sweep \(arguments[0]) <file>"))
  }
}
