import Foundation
import MoETraining

/// The Slurm job scripts of a sweep: job arrays running the runs that are not finished yet
/// (one `stmoe-sweep run FILE --out DIR --index I` per task), and a job that summarizes the
/// results directory once the arrays have ended.
///
/// **What runs.** The runs without a `result.json` when the scripts are written (with
/// ``Options/retryCrashed``, also those recorded as crashed). A task whose run has finished in
/// the meantime does nothing (`run --index` skips finished runs), so submitting twice is safe.
///
/// **Array size.** Slurm accepts task ids `0 … MaxArraySize − 1` only (`MaxArraySize` defaults to
/// 1001; `scontrol show config | grep MaxArraySize` shows a cluster's value), so run indices are
/// cut into blocks of ``Options/maxArraySize``: block `b` is one array whose task `t` runs the
/// run with index `b × maxArraySize + t`. Every array thus has valid task ids and at most
/// `maxArraySize` tasks; a sweep with fewer runs gets exactly one array, whose task ids are the
/// run indices themselves.
///
/// **Concurrency.** ``Options/parallel`` becomes the `%K` throttle of each array. With several
/// arrays, each is submitted depending on the previous one (`afterany`), so at most K tasks of
/// the sweep run at once; without a throttle they are all submitted at once.
///
/// **Guard.** The task scripts carry the POSIX `cksum` of the sweep file they were written
/// from and refuse to start (exit 3) if the file has changed since: its run indices might no
/// longer name the same runs.
///
/// Every path in the scripts is absolute. Creating a value reads the results directory (for
/// finished runs) and writes nothing; ``write()`` writes the scripts and creates the log
/// directory (Slurm does not create it, and a task whose log cannot be opened fails silently).
public struct SlurmJobScripts: Sendable {
  /// Job options; the defaults ask for 1 CPU and leave the rest to the cluster's defaults.
  public struct Options: Hashable, Sendable {
    /// At most this many tasks of an array at once (`--array=…%K`); nil: no throttle.
    public var parallel: Int?
    /// `--partition`; nil: the cluster's default partition.
    public var partition: String?
    /// `--time` (e.g. `HH:MM:SS`); nil: the partition's default time limit.
    public var time: String?
    /// `--cpus-per-task` of the array tasks (each run uses one thread).
    public var cpusPerTask = 1
    /// `--mem` (e.g. `2G`); nil: the cluster's default.
    public var memory: String?
    /// Slurm's `MaxArraySize`: task ids must be below it.
    public var maxArraySize = 1001
    /// Run again the runs recorded as crashed (the tasks get `--retry-crashed`).
    public var retryCrashed = false
    public init() {}
  }

  /// One job array: the runs with indices `offset + t` for its task ids `t`.
  public struct ArrayJob: Sendable, Equatable {
    /// Where the script is written.
    public let scriptURL: URL
    /// Run index = offset + `$SLURM_ARRAY_TASK_ID`.
    public let offset: Int
    /// The run indices the array runs, ascending.
    public let runIndices: [Int]
    /// The `--array` value, e.g. `0-3,7,9-11%4`.
    public let arraySpec: String
    /// The command each task runs: `run` of the sweep file (the script's `$sweep`) with the index
    /// `offset + $task`, one worker.
    public let task: RunInvocation
    /// The script's text.
    public let text: String

    /// The Slurm task ids, ascending.
    public var taskIDs: [Int] { runIndices.map { $0 - offset } }
  }

  /// The sweep's name.
  public let sweepName: String
  /// How many runs the sweep has.
  public let runCount: Int
  /// The runs the arrays run, in index order.
  public let pending: [PlannedRun]
  /// The arrays (none when every run is finished).
  public let arrays: [ArrayJob]
  /// The summarize job's script (nil when every run is finished).
  public let summarize: (url: URL, text: String)?
  /// The command the summarize job runs.
  public let summarizeCommand: SummarizeInvocation
  /// The command that writes these scripts again (the sweep file and results as now), which a
  /// task prints when the sweep file has changed since.
  public let regenerate: SlurmInvocation
  /// The binary the jobs run (absolute).
  public let executable: String
  /// The shell commands that submit the arrays, then the summary after all of them (none when
  /// every run is finished): `jid=$(sbatch --parsable A)` and `sbatch --dependency=afterany:$jid S`
  /// for one array.
  public let submitCommands: [String]
  /// The results directory (absolute).
  public let resultsDirectory: URL
  /// Where the tasks' logs go: `<results>/slurm/logs/`.
  public var logDirectory: URL { resultsDirectory.appendingPathComponent("slurm/logs") }

  /// The default place of the first array script: `<results>/slurm/array.sbatch`.
  public static func defaultScriptURL(results: SweepResults) -> URL {
    results.directory.appendingPathComponent("slurm/array.sbatch")
  }

  /// Computes the scripts of `plan`'s unfinished runs in `results`: `sweepFile` is the sweep
  /// file the tasks run (made absolute), `sweepFileContents` its bytes now, whose checksum the
  /// tasks check, `executable` the `stmoe-sweep` binary the jobs run (made absolute), and
  /// `scriptURL` the array script (with several arrays, `<stem>-1<.ext>`, `<stem>-2<.ext>`, … in
  /// its directory; the summarize script is `<stem>-summarize<.ext>` there).
  /// - Precondition: the options are valid (`parallel`, `cpusPerTask`, `maxArraySize` ≥ 1).
  public init(
    plan: SweepPlan, sweepFile: String, sweepFileContents: Data, results: SweepResults,
    executable: String,
    scriptURL: URL, options: Options
  ) {
    precondition(
      options.maxArraySize >= 1 && options.cpusPerTask >= 1 && (options.parallel ?? 1) >= 1)
    let sweepPath = URL(fileURLWithPath: sweepFile).standardizedFileURL.path
    let binary = URL(fileURLWithPath: executable).standardizedFileURL.path
    let resultsDirectory = results.directory.standardizedFileURL
    let results = SweepResults(resultsDirectory)
    let scriptURL = scriptURL.standardizedFileURL
    self.sweepName = plan.name
    self.runCount = plan.runs.count
    self.resultsDirectory = resultsDirectory
    pending = Self.unfinishedRuns(of: plan, in: results, retryCrashed: options.retryCrashed)

    // Blocks of run indices [b·M, (b+1)·M), each one array.
    let blocks = Dictionary(grouping: pending.map(\.index)) { $0 / options.maxArraySize }
      .sorted { $0.key < $1.key }
    let scriptURLs = Self.arrayScriptURLs(scriptURL, count: blocks.count)
    let summarizeURL = Self.siblingURL(scriptURL, suffix: "-summarize")
    let logs = resultsDirectory.appendingPathComponent("slurm/logs").path
    let recipe =
      blocks.isEmpty
      ? []
      : Self.submitCommands(
        arrays: scriptURLs, summarize: summarizeURL, chained: options.parallel != nil)
    submitCommands = recipe

    let common = Common(
      sweepName: plan.name, binary: binary, logs: logs, options: options)
    let checksum = Self.posixChecksum(sweepFileContents)
    self.executable = binary
    let regenerate = SlurmInvocation(
      sweepFile: sweepPath, out: resultsDirectory.path, options: options,
      script: scriptURL == Self.defaultScriptURL(results: results) ? nil : scriptURL.path)
    self.regenerate = regenerate
    arrays = zip(blocks, scriptURLs).map { block, url in
      let offset = block.key * options.maxArraySize
      let taskIDs = block.value.sorted().map { $0 - offset }
      let arraySpec = Self.compressedIndexList(taskIDs) + (options.parallel.map { "%\($0)" } ?? "")
      let index = offset == 0 ? "$task" : "$((\(offset) + task))"
      let task = RunInvocation(
        sweepFile: .shellExpansion("$sweep"), out: resultsDirectory.path,
        selection: .index(.shellExpansion(index)), jobs: 1, retryCrashed: options.retryCrashed)
      let text = common.arrayScript(
        arraySpec: arraySpec, offset: offset, runIndices: block.value.sorted(),
        runCount: plan.runs.count,
        sweepFile: sweepPath, checksum: checksum, recipe: recipe,
        regenerate: regenerate.shellCommand(executable: binary), task: task, scriptPath: url.path)
      return ArrayJob(
        scriptURL: url, offset: offset, runIndices: block.value.sorted(), arraySpec: arraySpec,
        task: task, text: text)
    }
    summarizeCommand = SummarizeInvocation(directory: resultsDirectory.path)
    summarize =
      arrays.isEmpty
      ? nil : (summarizeURL, common.summarizeScript(recipe: recipe, command: summarizeCommand))
  }

  /// The runs of `plan` that are pending in `results` (see ``RunState``: no result yet, or,
  /// with `retryCrashed`, a crash), in index order.
  public static func unfinishedRuns(
    of plan: SweepPlan, in results: SweepResults, retryCrashed: Bool
  )
    -> [PlannedRun]
  {
    plan.runs.filter { run in
      let directory = results.runDirectory(id: run.id)
      return RunState(recordedIn: directory, retryingCrashed: retryCrashed).isPending
    }
  }

  static func submitCommands(arrays: [URL], summarize: URL, chained: Bool) -> [String] {
    let names = arrays.count == 1 ? ["jid"] : arrays.indices.map { "jid\($0 + 1)" }
    var lines: [String] = []
    for (position, url) in arrays.enumerated() {
      let after = chained && position > 0 ? " --dependency=afterany:$\(names[position - 1])" : ""
      lines.append("\(names[position])=$(sbatch --parsable\(after) \(Shell.quoted(url.path)))")
    }
    let all = names.map { "$\($0)" }.joined(separator: ":")
    lines.append("sbatch --dependency=afterany:\(all) \(Shell.quoted(summarize.path))")
    return lines
  }

  /// Writes the scripts (mode 0755) and creates the log directory; returns the files written.
  @discardableResult
  public func write() throws -> [URL] {
    guard let summarize else { return [] }
    try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
    let files = arrays.map { ($0.scriptURL, $0.text) } + [summarize]
    for (url, text) in files {
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try AtomicFile.write(text, to: url)
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }
    return files.map(\.0)
  }

  // MARK: Index lists

  /// Slurm's compressed form of a set of indices: ascending, runs of consecutive indices as
  /// ranges (`[0, 1, 2, 3, 7, 9, 10, 11]` → `0-3,7,9-11`); "" for none. Duplicates are ignored.
  public static func compressedIndexList(_ indices: [Int]) -> String {
    let sorted = Array(Set(indices)).sorted()
    var parts: [String] = []
    var start = 0
    while start < sorted.count {
      var end = start
      while end + 1 < sorted.count && sorted[end + 1] == sorted[end] + 1 { end += 1 }
      parts.append(end == start ? "\(sorted[start])" : "\(sorted[start])-\(sorted[end])")
      start = end + 1
    }
    return parts.joined(separator: ",")
  }

  /// The indices of a list in the form ``compressedIndexList(_:)`` writes (a `%K` suffix is
  /// ignored); nil if it is not such a list.
  public static func indices(inList list: String) -> [Int]? {
    let body = list.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)[0]
    if body.isEmpty { return [] }
    var indices: [Int] = []
    for part in body.split(separator: ",", omittingEmptySubsequences: false) {
      let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
      guard (1...2).contains(bounds.count), let low = bounds.first!, let high = bounds.last!,
        0 <= low, low <= high
      else { return nil }
      indices += low...high
    }
    return indices
  }

  // MARK: Script text

  /// What both kinds of script share.
  struct Common {
    let sweepName: String
    let binary: String
    let logs: String
    let options: Options

    /// `#SBATCH` lines of the options every job gets.
    func resourceLines(cpus: Int) -> [String] {
      var lines = ["#SBATCH --ntasks=1", "#SBATCH --cpus-per-task=\(cpus)"]
      if let partition = options.partition {
        lines.append("#SBATCH --partition=\(sbatchQuoted(partition))")
      }
      if let time = options.time { lines.append("#SBATCH --time=\(sbatchQuoted(time))") }
      if let memory = options.memory { lines.append("#SBATCH --mem=\(sbatchQuoted(memory))") }
      return lines
    }

    func arrayScript(
      arraySpec: String, offset: Int, runIndices: [Int], runCount: Int, sweepFile: String,
      checksum: String, recipe: [String], regenerate: String, task: RunInvocation,
      scriptPath: String
    ) -> String {
      let changed =
        "stmoe-sweep: \(sweepFile) changed since this script was written, so its run indices may name other"
        + " runs; write the script again: "
      var lines = [
        "#!/bin/bash",
        "# Written by `stmoe-sweep slurm`: sweep \"\(sweepName)\", runs "
          + "\(SlurmJobScripts.compressedIndexList(runIndices)) of 0-\(runCount - 1) (those not finished when"
          + " this was written), one per array task; run index = \(offset) + task id.",
        "# Submit, then summarize after every task:",
      ]
      lines += recipe.map { "#   \($0)" }
      lines += [
        "# Without Slurm, one task: SLURM_ARRAY_TASK_ID=<task id> bash \(shellQuoted(scriptPath))",
        "#SBATCH --job-name=stmoe-\(sweepName)",
        "#SBATCH --array=\(arraySpec)",
      ]
      lines += resourceLines(cpus: options.cpusPerTask)
      lines += [
        "#SBATCH --output=\(sbatchQuoted(logs + "/%A_%a.out"))",
        "#SBATCH --error=\(sbatchQuoted(logs + "/%A_%a.err"))",
        "set -euo pipefail",
        "export OPENBLAS_NUM_THREADS=1",
        "task=${SLURM_ARRAY_TASK_ID:?submit this script with sbatch, or set SLURM_ARRAY_TASK_ID}",
        "sweep=\(shellQuoted(sweepFile))",
        "# The sweep file must be the one the run indices were computed from (POSIX cksum).",
        "if [ \"$(cksum < \"$sweep\")\" != \(shellQuoted(checksum)) ]; then",
        "  echo \(shellQuoted(changed + regenerate)) >&2",
        "  exit 3",
        "fi",
        "exec " + task.shellCommand(executable: binary),
      ]
      return lines.joined(separator: "\n") + "\n"
    }

    func summarizeScript(recipe: [String], command: SummarizeInvocation) -> String {
      var lines = [
        "#!/bin/bash",
        "# Written by `stmoe-sweep slurm`: the tables of sweep \"\(sweepName)\", once its array job(s) ended:",
      ]
      lines += recipe.map { "#   \($0)" }
      lines += ["#SBATCH --job-name=stmoe-\(sweepName)-summarize"]
      lines += resourceLines(cpus: 1)
      lines += [
        "#SBATCH --output=\(sbatchQuoted(logs + "/summarize_%j.out"))",
        "#SBATCH --error=\(sbatchQuoted(logs + "/summarize_%j.err"))",
        "set -euo pipefail",
        "export OPENBLAS_NUM_THREADS=1",
        "exec " + command.shellCommand(executable: binary),
      ]
      return lines.joined(separator: "\n") + "\n"
    }
  }

  // MARK: Helpers

  /// `text` as the value of an `#SBATCH` option: double-quoted (with `\` escapes) when it has
  /// white space or quotes, which sbatch would otherwise split or strip.
  static func sbatchQuoted(_ text: String) -> String {
    guard text.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == "\\" }) else {
      return text
    }
    return "\""
      + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
        of: "\"", with: "\\\"") + "\""
  }

  /// The POSIX `cksum` of `data` as the command prints it for standard input: `CRC LENGTH`.
  public static func posixChecksum(_ data: Data) -> String {
    var crc: UInt32 = 0
    func feed(_ byte: UInt8) {
      crc ^= UInt32(byte) << 24
      for _ in 0..<8 { crc = crc & 0x8000_0000 != 0 ? (crc << 1) ^ 0x04C1_1DB7 : crc << 1 }
    }
    for byte in data { feed(byte) }
    var length = data.count
    while length > 0 {
      feed(UInt8(length & 0xFF))
      length >>= 8
    }
    return "\(~crc) \(data.count)"
  }

  static func arrayScriptURLs(_ url: URL, count: Int) -> [URL] {
    count == 1 ? [url] : (0..<count).map { siblingURL(url, suffix: "-\($0 + 1)") }
  }

  /// `dir/stem<suffix>.ext` for `dir/stem.ext`.
  static func siblingURL(_ url: URL, suffix: String) -> URL {
    let name = url.deletingPathExtension().lastPathComponent + suffix
    let sibling = url.deletingLastPathComponent().appendingPathComponent(name)
    return url.pathExtension.isEmpty ? sibling : sibling.appendingPathExtension(url.pathExtension)
  }
}

extension SlurmJobScripts.Common {
  func sbatchQuoted(_ text: String) -> String { SlurmJobScripts.sbatchQuoted(text) }
  func shellQuoted(_ text: String) -> String { Shell.quoted(text) }
}
