import Foundation
import MoEConfig
import MoETraining

#if canImport(Glibc)
  import Glibc
#endif

/// Computes the runs of a sweep that are not finished, each in its own worker process.
///
/// Layout: `<results>/runs/<run id>/` holds `config.json`, `metrics.csv`, `stdout.log`,
/// `stderr.log` and, written last and atomically, `result.json` (see ``RunState`` for the rule
/// of a finished run). Killing the sweep at any moment (Ctrl-C, SIGKILL) therefore loses at
/// most the runs in flight; running it again reuses every finished run and recomputes the rest,
/// and nothing is ever duplicated (a run's directory is named by its config hash).
///
/// A worker is `stmoe-sweep train` on the run's directory (``TrainInvocation/worker(for:)``);
/// one that dies (non-zero exit, signal) is recorded as `crashed` with the tail of its stderr,
/// and the sweep goes on; after `maxFailures` crashes it stops launching new runs. Every run in
/// flight holds its directory's lock, so no run is computed by two processes at once. However
/// ``run(_:progress:)`` ends (finished, interrupted, or a throw while launching), it leaves no
/// worker running and no lock held.
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

  /// A worker in flight, with the lock of the run it computes.
  private struct Worker {
    var position: Int
    var started: Date
    var process: WorkerProcess
    var lock: DirectoryLock
  }

  public let results: SweepResults
  public let options: Options

  public init(results: SweepResults, options: Options) {
    self.results = results
    self.options = options
  }

  /// The state `run`'s directory records (crashed runs count as pending with `retryCrashed`).
  public func recordedState(_ run: PlannedRun) -> RunState {
    RunState(recordedIn: results.runDirectory(id: run.id), retryingCrashed: options.retryCrashed)
  }

  /// Computes every run of `selection` that is pending; `progress` is called at the start and
  /// after every run a worker finished.
  public func run(_ selection: [PlannedRun], progress: (Progress) -> Void) throws -> Outcome {
    var outcome = Outcome(states: selection.map(startingState))
    outcome.reused = outcome.states.filter { $0.result != nil }.count
    var queue = outcome.states.indices.filter { outcome.states[$0].isPending }[...]
    var workers: [pid_t: Worker] = [:]
    InterruptFlag.install()
    defer {
      stop(&workers)
      InterruptFlag.uninstall()
    }
    var durations: [Double] = []
    func report(_ last: String?) {
      let done = outcome.reused + outcome.computed
      let remaining =
        durations.isEmpty
        ? nil
        : durations.reduce(0, +) / Double(durations.count) * Double(selection.count - done)
          / Double(max(1, options.jobs))
      progress(
        Progress(
          finished: done, total: selection.count, outcome: outcome, secondsRemaining: remaining,
          lastRun: last))
    }
    func tooManyCrashes() -> Bool {
      options.maxFailures > 0 && outcome.crashed >= options.maxFailures
    }
    report(nil)
    while !InterruptFlag.isSet {
      while workers.count < options.jobs, !InterruptFlag.isSet, !tooManyCrashes(),
        let position = queue.popFirst()
      {
        let run = selection[position]
        // A run another process is computing right now (a requeued array task, a second shard
        // over the same runs) is left to it.
        let lockPath = results.runDirectory(id: run.id).url.appendingPathComponent(".lock").path
        guard let lock = try DirectoryLock(path: lockPath, mode: .exclusive) else {
          outcome.update(position, to: .lockedElsewhere)
          continue
        }
        let started = Date()
        let process = try launch(run)
        workers[process.pid] = Worker(
          position: position, started: started, process: process, lock: lock)
        outcome.update(position, to: .running(pid: process.pid, since: started))
      }
      if workers.isEmpty { break }
      guard let (pid, termination) = WorkerProcess.waitForAny(of: Set(workers.keys)),
        let worker = workers.removeValue(forKey: pid)
      else { continue }
      let run = selection[worker.position]
      if InterruptFlag.isSet {
        // Interrupted mid-run: not a crash; the run is computed again on resume.
        outcome.update(worker.position, to: .pending)
        break
      }
      let seconds = Date().timeIntervalSince(worker.started)
      let result = record(run, termination: termination, started: worker.started, seconds: seconds)
      outcome.update(worker.position, to: RunState(result))
      outcome.computed += 1
      durations.append(seconds)
      report("\(run.index) \(run.label) seed \(run.seed): \(result.status.rawValue)")
    }
    for worker in workers.values { outcome.update(worker.position, to: .pending) }
    outcome.interrupted = InterruptFlag.isSet
    outcome.stoppedAfterFailures = tooManyCrashes() && !queue.isEmpty
    return outcome
  }

  /// The state a run starts in: what its directory records, after copying a finished run from
  /// another results directory if one has it.
  private func startingState(_ run: PlannedRun) -> RunState {
    let state = recordedState(run)
    guard state.isPending, copyFromOtherStores(run) else { return state }
    return recordedState(run)
  }

  /// Stops the workers still in flight (SIGTERM), reaps them and releases their locks.
  private func stop(_ workers: inout [pid_t: Worker]) {
    for worker in workers.values { worker.process.kill(SIGTERM) }
    for pid in workers.keys { WorkerProcess.reap(pid) }
    workers.removeAll()
  }

  /// Copies `run`'s finished directory from another results directory, if one has it (never a
  /// crashed one); `result.json` is copied last, so an interrupted copy is not a finished run.
  /// Returns whether it copied one.
  private func copyFromOtherStores(_ run: PlannedRun) -> Bool {
    let fileManager = FileManager.default
    for other in options.reuseFrom
    where other.standardizedFileURL != results.directory.standardizedFileURL {
      let source = SweepResults(other).runDirectory(id: run.id)
      guard case .finished = RunState(recordedIn: source) else { continue }
      let target = results.runDirectory(id: run.id)
      do {
        try fileManager.createDirectory(at: target.url, withIntermediateDirectories: true)
        for name in ["config.json", "metrics.csv", "stdout.log", "stderr.log", "result.json"] {
          let from = source.url.appendingPathComponent(name)
          let to = target.url.appendingPathComponent(name)
          guard fileManager.fileExists(atPath: from.path) else { continue }
          try AtomicFile.write(try Data(contentsOf: from), to: to)
        }
        return true
      } catch {
        continue
      }
    }
    return false
  }

  /// Writes `run`'s resolved config into its directory and starts its worker.
  private func launch(_ run: PlannedRun) throws -> WorkerProcess {
    let directory = results.runDirectory(id: run.id)
    try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
    try? FileManager.default.removeItem(at: directory.resultURL)  // a crashed run being retried
    try directory.writeConfig(run.config)
    var environment = ProcessInfo.processInfo.environment
    environment[WorkerProcess.parentVariable] = String(getpid())
    environment["OPENBLAS_NUM_THREADS"] = "1"
    let arguments =
      options.launcher + [options.executable] + TrainInvocation.worker(for: directory).arguments
    return try WorkerProcess.spawn(
      arguments: arguments, environment: environment,
      stdout: directory.url.appendingPathComponent("stdout.log").path,
      stderr: directory.url.appendingPathComponent("stderr.log").path)
  }

  /// The run's result after its worker ended: what the worker wrote, or a crash record.
  private func record(
    _ run: PlannedRun, termination: WorkerProcess.Termination, started: Date, seconds: Double
  ) -> RunResult {
    let directory = results.runDirectory(id: run.id)
    if termination == .exited(0), let result = try? directory.readResult() { return result }
    let stderrPath = directory.url.appendingPathComponent("stderr.log").path
    let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
    let tail = stderr.split(separator: "\n", omittingEmptySubsequences: false).suffix(20)
      .joined(separator: "\n")
    var exitCode: Int32?
    var signal: Int32?
    switch termination {
    case .exited(let code): exitCode = code
    case .signalled(let number): signal = number
    }
    let result = RunResult.crashed(
      configHash: run.id, seed: run.seed,
      report: CrashReport(exitCode: exitCode, signal: signal, stderrTail: tail),
      wallSeconds: seconds,
      start: started)
    try? directory.writeResult(result)
    return result
  }
}
