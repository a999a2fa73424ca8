import ArgumentParser
import Foundation
import MoEConfig
import MoESweep

/// `stmoe-sweep slurm FILE`: Slurm job-array scripts for a sweep's unfinished runs.
struct SlurmCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "slurm",
    abstract:
      "Write a Slurm job-array script for a sweep's unfinished runs, and a job that summarizes them.",
    discussion: """
      Writes DIR/slurm/array.sbatch (or --script) and array-summarize.sbatch next to it, and \
      prints the commands that submit them. Each array task runs one run, `stmoe-sweep run FILE \
      --out DIR --index I`, on 1 CPU with OPENBLAS_NUM_THREADS=1, logging to \
      DIR/slurm/logs/<array job>_<task>.{out,err}; the summarize job (submitted with \
      --dependency=afterany on the array) runs `stmoe-sweep summarize DIR` once every task has \
      ended. Paths are absolute; the binary is this one, resolved, unless --binary is given.

      Only the runs not finished when the script is written are in the array (a run is finished \
      when DIR/runs/<id>/result.json exists); run this command again after a partial sweep to \
      submit only what is left. When nothing is left it says so and writes nothing. A task \
      refuses to start (exit 3) if FILE has changed since the script was written.

      Slurm's task ids must be below MaxArraySize (default 1001; see `scontrol show config`). \
      Runs are cut into blocks of --max-array-size indices, one array each (array-1.sbatch, \
      array-2.sbatch, …, task id = run index − block start). --parallel K throttles each array \
      to K tasks at once (`--array=…%K`); several arrays are then chained with afterany so the \
      whole sweep keeps to K.
      """)

  @Argument(help: "The sweep file (JSON).") var file: String
  @Option(help: "Results directory (default: results/<sweep name>).") var out: String?
  @Option(help: "At most this many tasks at once (--array=…%K; default: no limit).") var parallel:
    Int?
  @Option(help: "Slurm partition (default: the cluster's default).") var partition: String?
  @Option(help: "Time limit per task, e.g. 01:30:00 (default: the partition's).") var time: String?
  @Option(help: "CPUs per array task.") var cpusPerTask: Int = SlurmJobScripts.Options().cpusPerTask
  @Option(help: "Memory per task, e.g. 2G (default: the cluster's).") var mem: String?
  @Option(help: "The cluster's MaxArraySize: task ids must be below it.")
  var maxArraySize: Int = SlurmJobScripts.Options().maxArraySize
  @Option(help: "Where to write the array script (default: DIR/slurm/array.sbatch).") var script:
    String?
  @Option(help: "The stmoe-sweep binary the jobs run (default: this one).") var binary: String?
  @Flag(help: "Run again the runs recorded as crashed.") var retryCrashed = false

  func validate() throws {
    if let parallel, parallel < 1 {
      throw ValidationError("--parallel must be at least 1, got \(parallel).")
    }
    guard cpusPerTask >= 1 else {
      throw ValidationError("--cpus-per-task must be at least 1, got \(cpusPerTask).")
    }
    guard maxArraySize >= 1 else {
      throw ValidationError("--max-array-size must be at least 1, got \(maxArraySize).")
    }
    if let time, !Self.isSlurmTime(time) {
      throw ValidationError(
        "--time must be a Slurm time limit such as 30, 01:30:00 or 2-00:00:00 (D-HH:MM:SS), got '\(time)'."
      )
    }
    if let mem, mem.wholeMatch(of: /[0-9]+[KMGTkmgt]?/) == nil {
      throw ValidationError("--mem must be a size such as 500M or 2G, got '\(mem)'.")
    }
    if let partition,
      partition.isEmpty || partition.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "'" })
    {
      throw ValidationError(
        "--partition must be a partition name (no spaces or quotes), got '\(partition)'.")
    }
    for (option, path) in [
      ("FILE", file), ("--out", out), ("--script", script), ("--binary", binary),
    ] {
      if let path, path.contains(where: \.isNewline) {
        throw ValidationError("\(option) must not contain a line break.")
      }
    }
    if let binary {
      guard FileManager.default.isExecutableFile(atPath: binary) else {
        throw ValidationError("--binary \(binary) is not an executable file.")
      }
    }
  }

  /// Slurm's time formats: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S, or unlimited.
  static func isSlurmTime(_ text: String) -> Bool {
    ["infinite", "unlimited"].contains(text.lowercased())
      || text.wholeMatch(of: /[0-9]+(:[0-9]{1,2}){0,2}/) != nil
      || text.wholeMatch(of: /[0-9]+-[0-9]{1,2}(:[0-9]{1,2}){0,2}/) != nil
  }

  func run() throws {
    let plan: SweepPlan
    do throws(ConfigError) { plan = try SweepPlan(contentsOfFile: file) } catch {
      throw ValidationError(error.description + "\nNothing was written.")
    }
    let contents = try Data(contentsOf: URL(fileURLWithPath: file))
    let results = SweepResults(
      URL(fileURLWithPath: out ?? "results/\(plan.name)").standardizedFileURL)
    do throws(ConfigError) { try results.checkHoldsSweep(named: plan.name) } catch {
      throw ValidationError(error.description + "\nNothing was written.")
    }
    let options = invocation.options
    let jobs = SlurmJobScripts(
      plan: plan, sweepFile: file, sweepFileContents: contents, results: results,
      executable: binary ?? SweepRunner.Options().executable,
      scriptURL: script.map { URL(fileURLWithPath: $0) }
        ?? SlurmJobScripts.defaultScriptURL(results: results),
      options: options)
    let finished = plan.runs.count - jobs.pending.count
    guard !jobs.arrays.isEmpty else {
      print(
        "\(plan.name): all \(plan.runs.count) runs are finished; nothing to submit, no script written. "
          + "`stmoe-sweep summarize \(results.directory.path)` writes the tables.")
      return
    }
    try jobs.write()
    let arrays = jobs.arrays.map { "--array=\($0.arraySpec)" }.joined(separator: ", ")
    print(
      "\(plan.name): \(plan.runs.count) runs, \(finished) finished, \(jobs.pending.count) to run "
        + "in \(jobs.arrays.count == 1 ? "one array" : "\(jobs.arrays.count) arrays"): \(arrays)")
    for array in jobs.arrays { print("wrote \(array.scriptURL.path)") }
    if let summarize = jobs.summarize { print("wrote \(summarize.url.path)") }
    print("Submit (the summary job waits until every task has ended):")
    for command in jobs.submitCommands { print("  \(command)") }
    print("Task logs: \(jobs.logDirectory.path)/")
  }

  /// The command line that parses to this command (its flags as the library spells them; the
  /// binary is not part of it: it is the executable the line starts).
  var invocation: SlurmInvocation {
    var options = SlurmJobScripts.Options()
    options.parallel = parallel
    options.partition = partition
    options.time = time
    options.cpusPerTask = cpusPerTask
    options.memory = mem
    options.maxArraySize = maxArraySize
    options.retryCrashed = retryCrashed
    return SlurmInvocation(sweepFile: file, out: out, options: options, script: script)
  }
}
