import ArgumentParser
import Foundation
import MoEConfig
import MoESweep

/// `stmoe-sweep run FILE`: every run of a sweep that is not already finished.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a sweep file's runs (skipping finished ones), then summarize.",
    discussion: """
      Results go to results/<sweep name>/ (or --out): runs/<run id>/ per run, then runs.csv, \
      summary.csv and summary.md. Interrupt at any moment and run again: finished runs are \
      reused, the rest computed.

      --index and --shard run a part of the sweep, e.g. one Slurm array task each \
      (`stmoe-sweep slurm FILE` writes the job script); `summarize` then aggregates.
      """)

  @Argument(help: "The sweep file (JSON).") var file: String
  @Option(help: "Results directory (default: results/<sweep name>).") var out: String?
  @Option(help: "Worker processes at once, each with 1 BLAS thread; by default one per core.")
  var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
  @Option(help: "Run only the run with this index (see `plan`), e.g. $SLURM_ARRAY_TASK_ID.")
  var index: Int?
  @Option(help: "Run only share i of n (i/n, 0-based): runs i, i+n, i+2n, …") var shard: String?
  @Option(help: "Stop launching runs after this many crashed (0 = never).") var maxFailures: Int =
    10
  @Flag(help: "Run again the runs recorded as crashed.") var retryCrashed = false
  @Option(help: "A command that prefixes each worker, e.g. \"nice -n 10\".") var launcher: String?

  func validate() throws {
    guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs).") }
    guard maxFailures >= 0 else {
      throw ValidationError("--max-failures must be ≥ 0, got \(maxFailures).")
    }
    if index != nil && shard != nil { throw ValidationError("Use --index or --shard, not both.") }
    if let shard { _ = try parseShard(shard) }
  }

  func parseShard(_ text: String) throws -> (Int, Int) {
    let parts = text.split(separator: "/").map { Int($0) }
    guard parts.count == 2, let i = parts[0], let n = parts[1], n >= 1, (0..<n).contains(i) else {
      throw ValidationError("--shard must be i/n with 0 ≤ i < n, got '\(text)'.")
    }
    return (i, n)
  }

  func run() throws {
    let plan = try Self.plan(file)
    let results = SweepResults(URL(fileURLWithPath: out ?? "results/\(plan.name)"))
    var selection = plan.runs
    let partial = index != nil || shard != nil
    if let index {
      guard plan.runs.indices.contains(index) else {
        throw ValidationError(
          "--index \(index) is out of range: the sweep has runs 0…\(plan.runs.count - 1).")
      }
      selection = [plan.runs[index]]
    } else if let shard {
      let (i, n) = try parseShard(shard)
      selection = plan.runs(shard: i, of: n)
    }
    let session = try Self.session(
      plan, file: file, results: results, scope: partial ? .part : .wholeSweep)
    var options = SweepRunner.Options()
    options.jobs = jobs
    options.maxFailures = maxFailures
    options.retryCrashed = retryCrashed
    options.launcher = launcher.map { $0.split(separator: " ").map(String.init) } ?? []
    let reporter = SweepProgressReporter()
    let outcome = try session.run(selection, options: options, progress: reporter.report)
    reporter.finish()
    try outcome.conclude(name: plan.name)
    if partial {
      print(
        "Part of the sweep: `stmoe-sweep summarize \(results.directory.path)` aggregates once all parts are done."
      )
      return
    }
    try session.summarize()
    print("wrote \(results.directory.path)/{runs.csv,summary.csv,summary.md}")
  }

  /// The command line that parses to this command (its flags as the library spells them).
  var invocation: RunInvocation {
    var selection = RunInvocation.Selection.all
    if let index { selection = .index(.value(index)) }
    if let shard, let (i, n) = try? parseShard(shard) { selection = .shard(i, of: n) }
    return RunInvocation(
      sweepFile: .value(file), out: out, selection: selection, jobs: jobs,
      retryCrashed: retryCrashed)
  }

  /// The plan of a sweep file; a bad file is refused before anything runs.
  static func plan(_ file: String) throws -> SweepPlan {
    do throws(ConfigError) { return try SweepPlan(contentsOfFile: file) } catch {
      throw ValidationError(error.description + "\nNothing was run.")
    }
  }

  /// A session on `results`, refused while another process holds the directory.
  static func session(
    _ plan: SweepPlan, file: String, results: SweepResults, scope: SweepSession.Scope
  ) throws -> SweepSession {
    do {
      return try SweepSession(
        plan: plan, sweepFile: URL(fileURLWithPath: file), results: results, scope: scope)
    } catch let busy as SweepSession.Busy {
      throw ValidationError("\(busy); nothing was run.")
    }
  }
}

extension SweepRunner.Outcome {
  /// Prints the outcome of sweep `name` and ends the command as it must: exit 130 when
  /// interrupted, 1 when it stopped after too many crashed runs (`limit` says which limit).
  func conclude(name: String, limit: String = "--max-failures") throws {
    print("\(name): \(summary)")
    if interrupted {
      print("Interrupted: finished runs are kept; run the same command again to resume.")
      throw ExitCode(130)
    }
    if stoppedAfterFailures {
      print("Stopped after \(crashed) crashed runs (\(limit)); see runs/<id>/stderr.log.")
      throw ExitCode.failure
    }
  }
}

/// Sweep progress for people: one self-overwriting line on a terminal (runs done / total,
/// reused and computed, diverged and crashed so far, ETA); one line per finished run otherwise,
/// written unbuffered so that logs (CI, Slurm) show it as it happens.
final class SweepProgressReporter {
  let terminal = isatty(STDERR_FILENO) == 1
  let line: ProgressLine
  let prefix: String

  init(prefix: String = "") {
    self.prefix = prefix
    line = ProgressLine(enabled: terminal)
  }

  func report(_ progress: SweepRunner.Progress) {
    let o = progress.outcome
    let eta = progress.secondsRemaining.map { " ETA \(ProgressLine.duration($0))" } ?? ""
    let status =
      "\(prefix)[\(progress.finished)/\(progress.total)] reused \(o.reused), computed \(o.computed)"
      + " | diverged \(o.diverged), crashed \(o.crashed)\(eta)"
    if terminal {
      line.update(status)
    } else if let last = progress.lastRun {
      fflush(nil)  // what `print` buffered comes first
      FileHandle.standardOutput.write(Data("\(status) | \(last)\n".utf8))
    }
  }

  func finish() { line.finish() }
}
