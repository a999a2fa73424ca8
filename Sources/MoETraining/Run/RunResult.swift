import Foundation
import MoEModel

/// How a run ended.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
  case completed, diverged
  /// Set by the sweep engine for a worker that exited abnormally; never by a run itself.
  case crashed
}

/// The final record of one run (`result.json`): did it diverge, when, why, how good was it.
public struct RunResult: Codable, Sendable, Equatable {
  public var status: RunStatus
  /// The configuration hash the run directory is named after.
  public var configHash: String
  public var seed: Int
  public var stepsCompleted: Int
  public var divergence: DivergenceVerdict?
  /// Spikes recorded by the spike rules, diverging or not.
  public var spikes: [SpikeEvent]
  /// The last metrics row whose values were all finite (in JSON: keyed by column name).
  public var lastFiniteMetrics: MetricsRow?
  /// Mean total training loss over the last logged rows (up to 10% of the run), if finite.
  public var finalTrainLoss: Double?
  /// Held-out cross-entropy (nats), eval capacity factor, no dropout or jitter; nil if diverged.
  public var evaluationCrossEntropy: Double?
  /// −evaluationCrossEntropy: the paper's negative log perplexity.
  public var quality: Double?
  /// The data's exact cross-entropy floor, when known (synthetic corpus).
  public var crossEntropyFloor: Double?
  public var wallSeconds: Double
  public var tokensPerSecond: Double
  public var provenance: Provenance
  /// Why a worker process died, for status `crashed`.
  public var crash: CrashReport?
}

/// How a worker process ended when it did not finish its run.
public struct CrashReport: Codable, Sendable, Equatable {
  /// Exit code, when the process exited.
  public var exitCode: Int32?
  /// Signal number, when the process was killed by a signal.
  public var signal: Int32?
  /// The last lines of the worker's standard error.
  public var stderrTail: String

  public init(exitCode: Int32?, signal: Int32?, stderrTail: String) {
    self.exitCode = exitCode
    self.signal = signal
    self.stderrTail = stderrTail
  }
}

extension RunResult {
  /// The record of a run whose worker crashed (no training result exists).
  public static func crashed(
    configHash: String, seed: Int, report: CrashReport, wallSeconds: Double, start: Date
  ) -> RunResult {
    var provenance = Provenance.current(configHash: configHash, start: start)
    provenance.endTime = Provenance.timestamp(Date())
    return RunResult(
      status: .crashed, configHash: configHash, seed: seed, stepsCompleted: 0, divergence: nil,
      spikes: [],
      lastFiniteMetrics: nil, finalTrainLoss: nil, evaluationCrossEntropy: nil, quality: nil,
      crossEntropyFloor: nil, wallSeconds: wallSeconds, tokensPerSecond: 0, provenance: provenance,
      crash: report)
  }
}
