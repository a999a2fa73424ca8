import Foundation
import MoESweep
import MoETestSupport
import MoETraining
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The sweep session and its runner in this process: run states, locks, the "same sweep?"
/// rule, and what is left behind when launching a worker fails. Workers here are shell
/// commands (the launcher), so nothing is trained.
@Suite("Sweep sessions", .serialized)
struct SweepSessionTests {
  /// Two variants × 1 seed: runs 0 and 1.
  static let sweep = """
    {"name": "session-unit", "base": {"steps": 1}, "variants": [{"label": "A"},
     {"label": "B", "set": {"model.initScale": 0.5}}], "seeds": {"count": 1}}
    """

  let plan: SweepPlan
  let directory: URL
  let sweepFile: URL
  let results: SweepResults

  init() throws {
    plan = try SweepFixtures.plan(Self.sweep)
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "stmoe-session-\(UUID())")
    sweepFile = directory.appendingPathComponent("sweep.json")
    results = SweepResults(directory.appendingPathComponent("out"))
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try Self.sweep.write(to: sweepFile, atomically: true, encoding: .utf8)
  }

  func runLockPath(_ index: Int) -> String {
    results.runDirectory(id: plan.runs[index].id).url.appendingPathComponent(".lock").path
  }

  /// Records `status` as run `index`'s result.
  func record(_ status: RunStatus, for index: Int) throws {
    var result = RunResult.crashed(
      configHash: plan.runs[index].id, seed: 0,
      report: CrashReport(exitCode: 1, signal: nil, stderrTail: ""),
      wallSeconds: 0, start: Date(timeIntervalSince1970: 0))
    result.status = status
    if status != .crashed { result.crash = nil }
    let run = results.runDirectory(id: plan.runs[index].id)
    try FileManager.default.createDirectory(at: run.url, withIntermediateDirectories: true)
    try run.writeResult(result)
  }

  /// Options whose workers run `script` in `sh` (the worker's own arguments are ignored).
  func options(_ script: String, jobs: Int = 2) -> SweepRunner.Options {
    var options = SweepRunner.Options()
    options.jobs = jobs
    options.launcher = ["/bin/sh", "-c", script, "worker"]
    return options
  }

  /// One rule for a finished run: a result that reads back; a crash is pending only when
  /// crashed runs are retried; the Slurm scripts see the same.
  @Test func theStateOfARunIsWhatItsDirectoryRecords() throws {
    defer { try? FileManager.default.removeItem(at: directory) }
    let run = results.runDirectory(id: plan.runs[0].id)
    #expect(RunState(recordedIn: run) == .pending)
    try record(.diverged, for: 0)
    #expect(RunState(recordedIn: run).result?.status == .diverged)
    #expect(!RunState(recordedIn: run, retryingCrashed: true).isPending)
    try record(.crashed, for: 0)
    guard case .crashed = RunState(recordedIn: run) else {
      Issue.record("a crash record is a crashed run")
      return
    }
    #expect(RunState(recordedIn: run, retryingCrashed: true) == .pending)
    // A result that does not read back is no result: the run is computed again.
    try Data("{".utf8).write(to: run.resultURL)
    #expect(RunState(recordedIn: run) == .pending)
    try record(.completed, for: 1)
    #expect(
      SlurmJobScripts.unfinishedRuns(of: plan, in: results, retryCrashed: false).map(\.index) == [0]
    )
  }

  @Test func finishedRunsAreReusedAndTheOthersComputed() throws {
    defer { try? FileManager.default.removeItem(at: directory) }
    try record(.completed, for: 0)
    // The worker "crashes" (exit 3) without writing a result.
    let outcome = try SweepRunner(results: results, options: options("echo oops >&2; exit 3"))
      .run(plan.runs) { _ in }
    #expect(outcome.reused == 1 && outcome.computed == 1)
    #expect(outcome.completed == 1 && outcome.crashed == 1 && outcome.diverged == 0)
    #expect(outcome.states[0].result?.status == .completed)
    let crash = try #require(outcome.states[1].result?.crash)
    #expect(crash.exitCode == 3 && crash.stderrTail.contains("oops"))
    #expect(try results.runDirectory(id: plan.runs[1].id).readResult() == outcome.states[1].result)
    #expect(outcome.summary == "2 runs: 1 reused, 1 computed; 1 completed, 0 diverged, 1 crashed")
  }

  /// A run whose lock another process (here: another open file) holds is left to it.
  @Test func aRunLockedElsewhereIsLeftAlone() throws {
    defer { try? FileManager.default.removeItem(at: directory) }
    let held = try #require(try DirectoryLock(path: runLockPath(0), mode: .exclusive))
    let outcome = try SweepRunner(results: results, options: options("exit 3")).run([plan.runs[0]])
    { _ in }
    withExtendedLifetime(held) {}
    #expect(outcome.states == [.lockedElsewhere])
    #expect(outcome.busyElsewhere == 1 && outcome.computed == 0)
    #expect(
      !FileManager.default.fileExists(
        atPath: results.runDirectory(id: plan.runs[0].id).configURL.path))
  }

  /// Launching run 1 throws (its directory is a file) while run 0's worker is running: the
  /// worker is stopped and reaped, and no run lock is left held.
  @Test func aLaunchThatThrowsLeavesNoWorkerAndNoLock() throws {
    defer { try? FileManager.default.removeItem(at: directory) }
    let runs = results.directory.appendingPathComponent("runs")
    try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
    try Data().write(to: results.runDirectory(id: plan.runs[1].id).url)
    let pidFile = directory.appendingPathComponent("worker.pid")
    let session = try SweepSession(
      plan: plan, sweepFile: sweepFile, results: results, scope: .wholeSweep)
    let workerScript = "echo $$ > \(Shell.quoted(pidFile.path)); exec sleep 30"
    #expect(throws: (any Error).self) {
      try session.run(options: options(workerScript)) { _ in }
    }
    // If the worker got as far as writing its pid, it must be gone now (stopped and reaped:
    // a zombie would still answer kill 0). A leaked worker would write it within moments.
    let deadline = Date().addingTimeInterval(1)
    while !FileManager.default.fileExists(atPath: pidFile.path) && Date() < deadline {
      usleep(10_000)
    }
    if let text = try? String(contentsOf: pidFile, encoding: .utf8),
      let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    {
      #expect(kill(pid, 0) == -1 && errno == ESRCH, "worker \(pid) is still there")
    }
    #expect(try DirectoryLock(path: runLockPath(0), mode: .exclusive) != nil)
    // The session's own lock is held until the session goes.
    #expect(try DirectoryLock(path: results.lockPath, mode: .shared) == nil)
    withExtendedLifetime(session) {}
  }

  /// A whole-sweep session excludes any other; partial sessions share the directory.
  @Test func sessionsShareOrExcludeTheDirectory() throws {
    defer { try? FileManager.default.removeItem(at: directory) }
    let part = try SweepSession(plan: plan, sweepFile: sweepFile, results: results, scope: .part)
    let otherPart = try SweepSession(
      plan: plan, sweepFile: sweepFile, results: results, scope: .part)
    #expect(throws: SweepSession.Busy.self) {
      _ = try SweepSession(plan: plan, sweepFile: sweepFile, results: results, scope: .wholeSweep)
    }
    withExtendedLifetime((part, otherPart)) {}
    #expect(try Data(contentsOf: results.sweepFileURL) == Data(Self.sweep.utf8))
  }

  /// The one "same sweep?" rule: a directory recording another sweep's name, or a sweep.json
  /// without a readable name, is refused; the same sweep, edited, is not.
  @Test func aDirectoryOfAnotherSweepIsRefused() throws {
    defer { try? FileManager.default.removeItem(at: directory) }
    try FileManager.default.createDirectory(
      at: results.directory, withIntermediateDirectories: true)
    try results.checkHoldsSweep(named: "session-unit")  // nothing recorded yet
    try Self.sweep.replacingOccurrences(of: "\"count\": 1", with: "\"count\": 2")
      .write(to: results.sweepFileURL, atomically: true, encoding: .utf8)
    try results.checkHoldsSweep(named: "session-unit")
    try Self.sweep.replacingOccurrences(of: "session-unit", with: "another")
      .write(to: results.sweepFileURL, atomically: true, encoding: .utf8)
    let refusal = #expect(throws: (any Error).self) {
      try results.checkHoldsSweep(named: "session-unit")
    }
    #expect(
      "\(refusal.map { String(describing: $0) } ?? "")".contains(
        #"holds results of sweep "another""#))
    #expect(throws: (any Error).self) {
      _ = try SweepSession(plan: plan, sweepFile: sweepFile, results: results, scope: .part)
    }
    try "[1, 2]".write(to: results.sweepFileURL, atomically: true, encoding: .utf8)
    #expect(throws: (any Error).self) { try results.checkHoldsSweep(named: "session-unit") }
  }
}
