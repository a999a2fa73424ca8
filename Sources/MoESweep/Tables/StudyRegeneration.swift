import Foundation
import MoEConfig
import MoETraining

/// Runs, summarizes and checks the studies of ``StudyCatalog`` under a results root.
///
/// Every study's runs live in `results/<study>/runs/`; a run shared by several studies (the
/// common baseline) is computed once and copied to the others. A check rebuilds every table
/// from the runs on disk and compares it byte for byte with the file on disk
/// (``tableDifferences(plans:preamble:)``), and recomputes a sample of runs from scratch, as a
/// sweep computes them, and compares them byte for byte with the committed ones
/// (``recompute(_:blasCore:in:options:progress:)``).
public struct StudyRegeneration: Sendable {
  public var sweeps: URL
  public var results: URL
  public var studies: [Study]

  public init(sweeps: URL, results: URL, only: [String] = []) {
    self.sweeps = sweeps
    self.results = results
    studies =
      only.isEmpty ? StudyCatalog.studies : StudyCatalog.studies.filter { only.contains($0.name) }
  }

  public func sweepFile(_ study: Study) -> String {
    sweeps.appendingPathComponent("\(study.name).json").path
  }
  public func directory(_ study: Study) -> SweepResults {
    SweepResults(results.appendingPathComponent(study.name))
  }

  /// Every results directory under the root (the studies and the calibration), for reuse.
  public var allDirectories: [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: results.path)) ?? []
    return names.sorted().map { results.appendingPathComponent($0) }
      .filter {
        FileManager.default.fileExists(atPath: $0.appendingPathComponent("sweep.json").path)
      }
  }

  /// `TABLES.md` from the studies' reports (one per study, in ``studies`` order).
  public func tablesMarkdown(reports: [SweepReport], preamble: String) -> String {
    let entries = zip(studies, reports).map { study, report in
      TablesDocument.Entry(
        study: study, report: report,
        sensitivity: LearningRateSensitivity(plan: report.plan, results: report.results),
        mechanism: report.mechanism)
    }
    return TablesDocument(entries: entries, preamble: preamble).markdown
  }

  /// Each study's plan as recorded in its results directory (in ``studies`` order), expanded
  /// once for all the checks.
  public func recordedPlans() throws(ConfigError) -> [SweepPlan] {
    var plans: [SweepPlan] = []
    for study in studies { plans.append(try directory(study).plan()) }
    return plans
  }

  /// Differences between the files on disk and the ones rebuilt from the runs (empty: none);
  /// `plans` are ``recordedPlans()``.
  public func tableDifferences(plans: [SweepPlan], preamble: String) throws -> [String] {
    var differences: [String] = []
    var reports: [SweepReport] = []
    for (study, plan) in zip(studies, plans) {
      let results = directory(study)
      let (report, files) = try results.tableFiles(plan: plan)
      reports.append(report)
      for (name, text) in files.sorted(by: { $0.key < $1.key }) {
        let url = results.directory.appendingPathComponent(name)
        let committed = try? String(contentsOf: url, encoding: .utf8)
        if committed != text {
          differences.append("\(url.path): " + Self.firstDifference(committed, text))
        }
      }
      // Figures: each must exist and equal its fresh, deterministic render byte for byte.
      let figureDirectory = SweepFigures.directory(of: results)
      for figure in try SweepFigures.figures(of: results) {
        let url = figureDirectory.appendingPathComponent(figure.fileName)
        let committed = try? String(contentsOf: url, encoding: .utf8)
        if committed != figure.svg {
          differences.append(
            "\(url.path): " + (committed == nil ? "missing" : "differs from its rebuild"))
        }
      }
    }
    let tables = results.appendingPathComponent("TABLES.md")
    let rebuilt = tablesMarkdown(reports: reports, preamble: preamble)
    let committed = try? String(contentsOf: tables, encoding: .utf8)
    if committed != rebuilt {
      differences.append("\(tables.path): " + Self.firstDifference(committed, rebuilt))
    }
    return differences
  }

  static func firstDifference(_ committed: String?, _ rebuilt: String) -> String {
    guard let committed else { return "missing" }
    let a = committed.split(separator: "\n", omittingEmptySubsequences: false)
    let b = rebuilt.split(separator: "\n", omittingEmptySubsequences: false)
    for index in 0..<max(a.count, b.count) {
      let left = index < a.count ? String(a[index]) : "<end>"
      let right = index < b.count ? String(b[index]) : "<end>"
      if left != right {
        return "line \(index + 1) differs:\n  committed: \(left)\n  rebuilt:   \(right)"
      }
    }
    return "differs"
  }

  /// Up to `count` runs per study spread over its points (the first seed of evenly spaced
  /// points), for recomputing; `plans` are ``recordedPlans()``.
  public func verificationSample(plans: [SweepPlan], count: Int) -> [(Study, PlannedRun)] {
    var sample: [(Study, PlannedRun)] = []
    for (study, plan) in zip(studies, plans) {
      let stride = max(1, plan.points.count / max(1, count))
      let points = Swift.stride(from: 0, to: plan.points.count, by: stride).prefix(count)
      for point in points {
        if let run = plan.runs.first(where: { $0.pointIndex == point }) {
          sample.append((study, run))
        }
      }
    }
    return sample
  }

  /// A committed run, recomputed and compared.
  public struct RunCheck: Sendable {
    public enum Verdict: Sendable, Equatable {
      /// Same metrics CSV byte for byte, same status, divergence step and quality.
      case identical
      case different
      /// Committed with a kernel (named) of another sgemm family: only the start of the run is
      /// comparable; it agrees within ``KernelAgreement/relativeTolerance`` or it does not.
      case otherKernel(String, KernelAgreement.EarlyComparison)
      /// The study's directory has no result for the run.
      case noCommittedResult
    }

    public var study: Study
    public var run: PlannedRun
    /// The committed run.
    public var committed: RunDirectory
    public var verdict: Verdict
  }

  /// Recomputes the runs of `sample` under `scratch` with a ``SweepRunner`` (worker processes,
  /// exactly as a sweep computes them) and compares each with its committed run: bit for bit
  /// when the committed kernel shares this machine's sgemm (`blasCore`), otherwise the start of
  /// the run within a tolerance (``KernelAgreement``).
  ///
  /// - Throws: `CancellationError` when interrupted (Ctrl-C), besides file errors.
  public func recompute(
    _ sample: [(Study, PlannedRun)], blasCore: String, in scratch: URL,
    options: SweepRunner.Options,
    progress: (SweepRunner.Progress) -> Void
  ) throws -> [RunCheck] {
    var checks: [RunCheck] = []
    var committedResults: [RunResult?] = []
    for (study, run) in sample {
      let committed = directory(study).runDirectory(id: run.id)
      let expected = try committed.readResult()
      committedResults.append(expected)
      let verdict: RunCheck.Verdict
      switch expected?.provenance.blasCore {
      case nil: verdict = .noCommittedResult
      case let core? where KernelAgreement.sharesSgemm(core, blasCore):
        verdict = .different  // until recomputed
      case let other?:
        verdict = .otherKernel(other, .init(firstDisagreement: nil, maxRelativeDifference: 0))
      }
      checks.append(RunCheck(study: study, run: run, committed: committed, verdict: verdict))
    }
    // A run in two studies' samples (a shared baseline) is recomputed once.
    var toRecompute: [PlannedRun] = []
    for check in checks
    where check.verdict != .noCommittedResult
      && !toRecompute.contains(where: { $0.id == check.run.id })
    {
      toRecompute.append(check.run)
    }
    let scratchResults = SweepResults(scratch)
    let outcome = try SweepRunner(results: scratchResults, options: options).run(
      toRecompute, progress: progress)
    if outcome.interrupted { throw CancellationError() }
    for (position, check) in checks.enumerated() {
      guard let expected = committedResults[position] else { continue }
      let recomputed = scratchResults.runDirectory(id: check.run.id)
      if case .otherKernel(let kernel, _) = check.verdict {
        let start = KernelAgreement.compareStart(
          committed: try check.committed.readMetrics()?.rows ?? [],
          recomputed: try recomputed.readMetrics()?.rows ?? [])
        checks[position].verdict = .otherKernel(kernel, start)
        continue
      }
      let result = try recomputed.readResult()
      let metrics = try? String(contentsOf: recomputed.metricsURL, encoding: .utf8)
      let same =
        metrics != nil
        && metrics == (try? String(contentsOf: check.committed.metricsURL, encoding: .utf8))
        && result?.status == expected.status
        && result?.divergence?.step == expected.divergence?.step
        && result?.quality == expected.quality
      checks[position].verdict = same ? .identical : .different
    }
    return checks
  }
}
