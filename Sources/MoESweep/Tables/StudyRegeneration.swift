import Foundation
import MoEConfig
import MoETraining

/// Runs, summarizes and checks the studies of ``StudyCatalog`` under a results root.
///
/// Every study's runs live in `results/<study>/runs/`; a run shared by several studies (the
/// common baseline) is computed once and copied to the others. `check` rebuilds every table
/// from the runs on disk and compares it byte for byte with the file on disk, and re-runs a
/// sample of runs from scratch and compares them byte for byte with the committed ones.
public struct StudyRegeneration: Sendable {
  public var sweeps: URL
  public var results: URL
  public var studies: [Study]

  public init(sweeps: URL, results: URL, only: [String] = []) {
    self.sweeps = sweeps
    self.results = results
    studies = only.isEmpty ? StudyCatalog.studies : StudyCatalog.studies.filter { only.contains($0.name) }
  }

  public func sweepFile(_ study: Study) -> String { sweeps.appendingPathComponent("\(study.name).json").path }
  public func directory(_ study: Study) -> SweepResults { SweepResults(results.appendingPathComponent(study.name)) }

  /// Every results directory under the root (the studies and the calibration), for reuse.
  public var allDirectories: [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: results.path)) ?? []
    return names.sorted().map { results.appendingPathComponent($0) }
      .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("sweep.json").path) }
  }

  /// `TABLES.md` from the studies' reports (one per study, in ``studies`` order).
  public func tablesMarkdown(reports: [SweepReport], preamble: String) -> String {
    let entries = zip(studies, reports).map { study, report in
      TablesDocument.Entry(
        study: study, report: report, sensitivity: LearningRateSensitivity(plan: report.plan, results: report.results))
    }
    return TablesDocument(entries: entries, preamble: preamble).markdown
  }

  /// Differences between the files on disk and the ones rebuilt from the runs (empty: none).
  public func tableDifferences(preamble: String) throws -> [String] {
    var differences: [String] = []
    var reports: [SweepReport] = []
    for study in studies {
      let results = directory(study)
      let (report, files) = try results.tableFiles()
      reports.append(report)
      for (name, text) in files.sorted(by: { $0.key < $1.key }) {
        let url = results.directory.appendingPathComponent(name)
        let committed = try? String(contentsOf: url, encoding: .utf8)
        if committed != text { differences.append("\(url.path): " + Self.firstDifference(committed, text)) }
      }
      // Figures: each must exist and equal its fresh, deterministic render byte for byte.
      let figureDirectory = SweepFigures.directory(of: results)
      for figure in try SweepFigures.figures(of: results) {
        let url = figureDirectory.appendingPathComponent(figure.fileName)
        let committed = try? String(contentsOf: url, encoding: .utf8)
        if committed != figure.svg {
          differences.append("\(url.path): " + (committed == nil ? "missing" : "differs from its rebuild"))
        }
      }
    }
    let tables = results.appendingPathComponent("TABLES.md")
    let rebuilt = tablesMarkdown(reports: reports, preamble: preamble)
    let committed = try? String(contentsOf: tables, encoding: .utf8)
    if committed != rebuilt { differences.append("\(tables.path): " + Self.firstDifference(committed, rebuilt)) }
    return differences
  }

  static func firstDifference(_ committed: String?, _ rebuilt: String) -> String {
    guard let committed else { return "missing" }
    let a = committed.split(separator: "\n", omittingEmptySubsequences: false)
    let b = rebuilt.split(separator: "\n", omittingEmptySubsequences: false)
    for index in 0..<max(a.count, b.count) {
      let left = index < a.count ? String(a[index]) : "<end>", right = index < b.count ? String(b[index]) : "<end>"
      if left != right { return "line \(index + 1) differs:\n  committed: \(left)\n  rebuilt:   \(right)" }
    }
    return "differs"
  }

  /// Up to `count` runs per study spread over its points (the first seed of evenly spaced
  /// points), for re-running.
  public func verificationSample(count: Int) throws -> [(Study, PlannedRun)] {
    var sample: [(Study, PlannedRun)] = []
    for study in studies {
      let plan = try directory(study).plan()
      let stride = max(1, plan.points.count / max(1, count))
      let points = Swift.stride(from: 0, to: plan.points.count, by: stride).prefix(count)
      for point in points {
        if let run = plan.runs.first(where: { $0.pointIndex == point }) { sample.append((study, run)) }
      }
    }
    return sample
  }
}
