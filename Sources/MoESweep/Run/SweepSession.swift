import Foundation
import MoEConfig
import MoETraining

/// One process's work on a sweep's results directory, in the order it must happen: take the
/// directory's lock, check that the directory holds this sweep and record its file, compute what
/// is not finished, summarize. `run` and `tables` both work through a session.
///
/// A session over the whole sweep holds the lock exclusively; one over a part of it (`--index`,
/// `--shard`, a Slurm array task) holds it shared, so parts run side by side while a second
/// whole-sweep session is refused (see ``DirectoryLock``). The lock is released when the session
/// is deinitialised, or when the process dies.
public final class SweepSession {
  /// How much of the sweep the session computes.
  public enum Scope: Sendable {
    case wholeSweep
    case part
  }

  /// Another process holds the results directory.
  public struct Busy: Error, CustomStringConvertible {
    public var directory: URL
    /// The pid the exclusive holder recorded, if any.
    public var holder: String?
    public var description: String {
      "Another sweep is writing \(directory.path)" + (holder.map { " (pid \($0))" } ?? "")
    }
  }

  public let plan: SweepPlan
  public let results: SweepResults
  private let lock: DirectoryLock

  /// Takes the directory's lock, refuses a directory holding another sweep's results, and
  /// copies the sweep file to `sweep.json` there.
  ///
  /// `sweepFile` is the file `plan` was read from.
  ///
  /// - Throws: ``Busy`` when another process holds the lock (nothing is written); a
  ///   `ConfigError` when the directory holds another sweep; a file system error.
  public init(plan: SweepPlan, sweepFile: URL, results: SweepResults, scope: Scope) throws {
    let mode: DirectoryLock.Mode = scope == .wholeSweep ? .exclusive : .shared
    guard let lock = try DirectoryLock(path: results.lockPath, mode: mode) else {
      throw Busy(directory: results.directory, holder: DirectoryLock.holder(of: results.lockPath))
    }
    try results.checkHoldsSweep(named: plan.name)
    try AtomicFile.write(try Data(contentsOf: sweepFile), to: results.sweepFileURL)
    self.plan = plan
    self.results = results
    self.lock = lock
  }

  /// Computes the pending runs of `selection` (default: every run of the sweep).
  public func run(
    _ selection: [PlannedRun]? = nil, options: SweepRunner.Options,
    progress: (SweepRunner.Progress) -> Void
  ) throws -> SweepRunner.Outcome {
    try SweepRunner(results: results, options: options).run(
      selection ?? plan.runs, progress: progress)
  }

  /// Writes the directory's tables from the runs on disk (``SweepResults/summarize(plan:)``).
  @discardableResult
  public func summarize() throws -> SweepReport {
    try results.summarize(plan: plan)
  }
}

extension SweepResults {
  /// Refuses a directory that holds the results of another sweep (another `name` in its
  /// recorded `sweep.json`), whose runs would mix with these; the one "same sweep?" rule of
  /// `run`, `tables` and `slurm`. A directory without `sweep.json` holds no sweep yet.
  ///
  /// Only the recorded file's `name` is read: it need not expand (it may be an older version of
  /// the sweep), but a file without a readable name is refused too.
  public func checkHoldsSweep(named name: String) throws(ConfigError) {
    guard FileManager.default.fileExists(atPath: sweepFileURL.path) else { return }
    let recorded: JSONValue
    do throws(ConfigError) {
      recorded = try ConfigDecoder.decode(JSONValue.self, contentsOfFile: sweepFileURL.path)
    } catch {
      throw ConfigError(
        keyPath: "", "\(directory.path) holds a sweep.json that cannot be read: \(error)",
        suggestion: "choose another results directory")
    }
    guard case .object(let members) = recorded, case .string(let existing)? = members["name"],
      existing == name
    else {
      let existing = (try? recorded.value(at: "name")).map(\.canonicalText) ?? "without a name"
      throw ConfigError(
        keyPath: "",
        "\(directory.path) holds results of sweep \(existing), not \(quoted(name))",
        suggestion: "choose another results directory")
    }
  }
}
