import Foundation
import MoESweep
import MoETestSupport
import Testing

/// The sweep engine end to end, through the built binary: statuses of completed, diverged and
/// crashed runs, the tables, and a sweep killed with SIGKILL then resumed giving the same
/// tables as an uninterrupted one.
@Suite("Sweeps end to end", .serialized)
struct SweepRunEndToEndTests {
  static var executable: String { CommandRunner.stmoeSweep.path }

  /// Three variants × 2 seeds of a model small enough for a debug build: one healthy, one with
  /// an absurd learning rate (diverges), one whose worker the launcher kills with SIGSEGV.
  static let sweep = """
    {
      "name": "e2e",
      "description": "end-to-end test sweep",
      "base": {
        "steps": 30, "logEvery": 5, "evaluationBatches": 1,
        "model": {"vocabSize": 16, "sequenceLength": 8, "batchSize": 4, "channels": 16, "headCount": 2,
                  "layerCount": 2, "ffnHidden": 16, "expertCount": 4},
        "data": {"domainCount": 2, "branching": 2}
      },
      "variants": [
        {"label": "Baseline"},
        {"label": "Absurd LR", "set": {"optimizer.kind": "sgd", "schedule.kind": "constant", "schedule.learningRate": 10000}},
        {"label": "Crashing", "set": {"model.initScale": 0.123}}
      ],
      "seeds": {"count": 2},
      "baseline": "Baseline"
    }
    """

  /// A worker launcher that simulates a crash (SIGSEGV) for runs of the "Crashing" variant.
  static let launcher = """
    #!/bin/sh
    # Arguments: <stmoe-sweep> train --config <file> --out <dir> --threads 1
    if grep -Eq '"initScale": 0.123' "$4"; then echo "simulated crash in $4" >&2; kill -SEGV $$; fi
    exec "$@"
    """

  func makeWorkspace() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "stmoe-e2e-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try Self.sweep.write(
      to: directory.appendingPathComponent("e2e.json"), atomically: true, encoding: .utf8)
    let launcher = directory.appendingPathComponent("launcher.sh")
    try Self.launcher.write(to: launcher, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: launcher.path)
    return directory
  }

  func start(_ arguments: [String], in directory: URL) throws -> (Process, Pipe) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.executable)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    return (process, pipe)
  }

  func run(_ arguments: [String], in directory: URL) throws -> CommandRunner.Outcome {
    try CommandRunner.run(arguments, in: directory)
  }

  func sweepArguments(out: String, jobs: Int = 2) -> [String] {
    ["run", "e2e.json", "--out", out, "--jobs", String(jobs), "--launcher", "./launcher.sh"]
  }

  /// runs.csv without the columns that measure time (they differ between any two runs).
  func timelessCSV(_ url: URL) throws -> [[String]] {
    let rows = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    let timing = Set(["wallSeconds", "tokensPerSecond"])
    let keep = rows[0].indices.filter { !timing.contains(rows[0][$0]) }
    return rows.map { row in keep.map { row[$0] } }
  }

  @Test func statusesTablesAndResume() throws {
    let directory = try makeWorkspace()
    defer { try? FileManager.default.removeItem(at: directory) }
    let first = try run(sweepArguments(out: "out"), in: directory)
    #expect(first.status == 0, "\(first.stdout)")
    #expect(
      first.stdout.contains("e2e: 6 runs: 0 reused, 6 computed; 2 completed, 2 diverged, 2 crashed")
    )
    let out = directory.appendingPathComponent("out")
    let runs = try timelessCSV(out.appendingPathComponent("runs.csv"))
    let header = runs[0]
    let label = header.firstIndex(of: "label")!, status = header.firstIndex(of: "status")!
    let quality = header.firstIndex(of: "quality")!,
      reason = header.firstIndex(of: "divergenceReason")!
    for row in runs.dropFirst() {
      switch row[label] {
      case "Baseline": #expect(row[status] == "completed" && !row[quality].isEmpty)
      case "Absurd LR":
        #expect(row[status] == "diverged" && row[quality].isEmpty && !row[reason].isEmpty)
      default: #expect(row[status] == "crashed" && row[quality].isEmpty)
      }
    }
    // The crash record keeps the tail of the worker's stderr.
    let crashed = try FileManager.default.contentsOfDirectory(
      atPath: out.appendingPathComponent("runs").path
    )
    .map { out.appendingPathComponent("runs/\($0)/result.json") }
    .map { try String(contentsOf: $0, encoding: .utf8) }
    .filter { $0.contains("\"crashed\"") }
    #expect(
      crashed.count == 2
        && crashed.allSatisfy { $0.contains("simulated crash") && $0.contains("\"signal\" : 11") })
    let summary = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8)
    #expect(summary.contains("Absurd LR,false,2,0,2,0,0,0/2,1.0,"))
    #expect(!summary.lowercased().contains("nan"))
    // compare: 2 vs 2 runs can never reach p ≤ 0.05 (the most extreme table has p = 1/3).
    let comparison = try run(["compare", "out#Absurd LR", "out#Baseline"], in: directory)
    #expect(comparison.status == 0)
    #expect(comparison.stdout.contains("2/2 diverged = 1.00"))
    #expect(comparison.stdout.contains("Verdict: not enough runs to tell"), "\(comparison.stdout)")
    #expect(comparison.stdout.contains("Time to divergence, log-rank test:"))
    #expect(comparison.stdout.contains("Mean steps before divergence (restricted to"))
    let unknown = try run(["compare", "out#Nope", "out"], in: directory)
    #expect(unknown.status != 0)
    // Run again: everything is reused, nothing recomputed, the tables are unchanged.
    let again = try run(sweepArguments(out: "out"), in: directory)
    #expect(again.stdout.contains("6 runs: 6 reused, 0 computed"))
    #expect(try timelessCSV(out.appendingPathComponent("runs.csv")) == runs)
  }

  /// With --max-failures 1 the sweep stops launching after the first crash and exits non-zero.
  @Test func maxFailuresStopsACrashingSweep() throws {
    let directory = try makeWorkspace()
    defer { try? FileManager.default.removeItem(at: directory) }
    // Crashing runs are indices 4 and 5; with one worker, run 4 crashes and run 5 never starts.
    let outcome = try run(
      sweepArguments(out: "out", jobs: 1) + ["--max-failures", "1"], in: directory)
    #expect(outcome.status != 0)
    #expect(
      outcome.stdout.contains("5 computed; 2 completed, 2 diverged, 1 crashed"), "\(outcome.stdout)"
    )
    #expect(outcome.stdout.contains("Stopped after 1 crashed runs (--max-failures)"))
  }

  @Test func killedAndResumedSweepMatchesAnUninterruptedOne() throws {
    let directory = try makeWorkspace()
    defer { try? FileManager.default.removeItem(at: directory) }
    _ = try run(sweepArguments(out: "whole"), in: directory)
    // One worker at a time; SIGKILL the sweep as soon as two runs have finished.
    let (process, _) = try start(sweepArguments(out: "killed", jobs: 1), in: directory)
    let store = directory.appendingPathComponent("killed/runs")
    let deadline = Date().addingTimeInterval(120)
    func finished() -> Int {
      let entries = (try? FileManager.default.contentsOfDirectory(atPath: store.path)) ?? []
      return entries.filter {
        FileManager.default.fileExists(
          atPath: store.appendingPathComponent("\($0)/result.json").path)
      }.count
    }
    while finished() < 2 && Date() < deadline && process.isRunning { usleep(20_000) }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    let done = finished()
    #expect(done >= 2 && done < 6, "killed after \(done) runs")
    let resumed = try run(sweepArguments(out: "killed"), in: directory)
    #expect(resumed.status == 0)
    #expect(
      resumed.stdout.contains("6 runs: \(done) reused, \(6 - done) computed"), "\(resumed.stdout)")
    for table in ["runs.csv", "summary.csv"] {
      let whole = try timelessCSV(directory.appendingPathComponent("whole/\(table)"))
      let killed = try timelessCSV(directory.appendingPathComponent("killed/\(table)"))
      #expect(whole == killed, "\(table) differs after kill and resume")
    }
  }

  /// While a sweep holds its directory, a second full sweep there is refused and writes nothing.
  @Test func secondSweepOnTheSameDirectoryIsRefused() throws {
    let directory = try makeWorkspace()
    defer { try? FileManager.default.removeItem(at: directory) }
    let lockPath = directory.appendingPathComponent("out/.lock").path
    let held = try #require(try DirectoryLock(path: lockPath, mode: .exclusive))
    let refused = try run(sweepArguments(out: "out"), in: directory)
    let message = refused.stderr
    withExtendedLifetime(held) {}
    #expect(refused.status != 0)
    #expect(message.contains("Another sweep is writing"), "\(message)")
    #expect(message.contains("(pid \(getpid()))"))
    #expect(
      !FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/runs").path))
  }
}
