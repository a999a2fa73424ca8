import Foundation
import MoETraining

extension SweepRunner {
  /// What a ``SweepRunner/run(_:progress:)`` did: every selected run's state, and the tallies.
  public struct Outcome: Sendable, Equatable {
    /// The selected runs' states, in selection order. At the end: finished or crashed, pending
    /// for runs not reached (interrupted, or stopped after too many crashes), or locked
    /// elsewhere.
    public private(set) var states: [RunState]
    /// Runs that had a result before this run started (in the directory or copied from another).
    public var reused = 0
    /// Runs whose worker this process ran to the end.
    public var computed = 0
    public private(set) var completed = 0
    public private(set) var diverged = 0
    public private(set) var crashed = 0
    /// Runs skipped because another process held their lock.
    public private(set) var busyElsewhere = 0
    public var interrupted = false
    public var stoppedAfterFailures = false

    init(states: [RunState]) {
      self.states = Array(repeating: .pending, count: states.count)
      for (position, state) in states.enumerated() { update(position, to: state) }
    }

    public var selected: Int { states.count }

    /// Moves the run at `position` to `state`, keeping the tallies in step.
    mutating func update(_ position: Int, to state: RunState) {
      tally(states[position], -1)
      states[position] = state
      tally(state, 1)
    }

    private mutating func tally(_ state: RunState, _ step: Int) {
      switch state {
      case .finished(let result) where result.status == .completed: completed += step
      case .finished: diverged += step
      case .crashed: crashed += step
      case .lockedElsewhere: busyElsewhere += step
      case .pending, .running: break
      }
    }

    /// One line for people: `12 runs: 4 reused, 8 computed; 10 completed, 1 diverged, 1
    /// crashed`, and how many another process is computing, if any.
    public var summary: String {
      "\(selected) runs: \(reused) reused, \(computed) computed; \(completed) completed, "
        + "\(diverged) diverged, \(crashed) crashed"
        + (busyElsewhere > 0 ? "; \(busyElsewhere) being computed by another process" : "")
    }
  }

  /// Progress after every finished run.
  public struct Progress: Sendable {
    public var finished: Int
    public var total: Int
    public var outcome: Outcome
    public var secondsRemaining: Double?
    /// The run that just finished, as `index label seed s: status`.
    public var lastRun: String?
  }
}
