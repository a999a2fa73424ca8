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

  /// The summary files and their contents, computed from the runs on disk: `runs.csv`,
  /// `summary.csv`, `summary.md`, and `lr-sensitivity.csv` for a learning-rate axis. `plan` is
  /// the recorded one (``plan()``) unless the caller has it already.
  public func tableFiles(plan: SweepPlan? = nil) throws
    -> (report: SweepReport, files: [String: String])
  {
    let plan = try plan ?? self.plan()
    let report = try SweepReport(plan: plan, results: results(for: plan))
    var files = ["runs.csv": report.runsTable.text, "summary.csv": report.summaryTable.text]
    var markdown = report.markdown
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
