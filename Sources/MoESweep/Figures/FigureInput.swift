import Foundation
import MoETraining

/// Everything the figures of one results directory are drawn from, read once: the plan, the
/// report (the same statistics as `summary.csv`), and every finished run with its metrics.
struct FigureInput: Sendable {
  /// One run that has a `result.json`, with its `metrics.csv` if it wrote one.
  struct Run: Sendable {
    let planned: PlannedRun
    let result: RunResult
    let metrics: MetricsTable?

    var isDiverged: Bool { result.status == .diverged }

    /// Hover text of the run's line: id, seed and how it ended.
    var tooltip: String {
      var text = "run \(planned.id), seed \(planned.seed): \(result.status.rawValue)"
      if let divergence = result.divergence {
        text += " at step \(divergence.step) (\(divergence.reason.rawValue))"
      }
      return text
    }
  }

  let plan: SweepPlan
  let report: SweepReport
  /// Runs with a result, in plan order; runs still missing are left out.
  let runs: [Run]
  /// ``SweepPlan/shortPointLabels``, indexed by point.
  let labels: [String]

  init(results: SweepResults) throws {
    let plan = try results.plan()
    let found = results.results(for: plan)
    let finished = found.values.filter { $0.status != .crashed }.count
    guard finished > 0 else {
      throw SweepFigureError.noFinishedRuns(
        directory: results.directory.path, planned: plan.runs.count,
        crashed: found.values.filter { $0.status == .crashed }.count)
    }
    var runs: [Run] = []
    for planned in plan.runs {
      guard let result = found[planned.id] else { continue }
      let directory = results.runDirectory(id: planned.id)
      let metrics: MetricsTable?
      do {
        metrics = try directory.readMetrics()
      } catch let error as MetricsTable.ReadError {
        throw SweepFigureError.unreadableMetrics(
          file: directory.metricsURL.path, line: error.line, error.message)
      }
      runs.append(Run(planned: planned, result: result, metrics: metrics))
    }
    self.plan = plan
    self.report = try SweepReport(plan: plan, results: found)
    self.runs = runs
    self.labels = plan.shortPointLabels
  }

  /// The short label of a run's point.
  func label(of run: Run) -> String { labels[run.planned.pointIndex] }

  /// The data's cross-entropy floors reported by the runs, distinct and ascending.
  func entropyFloors(of runs: [Run]) -> [Double] {
    Set(runs.compactMap(\.result.crossEntropyFloor).filter(\.isFinite)).sorted()
  }
}
