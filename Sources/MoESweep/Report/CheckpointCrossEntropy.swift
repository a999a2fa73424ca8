import MoETraining

/// Quality that is not survivor-only: every run's logged training cross-entropy at one fixed
/// early checkpoint, before most divergences, so a variant that diverges often is not judged
/// only on the seeds that survived.
///
/// The checkpoint of a point is a quarter of training: the last step logged by any of its runs
/// that is ≤ ⌊steps / 4⌋ (`steps` of the point's config; `metrics.csv` logs every `logEvery`
/// steps, so the step is the same for every run of the point). A run **reached** it when its
/// metrics have a row at that step with a finite cross-entropy and it had not diverged by then
/// (no divergence, or one at a later step). Crashed runs, runs without a result and runs
/// without metrics count in neither, as in the divergence rate.
public struct CheckpointCrossEntropy: Sendable, Equatable {
  /// The checkpoint step; nil when no run of the point logged a step ≤ steps / 4.
  public var step: Int?
  /// One cross-entropy per run that reached the checkpoint, in seed order.
  public var values: [Double]

  /// The checkpoint of runs that share `steps`; `runs` pairs each run's result (nil: none yet)
  /// with its metrics (nil: none on disk).
  public init(steps: Int, runs: [(result: RunResult?, metrics: MetricsTable?)]) {
    let limit = steps / 4
    let step = runs.compactMap { run in
      run.metrics?.rows.last(where: { $0.step <= limit })?.step
    }.max()
    self.step = step
    guard let step else {
      values = []
      return
    }
    values = runs.compactMap { run in
      guard let status = run.result?.status, status != .crashed else { return nil }
      if let divergence = run.result?.divergence, divergence.step <= step { return nil }
      guard let row = run.metrics?.rows.first(where: { $0.step == step }),
        row.crossEntropy.isFinite
      else { return nil }
      return row.crossEntropy
    }
  }
}
