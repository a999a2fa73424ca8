import Foundation
import MoEConfig
import MoETraining

#if canImport(Glibc)
  import Glibc
#endif

/// Runs the runs of a sweep that are not already finished, each in its own worker process.
///
/// Layout: `<directory>/runs/<run id>/` holds `config.json`, `metrics.csv`, `stdout.log`,
/// `stderr.log` and, written last and atomically, `result.json`: a run is finished exactly
/// when its `result.json` exists. Killing the sweep at any moment (Ctrl-C, SIGKILL) therefore
/// loses at most the runs in flight; running it again reuses every finished run and recomputes
/// the rest, and nothing is ever duplicated (a run's directory is named by its config hash).
///
/// A worker that dies (non-zero exit, signal) is recorded as `crashed` with the tail of its
/// stderr, and the sweep goes on; after `maxFailures` crashes it stops launching new runs.
public final class SweepRunner {
  public struct Options: Sendable {
    /// Workers at once (each with 1 BLAS thread).
    public var jobs = 2
    /// Stop launching after this many crashed runs; 0 = never stop.
    public var maxFailures = 10
    /// Run again runs recorded as crashed.
    public var retryCrashed = false
    /// A command prefix for each worker (e.g. `["nice", "-n", "10"]`, `["srun", "-n1"]`).
    public var launcher: [String] = []
    /// Other results directories whose finished runs may be copied instead of recomputed (a
    /// run id is the hash of its whole resolved config, so an equal id is the same run).
    public var reuseFrom: [URL] = []
    /// The `stmoe-sweep` binary the workers run (this process's own binary, resolved, so that
    /// a launcher that `exec`s it gets the real path and not its own `/proc/self/exe`).
    public var executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    public init() {}
  }

  /// What a `run` did.
  public struct Outcome: Sendable, Equatable {
    public var selected = 0
    public var reused = 0
    public var computed = 0
    public var completed = 0
    public var diverged = 0
    public var crashed = 0
    /// Runs skipped because another process held their lock.
    public var busyElsewhere = 0
    public var interrupted = false
    public var stoppedAfterFailures = false
  }

  /// Progress after every finished run.
  public struct Progress: Sendable {
    public var finished: Int
    public var total: Int
    public var outcome: Outcome
    public var secondsRemaining: Double?
    public var lastRun: String?
  }

  public let directory: URL
  public let options: Options

  public init(directory: URL, options: Options) {
    self.directory = directory
    self.options = options
  }

  public func runDirectory(_ run: PlannedRun) -> RunDirectory {
    SweepResults(directory).runDirectory(id: run.id)
  }

  /// The finished result of `run`, if any.
  public func finishedResult(_ run: PlannedRun) -> RunResult? {
    try? runDirectory(run).readResult()
  }

  /// Runs every run of `selection` that has no result yet (or crashed, with `retryCrashed`).
  public func run(_ selection: [PlannedRun], progress: (Progress) -> Void) throws -> Outcome {
    var outcome = Outcome()
    outcome.selected = selection.count
    var pending: [PlannedRun] = []
    for run in selection {
      if finishedResult(run) == nil { copyFromOtherStores(run) }
      if let result = finishedResult(run), !(options.retryCrashed && result.status == .crashed) {
        outcome.reused += 1
        count(result.status, in: &outcome)
      } else {
        pending.append(run)
      }
    }
    InterruptFlag.install()
    defer { InterruptFlag.uninstall() }
    var running: [pid_t: (run: PlannedRun, started: Date, worker: WorkerProcess, lock: DirectoryLock)] = [:]
    var queue = pending[...]
    var finishedDurations: [Double] = []
    func report(_ last: String?) {
      let done = outcome.reused + outcome.computed
      var remaining: Double?
      if !finishedDurations.isEmpty {
        let mean = finishedDurations.reduce(0, +) / Double(finishedDurations.count)
        remaining = mean * Double(selection.count - done) / Double(max(1, options.jobs))
      }
      progress(Progress(finished: done, total: selection.count, outcome: outcome, secondsRemaining: remaining, lastRun: last))
    }
    report(nil)
    while true {
      while running.count < options.jobs, let next = queue.first, !InterruptFlag.isSet,
        !(options.maxFailures > 0 && outcome.crashed >= options.maxFailures)
      {
        queue = queue.dropFirst()
        // A run another process is computing right now (a requeued array task, a second shard
        // over the same runs) is left to it.
        guard let lock = try DirectoryLock(path: runDirectory(next).url.appendingPathComponent(".lock").path, mode: .exclusive) else {
          outcome.busyElsewhere += 1
          continue
        }
        let worker = try launch(next)
        running[worker.pid] = (next, Date(), worker, lock)
      }
      if running.isEmpty { break }
      guard let (pid, termination) = WorkerProcess.waitAny() else {
        if InterruptFlag.isSet {
          for entry in running.values { entry.worker.kill(SIGTERM) }
          while !running.isEmpty, let (pid, _) = WorkerProcess.waitAny() { running[pid] = nil }
          outcome.interrupted = true
          return outcome
        }
        continue
      }
      guard let entry = running.removeValue(forKey: pid) else { continue }
      if InterruptFlag.isSet { continue }  // interrupted mid-run: not a crash, rerun on resume
      let seconds = Date().timeIntervalSince(entry.started)
      let result = record(entry.run, termination: termination, started: entry.started, seconds: seconds)
      outcome.computed += 1
      count(result.status, in: &outcome)
      finishedDurations.append(seconds)
      report("\(entry.run.index) \(entry.run.label) seed \(entry.run.seed): \(result.status.rawValue)")
    }
    if InterruptFlag.isSet { outcome.interrupted = true }
    if options.maxFailures > 0 && outcome.crashed >= options.maxFailures && !queue.isEmpty {
      outcome.stoppedAfterFailures = true
    }
    return outcome
  }

  /// Copies `run`'s finished directory from another results directory, if one has it (never a
  /// crashed one). `result.json` is copied last, so an interrupted copy is not a finished run.
  private func copyFromOtherStores(_ run: PlannedRun) {
    let fileManager = FileManager.default
    for other in options.reuseFrom where other.standardizedFileURL != directory.standardizedFileURL {
      let source = SweepResults(other).runDirectory(id: run.id)
      guard let result = try? source.readResult(), result.status != .crashed else { continue }
      let target = runDirectory(run)
      do {
        try fileManager.createDirectory(at: target.url, withIntermediateDirectories: true)
        for name in ["config.json", "metrics.csv", "stdout.log", "stderr.log", "result.json"] {
          let from = source.url.appendingPathComponent(name), to = target.url.appendingPathComponent(name)
          guard fileManager.fileExists(atPath: from.path) else { continue }
          try AtomicFile.write(try Data(contentsOf: from), to: to)
        }
        return
      } catch {
        continue
      }
    }
  }

  private func count(_ status: RunStatus, in outcome: inout Outcome) {
    switch status {
    case .completed: outcome.completed += 1
    case .diverged: outcome.diverged += 1
    case .crashed: outcome.crashed += 1
    }
  }

  private func launch(_ run: PlannedRun) throws -> WorkerProcess {
    let runDirectory = runDirectory(run)
    try FileManager.default.createDirectory(at: runDirectory.url, withIntermediateDirectories: true)
    try? FileManager.default.removeItem(at: runDirectory.resultURL)  // a crashed run being retried
    try runDirectory.writeConfig(run.config)
    var environment = ProcessInfo.processInfo.environment
    environment[WorkerProcess.parentVariable] = String(getpid())
    environment["OPENBLAS_NUM_THREADS"] = "1"
    let arguments =
      options.launcher + [options.executable] + TrainInvocation.worker(for: runDirectory).arguments
    return try WorkerProcess.spawn(
      arguments: arguments, environment: environment,
      stdout: runDirectory.url.appendingPathComponent("stdout.log").path,
      stderr: runDirectory.url.appendingPathComponent("stderr.log").path)
  }

  /// The run's result after its worker ended: what the worker wrote, or a crash record.
  private func record(_ run: PlannedRun, termination: WorkerProcess.Termination, started: Date, seconds: Double)
    -> RunResult
  {
    let runDirectory = runDirectory(run)
    if termination == .exited(0), let result = try? runDirectory.readResult() { return result }
    let stderrPath = runDirectory.url.appendingPathComponent("stderr.log").path
    let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
    let tail = stderr.split(separator: "\n", omittingEmptySubsequences: false).suffix(20).joined(separator: "\n")
    var exitCode: Int32?, signal: Int32?
    switch termination {
    case .exited(let code): exitCode = code
    case .signalled(let number): signal = number
    }
    let result = RunResult.crashed(
      configHash: run.id, seed: run.seed,
      report: CrashReport(exitCode: exitCode, signal: signal, stderrTail: tail), wallSeconds: seconds, start: started)
    try? runDirectory.writeResult(result)
    return result
  }
}

/// Ctrl-C / SIGTERM for the sweep process: set a flag the wait loop checks (waitpid returns
/// EINTR), so in-flight workers are stopped and nothing half-done is recorded.
enum InterruptFlag {
  nonisolated(unsafe) static var flag: sig_atomic_t = 0
  static var isSet: Bool { flag != 0 }

  static func install() {
    flag = 0
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in InterruptFlag.flag = 1 }
    action.sa_flags = 0  // no SA_RESTART: waitpid must return EINTR
    sigemptyset(&action.sa_mask)
    sigaction(SIGINT, &action, nil)
    sigaction(SIGTERM, &action, nil)
  }

  static func uninstall() {
    signal(SIGINT, SIG_DFL)
    signal(SIGTERM, SIG_DFL)
  }
}
