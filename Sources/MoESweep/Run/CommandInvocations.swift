import MoETraining

/// `train --config FILE [--out DIR] --threads N [--set KEY=VALUE]…`: one run, written into a
/// directory by ``MoETraining/RunDirectory/train(_:metricsInterval:progress:)``.
public struct TrainInvocation: Invocation {
  /// A preset's name or a run config file.
  public var config: String
  /// The run directory; nil: `runs/<config hash>`.
  public var out: String?
  /// BLAS threads.
  public var threads: Int
  /// `key.path=value` overrides, in order.
  public var overrides: [String]

  public init(config: String, out: String? = nil, threads: Int = 1, overrides: [String] = []) {
    self.config = config
    self.out = out
    self.threads = threads
    self.overrides = overrides
  }

  /// The worker process of one run of a sweep: the resolved config the runner wrote into the
  /// run's directory in, the run's files out, one BLAS thread.
  public static func worker(for directory: RunDirectory) -> TrainInvocation {
    TrainInvocation(config: directory.configURL.path, out: directory.url.path, threads: 1)
  }

  public var words: [CommandValue<String>] {
    var words: [CommandValue<String>] = [.value("train"), .value("--config"), .value(config)]
    if let out { words += [.value("--out"), .value(out)] }
    words += [.value("--threads"), .value(String(threads))]
    return words + overrides.flatMap { [CommandValue.value("--set"), .value($0)] }
  }
}

/// `run FILE [--out DIR] [--index I | --shard i/n] [--jobs N] [--retry-crashed]`: a sweep's
/// unfinished runs, or some of them (a Slurm array task runs one, by index).
public struct RunInvocation: Invocation {
  /// Which runs of the sweep.
  public enum Selection: Hashable, Sendable {
    case all
    /// The run with this index (see `plan`).
    case index(CommandValue<Int>)
    /// Runs `shard`, `shard + count`, …
    case shard(Int, of: Int)
  }

  /// The sweep file.
  public var sweepFile: CommandValue<String>
  /// The results directory; nil: `results/<sweep name>`.
  public var out: String?
  public var selection: Selection
  /// Worker processes at once; nil: one per core.
  public var jobs: Int?
  /// Run again the runs recorded as crashed.
  public var retryCrashed: Bool

  public init(
    sweepFile: CommandValue<String>, out: String? = nil, selection: Selection = .all,
    jobs: Int? = nil, retryCrashed: Bool = false
  ) {
    self.sweepFile = sweepFile
    self.out = out
    self.selection = selection
    self.jobs = jobs
    self.retryCrashed = retryCrashed
  }

  public var words: [CommandValue<String>] {
    var words: [CommandValue<String>] = [.value("run"), sweepFile]
    if let out { words += [.value("--out"), .value(out)] }
    switch selection {
    case .all: break
    case .index(let index): words += [.value("--index"), index.text(String.init)]
    case .shard(let shard, let count): words += [.value("--shard"), .value("\(shard)/\(count)")]
    }
    if let jobs { words += [.value("--jobs"), .value(String(jobs))] }
    if retryCrashed { words.append(.value("--retry-crashed")) }
    return words
  }
}

/// `summarize DIR`: the tables of a results directory.
public struct SummarizeInvocation: Invocation {
  public var directory: String

  public init(directory: String) { self.directory = directory }

  public var words: [CommandValue<String>] { [.value("summarize"), .value(directory)] }
}

/// `slurm FILE [--out DIR] [options]`: a sweep's job scripts, written again; options equal to
/// their defaults (`SlurmJobScripts.Options()`) are left out.
public struct SlurmInvocation: Invocation {
  public var sweepFile: String
  /// The results directory; nil: `results/<sweep name>`.
  public var out: String?
  public var options: SlurmJobScripts.Options
  /// The array script; nil: `<results>/slurm/array.sbatch`.
  public var script: String?

  public init(
    sweepFile: String, out: String? = nil, options: SlurmJobScripts.Options = .init(),
    script: String? = nil
  ) {
    self.sweepFile = sweepFile
    self.out = out
    self.options = options
    self.script = script
  }

  public var words: [CommandValue<String>] {
    let defaults = SlurmJobScripts.Options()
    var words = ["slurm", sweepFile]
    if let out { words += ["--out", out] }
    if let parallel = options.parallel { words += ["--parallel", String(parallel)] }
    if let partition = options.partition { words += ["--partition", partition] }
    if let time = options.time { words += ["--time", time] }
    if options.cpusPerTask != defaults.cpusPerTask {
      words += ["--cpus-per-task", String(options.cpusPerTask)]
    }
    if let memory = options.memory { words += ["--mem", memory] }
    if options.maxArraySize != defaults.maxArraySize {
      words += ["--max-array-size", String(options.maxArraySize)]
    }
    if let script { words += ["--script", script] }
    if options.retryCrashed { words.append("--retry-crashed") }
    return words.map { .value($0) }
  }
}
