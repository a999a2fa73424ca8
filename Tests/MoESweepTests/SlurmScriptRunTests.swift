import Foundation
import MoESweep
import MoETestSupport
import Testing

/// `stmoe-sweep slurm` through the built binary, and its scripts run without Slurm: bash runs
/// the array script once per task id with `SLURM_ARRAY_TASK_ID` set (the `#SBATCH` lines are
/// comments to it), then the summarize script; the tables must equal those of `run`.
@Suite("Slurm scripts without Slurm", .serialized)
struct SlurmScriptRunTests {
  static var executable: String { CommandRunner.stmoeSweep.path }

  /// 2 variants × 2 seeds of a tiny model, one variant diverging.
  static let sweep = """
    {
      "name": "slurm-e2e",
      "base": {
        "steps": 24, "logEvery": 4, "evaluationBatches": 1,
        "model": {"vocabSize": 16, "sequenceLength": 8, "batchSize": 4, "channels": 16, "headCount": 2,
                  "layerCount": 2, "ffnHidden": 16, "expertCount": 4},
        "data": {"domainCount": 2, "branching": 2}
      },
      "variants": [
        {"label": "Baseline"},
        {"label": "Absurd LR", "set": {"optimizer.kind": "sgd", "schedule.kind": "constant", "schedule.learningRate": 10000}}
      ],
      "seeds": {"count": 2},
      "baseline": "Baseline"
    }
    """

  typealias Outcome = CommandRunner.Outcome

  /// A workspace whose path has a space, so the scripts' quoting is exercised too.
  func makeWorkspace() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "stmoe slurm-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try Self.sweep.write(
      to: directory.appendingPathComponent("sweep.json"), atomically: true, encoding: .utf8)
    return directory
  }

  func run(
    _ executable: String, _ arguments: [String], in directory: URL,
    environment: [String: String] = [:]
  ) throws
    -> Outcome
  {
    try CommandRunner.run(
      arguments, executable: URL(fileURLWithPath: executable), in: directory,
      environment: environment)
  }

  func stmoe(_ arguments: [String], in directory: URL) throws -> Outcome {
    try run(Self.executable, arguments, in: directory)
  }

  /// A CSV table without the columns that measure time.
  func timelessCSV(_ url: URL) throws -> [[String]] {
    let rows = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    let timing = Set(["wallSeconds", "tokensPerSecond"])
    let keep = rows[0].indices.filter { !timing.contains(rows[0][$0]) }
    return rows.map { row in keep.map { row[$0] } }
  }

  @Test func arrayTasksRunWithBashGiveTheTablesOfRun() throws {
    let directory = try makeWorkspace()
    defer { try? FileManager.default.removeItem(at: directory) }
    // Run 1 is finished before the script is written: the array leaves it out.
    let first = try stmoe(["run", "sweep.json", "--out", "out", "--index", "1"], in: directory)
    #expect(first.status == 0, "\(first.stderr)")
    let generated = try stmoe(
      ["slurm", "sweep.json", "--out", "out", "--parallel", "2"], in: directory)
    #expect(generated.status == 0, "\(generated.stderr)")
    #expect(generated.stdout.contains("4 runs, 1 finished, 3 to run in one array: --array=0,2-3%2"))
    let slurm = directory.appendingPathComponent("out/slurm")
    let script = slurm.appendingPathComponent("array.sbatch")
    #expect(
      generated.stdout.contains("jid=$(sbatch --parsable '\(script.path)')"), "\(generated.stdout)")
    #expect(
      generated.stdout.contains(
        "sbatch --dependency=afterany:$jid '\(slurm.path)/array-summarize.sbatch'"))
    let text = try String(contentsOf: script, encoding: .utf8)
    let arrayLine = try #require(
      text.split(separator: "\n").first { $0.hasPrefix("#SBATCH --array=") })
    let taskIDs = try #require(
      SlurmJobScripts.indices(inList: String(arrayLine.dropFirst("#SBATCH --array=".count))))
    #expect(taskIDs == [0, 2, 3])
    #expect(FileManager.default.fileExists(atPath: slurm.appendingPathComponent("logs").path))

    for task in taskIDs {
      let outcome = try run(
        "/bin/bash", [script.path], in: directory, environment: ["SLURM_ARRAY_TASK_ID": "\(task)"])
      #expect(outcome.status == 0, "task \(task): \(outcome.stderr)")
      #expect(
        outcome.stdout.contains("1 runs: 0 reused, 1 computed"), "task \(task): \(outcome.stdout)")
    }
    let summarize = try run(
      "/bin/bash", [slurm.appendingPathComponent("array-summarize.sbatch").path], in: directory)
    #expect(summarize.status == 0, "\(summarize.stderr)")

    let direct = try stmoe(["run", "sweep.json", "--out", "direct", "--jobs", "1"], in: directory)
    #expect(
      direct.status == 0 && direct.stdout.contains("4 runs: 0 reused, 4 computed"),
      "\(direct.stdout)")
    for table in ["runs.csv", "summary.csv"] {
      let viaScripts = try timelessCSV(directory.appendingPathComponent("out/\(table)"))
      let viaRun = try timelessCSV(directory.appendingPathComponent("direct/\(table)"))
      #expect(viaScripts == viaRun, "\(table) differs")
      #expect(viaScripts.count == (table == "runs.csv" ? 5 : 3))
    }

    // Now every run is finished: nothing to submit, no script written, exit 0.
    let again = try stmoe(
      ["slurm", "sweep.json", "--out", "out", "--script", "again/array.sbatch"], in: directory)
    #expect(again.status == 0)
    #expect(again.stdout.contains("all 4 runs are finished; nothing to submit"), "\(again.stdout)")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("again").path))
  }

  /// A task refuses to run when the sweep file has changed since the script was written.
  @Test func aTaskRefusesAnEditedSweepFile() throws {
    let directory = try makeWorkspace()
    defer { try? FileManager.default.removeItem(at: directory) }
    #expect(try stmoe(["slurm", "sweep.json", "--out", "out"], in: directory).status == 0)
    let file = directory.appendingPathComponent("sweep.json")
    try (Self.sweep.replacingOccurrences(of: "\"count\": 2", with: "\"count\": 3"))
      .write(to: file, atomically: true, encoding: .utf8)
    let script = directory.appendingPathComponent("out/slurm/array.sbatch").path
    let outcome = try run(
      "/bin/bash", [script], in: directory, environment: ["SLURM_ARRAY_TASK_ID": "0"])
    #expect(outcome.status == 3)
    #expect(outcome.stderr.contains("changed since this script was written"), "\(outcome.stderr)")
    #expect(
      outcome.stderr.contains(
        "slurm \(file.path.contains(" ") ? "'\(file.path)'" : file.path) --out"))
    #expect(
      !FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/runs").path))
    // Without SLURM_ARRAY_TASK_ID the script says how to run it.
    let bare = try run(
      "/bin/bash", [script], in: directory, environment: ["SLURM_ARRAY_TASK_ID": ""])
    #expect(bare.status != 0 && bare.stderr.contains("submit this script with sbatch"))
  }

  /// Bad input: a clear message, a non-zero exit, nothing written.
  @Test(arguments: [
    (["--parallel", "0"], "--parallel must be at least 1, got 0"),
    (["--cpus-per-task", "0"], "--cpus-per-task must be at least 1"),
    (["--max-array-size", "0"], "--max-array-size must be at least 1"),
    (["--time", "1h"], "--time must be a Slurm time limit"),
    (["--mem", "lots"], "--mem must be a size"),
    (["--partition", "a b"], "--partition must be a partition name"),
    (
      ["--binary", "/nonexistent/stmoe-sweep"],
      "--binary /nonexistent/stmoe-sweep is not an executable file"
    ),
  ])
  func badOptionsAreRefused(arguments: [String], message: String) throws {
    let directory = try makeWorkspace()
    defer { try? FileManager.default.removeItem(at: directory) }
    let outcome = try stmoe(["slurm", "sweep.json", "--out", "out"] + arguments, in: directory)
    #expect(outcome.status != 0)
    #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
  }

  @Test func badSweepFilesAreRefused() throws {
    let directory = try makeWorkspace()
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.sweep.replacingOccurrences(of: "\"steps\"", with: "\"stepz\"")
      .write(to: directory.appendingPathComponent("typo.json"), atomically: true, encoding: .utf8)
    let typo = try stmoe(["slurm", "typo.json", "--out", "out"], in: directory)
    #expect(typo.status != 0)
    #expect(typo.stderr.contains("typo.json: base.stepz: unknown key"), "\(typo.stderr)")
    #expect(typo.stderr.contains("Nothing was written."))
    let missing = try stmoe(["slurm", "missing.json", "--out", "out"], in: directory)
    #expect(missing.status != 0 && missing.stderr.contains("missing.json"), "\(missing.stderr)")
    // A results directory of another sweep.
    try FileManager.default.createDirectory(
      at: directory.appendingPathComponent("other"), withIntermediateDirectories: true)
    try Self.sweep.replacingOccurrences(of: "slurm-e2e", with: "another")
      .write(
        to: directory.appendingPathComponent("other/sweep.json"), atomically: true, encoding: .utf8)
    let other = try stmoe(["slurm", "sweep.json", "--out", "other"], in: directory)
    #expect(
      other.status != 0 && other.stderr.contains("holds results of sweep \"another\""),
      "\(other.stderr)")
    for path in ["out", "other/slurm"] {
      #expect(
        !FileManager.default.fileExists(atPath: directory.appendingPathComponent(path).path),
        "\(path)")
    }
  }
}
