import ArgumentParser
import Foundation
import MoESweep
import MoETestSupport
import MoETraining
import Testing

@testable import stmoe_sweep

/// Every command line the library builds (``Invocation``), parsed by the executable's own
/// parser and read back from the parsed command: the library and the command line cannot drift
/// apart without these tests failing.
@Suite("Invocations parse back to themselves")
struct InvocationRoundTripTests {
  static let awkwardPath = "/tmp/it's a \"dir\" --out/x"

  func parsed<Command: ParsableCommand>(_ arguments: [String], as _: Command.Type) throws -> Command
  {
    try #require(try StmoeSweep.parseAsRoot(arguments) as? Command, "\(arguments)")
  }

  /// The argument list a shell passes to the executable when it runs `line` (after `setup`).
  func argumentsAfterTheShell(_ line: String, setup: String = "") throws -> [String] {
    let script = setup + "\nprintf '%s\\0' " + line
    let outcome = try CommandRunner.run(
      ["-c", script], executable: URL(fileURLWithPath: "/bin/bash"))
    #expect(outcome.status == 0, "\(outcome.stderr)")
    return Array(
      outcome.stdout.split(separator: "\0", omittingEmptySubsequences: false).dropLast().dropFirst()
    )
    .map(String.init)
  }

  @Test(arguments: ["/tmp/results/runs/0123456789abcdef", awkwardPath])
  func theWorkerOfARun(directory: String) throws {
    let worker = TrainInvocation.worker(for: RunDirectory(URL(fileURLWithPath: directory)))
    #expect(try parsed(worker.arguments, as: TrainCommand.self).invocation == worker)
    let viaShell = try argumentsAfterTheShell(worker.shellCommand(executable: "stmoe-sweep"))
    #expect(try parsed(viaShell, as: TrainCommand.self).invocation == worker)
  }

  @Test func trainWithAPresetAndOverrides() throws {
    let train = TrainInvocation(
      config: "small", threads: 2, overrides: ["model.expertCount=16", "optimizer.kind=adamw"])
    #expect(try parsed(train.arguments, as: TrainCommand.self).invocation == train)
  }

  @Test(arguments: [
    RunInvocation(sweepFile: .value("sweeps/zloss.json")),
    RunInvocation(
      sweepFile: .value(awkwardPath), out: awkwardPath, selection: .index(.value(7)), jobs: 1),
    RunInvocation(
      sweepFile: .value("s.json"), selection: .shard(2, of: 5), jobs: 3, retryCrashed: true),
  ])
  func run(invocation: RunInvocation) throws {
    var expected = invocation
    // Without --jobs the command takes one worker per core.
    expected.jobs = invocation.jobs ?? ProcessInfo.processInfo.activeProcessorCount
    #expect(try parsed(invocation.arguments, as: RunCommand.self).invocation == expected)
  }

  @Test func summarize() throws {
    let summarize = SummarizeInvocation(directory: Self.awkwardPath)
    #expect(
      try parsed(summarize.arguments, as: SummarizeCommand.self).directory == summarize.directory)
  }

  @Test func slurmWithEveryOption() throws {
    var options = SlurmJobScripts.Options()
    options.parallel = 4
    options.partition = "cpu"
    options.time = "01:30:00"
    options.cpusPerTask = 2
    options.memory = "2G"
    options.maxArraySize = 100
    options.retryCrashed = true
    for slurm in [
      SlurmInvocation(sweepFile: "s.json"),
      SlurmInvocation(
        sweepFile: Self.awkwardPath, out: "out", options: options, script: "jobs/a.sbatch"),
    ] {
      #expect(try parsed(slurm.arguments, as: SlurmCommand.self).invocation == slurm)
    }
  }

  /// The commands inside Slurm job scripts, as bash runs them: the task's `$sweep` and
  /// `offset + $task`, the summarize job, and the command a task prints to write the scripts
  /// again.
  @Test func theCommandsOfSlurmJobScripts() throws {
    let sweep = """
      {"name": "round-trip", "base": {"steps": 1}, "variants": [{"label": "A"}, {"label": "B",
       "set": {"model.initScale": 0.5}}], "seeds": {"count": 3}}
      """
    let plan = try SweepPlan(SweepDefinition.load(from: Data(sweep.utf8), file: "sweep.json"))
    var options = SlurmJobScripts.Options()
    options.maxArraySize = 4
    options.parallel = 2
    let results = SweepResults(URL(fileURLWithPath: Self.awkwardPath))
    let jobs = SlurmJobScripts(
      plan: plan, sweepFile: Self.awkwardPath + ".json", sweepFileContents: Data(sweep.utf8),
      results: results, executable: "/opt/bin/stmoe-sweep",
      scriptURL: URL(fileURLWithPath: "/tmp/jobs/array.sbatch"), options: options)
    #expect(jobs.arrays.map(\.offset) == [0, 4])
    for array in jobs.arrays {
      for taskID in array.taskIDs {
        let line = array.task.shellCommand(executable: jobs.executable)
        let setup = "task=\(taskID)\nsweep=\(Shell.quoted(Self.awkwardPath + ".json"))"
        var expected = array.task
        expected.sweepFile = .value(Self.awkwardPath + ".json")
        expected.selection = .index(.value(array.offset + taskID))
        let command = try parsed(
          try argumentsAfterTheShell(line, setup: setup), as: RunCommand.self)
        #expect(command.invocation == expected)
        #expect(array.text.contains("\nexec \(line)\n"))
      }
    }
    let summarize = try argumentsAfterTheShell(jobs.summarizeCommand.shellCommand(executable: "x"))
    #expect(try parsed(summarize, as: SummarizeCommand.self).directory == Self.awkwardPath)
    let regenerate = try argumentsAfterTheShell(jobs.regenerate.shellCommand(executable: "x"))
    #expect(try parsed(regenerate, as: SlurmCommand.self).invocation == jobs.regenerate)
  }
}
