import Foundation
import MoEConfig
import MoETraining

/// A sweep's results directory: the sweep file it was run from (`sweep.json`, copied by every
/// ``SweepSession``), the run store (`runs/<id>/`) and the tables written by `summarize`.
public struct SweepResults: Sendable {
  public let directory: URL
  public init(_ directory: URL) { self.directory = directory }

  public var sweepFileURL: URL { directory.appendingPathComponent("sweep.json") }
  public var lockPath: String { directory.appendingPathComponent(".lock").path }

  /// The plan recorded in the directory.
  public func plan() throws(ConfigError) -> SweepPlan {
    guard FileManager.default.fileExists(atPath: sweepFileURL.path) else {
      throw ConfigError(
        keyPath: "", "\(directory.path) holds no sweep.json: it is not a sweep results directory",
        suggestion: "run `"
          + RunInvocation(sweepFile: .value("FILE"), out: directory.path)
          .shellCommand(executable: "stmoe-sweep") + "` first")
    }
    return try SweepPlan(contentsOfFile: sweepFileURL.path)
  }

  public func runDirectory(id: String) -> RunDirectory {
    RunDirectory(directory.appendingPathComponent("runs").appendingPathComponent(id))
  }

  /// Every finished result of the plan's runs, by run id.
  public func results(for plan: SweepPlan) -> [String: RunResult] {
    var results: [String: RunResult] = [:]
    for run in plan.runs {
      if let result = try? runDirectory(id: run.id).readResult() { results[run.id] = result }
    }
    return results
  }

  /// The metrics table of every plan run that has one on disk, by run id. A metrics file that
  /// cannot be read throws, naming the file.
  public func metrics(for plan: SweepPlan) throws -> [String: MetricsTable] {
    var tables: [String: MetricsTable] = [:]
    for run in plan.runs {
      let directory = runDirectory(id: run.id)
      do {
        if let table = try directory.readMetrics() { tables[run.id] = table }
      } catch {
        throw SweepResultsError.unreadableMetrics(
          path: directory.metricsURL.path, reason: "\(error)")
      }
    }
    return tables
  }

  /// The summary files and their contents, computed from the runs on disk: `runs.csv`,
  /// `summary.csv`, `mechanism.csv` (``MechanismEvidence``),
  /// `summary.md`, and `lr-sensitivity.csv` for a learning-rate axis. `plan` is
  /// the recorded one (``plan()``) unless the caller has it already.
  public func tableFiles(plan: SweepPlan? = nil) throws
    -> (report: SweepReport, files: [String: String])
  {
    let plan = try plan ?? self.plan()
    let report = try SweepReport(
      plan: plan, results: results(for: plan), metrics: metrics(for: plan))
    var files = [
      "runs.csv": report.runsTable.text, "summary.csv": report.summaryTable.text,
      "mechanism.csv": report.mechanism.table.text,
    ]
    var markdown = report.markdown + report.mechanism.markdownBlock
    if let sensitivity = LearningRateSensitivity(plan: plan, results: report.results) {
      files["lr-sensitivity.csv"] = sensitivity.table.text
      markdown += sensitivity.markdown
    }
    files["summary.md"] = markdown
    return (report, files)
  }

  /// Writes the summary files (see ``tableFiles(plan:)``); returns the report.
  @discardableResult
  public func summarize(plan: SweepPlan? = nil) throws -> SweepReport {
    let (report, files) = try tableFiles(plan: plan)
    for (name, text) in files.sorted(by: { $0.key < $1.key }) {
      try AtomicFile.write(text, to: directory.appendingPathComponent(name))
    }
    return report
  }
}

/// A results directory that cannot be summarised.
public enum SweepResultsError: Error, CustomStringConvertible {
  case unreadableMetrics(path: String, reason: String)

  public var description: String {
    switch self {
    case .unreadableMetrics(let path, let reason):
      return "\(path): cannot read the metrics (\(reason)); rerun the run or remove its directory"
    }
  }
}
