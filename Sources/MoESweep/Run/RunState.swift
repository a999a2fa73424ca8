import Foundation
import MoETraining

/// Where one run of a sweep stands, as the process working on its results directory sees it.
///
/// A run starts ``pending`` or, when its directory records a result, ``finished`` or
/// ``crashed`` (reused, never recomputed, unless crashed runs are retried). A pending run this
/// process launches is ``running`` until its worker ends, then ``finished`` or ``crashed``;
/// one whose lock another process holds is ``lockedElsewhere`` and left to that process.
public enum RunState: Sendable, Equatable {
  /// No result yet (never started, interrupted, or a crash being retried): to be computed.
  case pending
  /// Another process holds the run's lock: it is computing the run now.
  case lockedElsewhere
  /// A worker of this process is computing it.
  case running(pid: Int32, since: Date)
  /// Its result says completed or diverged.
  case finished(RunResult)
  /// Its result records a crash: a worker that exited non-zero or was killed by a signal.
  case crashed(RunResult)

  /// The state `directory` records: the rule for a finished run, which the runner and the
  /// Slurm scripts share. A run has finished exactly when its `result.json` exists and reads
  /// back (it is written last and atomically); with `retryingCrashed`, a run whose result is a
  /// crash counts as pending.
  public init(recordedIn directory: RunDirectory, retryingCrashed: Bool = false) {
    guard let result = try? directory.readResult() else {
      self = .pending
      return
    }
    self.init(result)
    if retryingCrashed, case .crashed = self { self = .pending }
  }

  /// The state a result stands for.
  public init(_ result: RunResult) {
    self = result.status == .crashed ? .crashed(result) : .finished(result)
  }

  /// Whether the run is still to be computed.
  public var isPending: Bool {
    if case .pending = self { return true }
    return false
  }

  /// The run's result, once it has one.
  public var result: RunResult? {
    switch self {
    case .finished(let result), .crashed(let result): return result
    case .pending, .lockedElsewhere, .running: return nil
    }
  }
}
