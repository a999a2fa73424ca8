import Foundation
import MoEConfig
import MoETraining

/// A sweep's results directory: the sweep file it was run from (`sweep.json`, copied at the
/// start of every `run`), the run store (`runs/<id>/`) and the tables written by `summarize`.
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
        suggestion: "run `stmoe-sweep run FILE --out \(directory.path)` first")
    }
    return try SweepPlan(contentsOfFile: sweepFileURL.path)
  }

  /// Records the sweep file the directory's runs come from (refusing a different sweep's file,
  /// whose runs would mix with these).
  public func record(sweepFile path: String, plan: SweepPlan) throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    if FileManager.default.fileExists(atPath: sweepFileURL.path),
      let existing = try? SweepPlan(contentsOfFile: sweepFileURL.path), existing.name != plan.name
    {
      throw ConfigError(
        keyPath: "name",
        "\(directory.path) holds results of sweep \"\(existing.name)\", not \"\(plan.name)\"",
        suggestion: "choose another --out directory")
    }
    try AtomicFile.write(data, to: sweepFileURL)
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

  /// Writes `runs.csv`, `summary.csv` and `summary.md`; returns the report.
  @discardableResult
  public func summarize() throws -> SweepReport {
    let plan = try plan()
    let report = try SweepReport(plan: plan, results: results(for: plan))
    try AtomicFile.write(report.runsTable.text, to: directory.appendingPathComponent("runs.csv"))
    try AtomicFile.write(report.summaryTable.text, to: directory.appendingPathComponent("summary.csv"))
    var markdown = report.markdown
    if let sensitivity = LearningRateSensitivity(plan: plan, results: report.results) {
      try AtomicFile.write(sensitivity.table.text, to: directory.appendingPathComponent("lr-sensitivity.csv"))
      markdown += sensitivity.markdown
    }
    try AtomicFile.write(markdown, to: directory.appendingPathComponent("summary.md"))
    return report
  }
}
