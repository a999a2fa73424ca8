import Foundation
import MoESweep
import MoETraining
import Testing

/// The text of the Slurm job scripts: index lists, which runs they hold, array splitting,
/// paths and the summarize job. Nothing here runs Slurm or trains.
@Suite("Slurm job scripts")
struct SlurmJobScriptsTests {
  /// 2 points × `seeds` seeds of a small model (never trained here).
  static func sweep(seeds: Int, points: Int = 2) -> String {
    let variants = (0..<points).map {
      #"{"label": "V\#($0)", "set": {"model.initScale": 0.0\#($0 + 1)}}"#
    }
    return """
      {"name": "slurm-unit", "base": {"steps": 10, "model": {"vocabSize": 16, "sequenceLength": 8,
        "batchSize": 4, "channels": 16, "headCount": 2, "layerCount": 1, "ffnHidden": 16, "expertCount": 4}},
       "variants": [\(variants.joined(separator: ", "))],
       "seeds": {"count": \(seeds)}, "baseline": "V0"}
      """
  }

  /// A result to mark runs finished (a crash record: the only kind made without training).
  static let crashRecord = RunResult.crashed(
    configHash: "0", seed: 0, report: CrashReport(exitCode: 1, signal: nil, stderrTail: ""),
    wallSeconds: 0,
    start: Date(timeIntervalSince1970: 0))

  /// A results directory in which the runs with `finished` indices have a result (`crashed`
  /// ones a crash record, the others a completed one).
  func results(_ plan: SweepPlan, finished: [Int], crashed: [Int] = []) throws -> SweepResults {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "stmoe-slurm-unit-\(UUID())")
    let results = SweepResults(directory)
    for index in finished + crashed {
      var result = Self.crashRecord
      result.configHash = plan.runs[index].id
      if !crashed.contains(index) {
        result.status = .completed
        result.crash = nil
      }
      let run = results.runDirectory(id: plan.runs[index].id)
      try FileManager.default.createDirectory(at: run.url, withIntermediateDirectories: true)
      try run.writeResult(result)
    }
    return results
  }

  func scripts(
    _ plan: SweepPlan, _ results: SweepResults, options: SlurmJobScripts.Options = .init(),
    script: URL? = nil
  ) -> SlurmJobScripts {
    SlurmJobScripts(
      plan: plan, sweepFile: "/data/sweeps/unit.json", sweepFileContents: Data("{}".utf8),
      results: results,
      executable: "/opt/stmoe/bin/stmoe-sweep",
      scriptURL: script ?? SlurmJobScripts.defaultScriptURL(results: results), options: options)
  }

  func sbatchLines(_ text: String) -> [String] {
    text.split(separator: "\n").filter { $0.hasPrefix("#SBATCH ") }.map { String($0.dropFirst(8)) }
  }

  // MARK: Index lists

  @Test func indexListsAreCompressedToRanges() {
    #expect(SlurmJobScripts.compressedIndexList([0, 1, 2, 3, 7, 9, 10, 11]) == "0-3,7,9-11")
    #expect(SlurmJobScripts.compressedIndexList([]) == "")
    #expect(SlurmJobScripts.compressedIndexList([5]) == "5")
    #expect(SlurmJobScripts.compressedIndexList([0, 2]) == "0,2")
    #expect(SlurmJobScripts.compressedIndexList([4, 5]) == "4-5")
    #expect(SlurmJobScripts.compressedIndexList([11, 3, 2, 2, 1]) == "1-3,11")
  }

  @Test func indexListsReadBack() {
    #expect(SlurmJobScripts.indices(inList: "0-3,7,9-11%4") == [0, 1, 2, 3, 7, 9, 10, 11])
    #expect(SlurmJobScripts.indices(inList: "") == [])
    #expect(SlurmJobScripts.indices(inList: "6") == [6])
    for bad in ["3-1", "a", "1,,2", "-1", "1-2-3"] {
      #expect(SlurmJobScripts.indices(inList: bad) == nil, "\(bad)")
    }
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<50 {
      let set = (0..<40).filter { _ in Bool.random(using: &generator) }
      #expect(SlurmJobScripts.indices(inList: SlurmJobScripts.compressedIndexList(set)) == set)
    }
  }

  // MARK: Which runs

  @Test func finishedRunsAreLeftOut() throws {
    let plan = try SweepFixtures.plan(Self.sweep(seeds: 6))  // 12 runs
    let results = try results(plan, finished: [4, 5, 6, 8])
    defer { try? FileManager.default.removeItem(at: results.directory) }
    let jobs = scripts(plan, results)
    #expect(jobs.pending.map(\.index) == [0, 1, 2, 3, 7, 9, 10, 11])
    #expect(jobs.arrays.count == 1)
    #expect(jobs.arrays[0].arraySpec == "0-3,7,9-11")
    #expect(sbatchLines(jobs.arrays[0].text).contains("--array=0-3,7,9-11"))
    #expect(jobs.arrays[0].text.contains(#"--index "$task""#))
  }

  @Test func crashedRunsAreFinishedUnlessRetried() throws {
    let plan = try SweepFixtures.plan(Self.sweep(seeds: 2))  // 4 runs
    let results = try results(plan, finished: [0], crashed: [2])
    defer { try? FileManager.default.removeItem(at: results.directory) }
    let plain = scripts(plan, results)
    #expect(plain.arrays.map(\.arraySpec) == ["1,3"])
    #expect(!plain.arrays[0].text.contains("--retry-crashed"))
    var options = SlurmJobScripts.Options()
    options.retryCrashed = true
    let retry = scripts(plan, results, options: options)
    #expect(retry.arrays.map(\.arraySpec) == ["1-3"])
    #expect(retry.arrays[0].text.contains("--jobs 1 --retry-crashed"))
  }

  @Test func nothingLeftMeansNoScripts() throws {
    let plan = try SweepFixtures.plan(Self.sweep(seeds: 1))
    let results = try results(plan, finished: [0, 1])
    defer { try? FileManager.default.removeItem(at: results.directory) }
    let jobs = scripts(plan, results)
    #expect(
      jobs.pending.isEmpty && jobs.arrays.isEmpty && jobs.summarize == nil
        && jobs.submitCommands.isEmpty)
    #expect(try jobs.write().isEmpty)
    #expect(
      !FileManager.default.fileExists(
        atPath: results.directory.appendingPathComponent("slurm").path))
  }

  // MARK: Array size

  /// Task ids must stay below MaxArraySize: blocks of run indices, each an array with an offset.
  @Test func largeSweepsAreSplitIntoArraysWithOffsets() throws {
    let plan = try SweepFixtures.plan(Self.sweep(seeds: 5))  // 10 runs
    let results = try results(plan, finished: [1, 5])
    defer { try? FileManager.default.removeItem(at: results.directory) }
    var options = SlurmJobScripts.Options()
    options.maxArraySize = 4
    let jobs = scripts(plan, results, options: options)
    #expect(jobs.arrays.map(\.offset) == [0, 4, 8])
    #expect(jobs.arrays.map(\.runIndices) == [[0, 2, 3], [4, 6, 7], [8, 9]])
    #expect(jobs.arrays.map(\.arraySpec) == ["0,2-3", "0,2-3", "0-1"])
    #expect(jobs.arrays.allSatisfy { $0.taskIDs.allSatisfy { (0..<4).contains($0) } })
    #expect(
      jobs.arrays.map(\.scriptURL.lastPathComponent) == [
        "array-1.sbatch", "array-2.sbatch", "array-3.sbatch",
      ])
    #expect(jobs.arrays[1].text.contains(#"--index "$((4 + task))""#))
    #expect(jobs.arrays[2].text.contains(#"--index "$((8 + task))""#))
    let slurm = results.directory.appendingPathComponent("slurm").path
    // No throttle: every array at once, the summary after all of them.
    #expect(
      jobs.submitCommands == [
        "jid1=$(sbatch --parsable \(slurm)/array-1.sbatch)",
        "jid2=$(sbatch --parsable \(slurm)/array-2.sbatch)",
        "jid3=$(sbatch --parsable \(slurm)/array-3.sbatch)",
        "sbatch --dependency=afterany:$jid1:$jid2:$jid3 \(slurm)/array-summarize.sbatch",
      ])
    // A throttle: each array after the previous one, so at most K tasks of the sweep at once.
    options.parallel = 2
    let throttled = scripts(plan, results, options: options)
    #expect(throttled.arrays.map(\.arraySpec) == ["0,2-3%2", "0,2-3%2", "0-1%2"])
    #expect(
      throttled.submitCommands[1]
        == "jid2=$(sbatch --parsable --dependency=afterany:$jid1 \(slurm)/array-2.sbatch)")
    #expect(
      throttled.submitCommands[3]
        == "sbatch --dependency=afterany:$jid1:$jid2:$jid3 \(slurm)/array-summarize.sbatch")
  }

  @Test func blocksWithoutPendingRunsGetNoArray() throws {
    let plan = try SweepFixtures.plan(Self.sweep(seeds: 5))  // 10 runs
    let results = try results(plan, finished: [0, 1, 2, 3, 4, 5, 6, 7])
    defer { try? FileManager.default.removeItem(at: results.directory) }
    var options = SlurmJobScripts.Options()
    options.maxArraySize = 4
    let jobs = scripts(plan, results, options: options)
    #expect(jobs.arrays.count == 1)
    #expect(jobs.arrays[0].offset == 8 && jobs.arrays[0].arraySpec == "0-1")
    #expect(jobs.arrays[0].scriptURL.lastPathComponent == "array.sbatch")
    // Exactly maxArraySize runs fit in one array with the default size.
    let small = scripts(plan, try self.results(plan, finished: []))
    #expect(small.arrays.map(\.arraySpec) == ["0-9"] && small.arrays[0].offset == 0)
  }

  // MARK: Text

  @Test func theArrayScriptUsesAbsolutePathsOneCPUAndPerTaskLogs() throws {
    let plan = try SweepFixtures.plan(Self.sweep(seeds: 2))
    let results = SweepResults(URL(fileURLWithPath: "relative/out"))
    let cwd = FileManager.default.currentDirectoryPath
    let jobs = SlurmJobScripts(
      plan: plan, sweepFile: "sweeps/unit.json", sweepFileContents: Data("{}\n".utf8),
      results: results,
      executable: "bin/../bin/stmoe-sweep", scriptURL: URL(fileURLWithPath: "jobs/a.sbatch"),
      options: .init())
    let text = try #require(jobs.arrays.first?.text)
    let out = "\(cwd)/relative/out"
    #expect(text.hasPrefix("#!/bin/bash\n"))
    #expect(
      sbatchLines(text) == [
        "--job-name=stmoe-slurm-unit", "--array=0-3", "--ntasks=1", "--cpus-per-task=1",
        "--output=\(out)/slurm/logs/%A_%a.out", "--error=\(out)/slurm/logs/%A_%a.err",
      ])
    #expect(text.contains("\nexport OPENBLAS_NUM_THREADS=1\n"))
    #expect(text.contains("\nsweep=\(cwd)/sweeps/unit.json\n"))
    #expect(
      text.contains(
        #"\#nexec \#(cwd)/bin/stmoe-sweep run "$sweep" --out \#(out) --index "$task" --jobs 1\#n"#))
    #expect(text.contains("!= '\(SlurmJobScripts.posixChecksum(Data("{}\n".utf8)))' ]"))
    #expect(jobs.arrays[0].scriptURL.path == "\(cwd)/jobs/a.sbatch")
    #expect(jobs.summarize?.url.path == "\(cwd)/jobs/a-summarize.sbatch")
    #expect(jobs.logDirectory.path == "\(out)/slurm/logs")
    // Every #SBATCH line comes before the first command (sbatch stops reading them there).
    let lines = text.split(separator: "\n")
    let lastDirective = try #require(lines.lastIndex { $0.hasPrefix("#SBATCH") })
    #expect(lines[..<lastDirective].allSatisfy { $0.hasPrefix("#") })
  }

  @Test func optionsBecomeDirectivesOfBothJobs() throws {
    let plan = try SweepFixtures.plan(Self.sweep(seeds: 1))
    let results = try results(plan, finished: [])
    var options = SlurmJobScripts.Options()
    options.parallel = 3
    options.partition = "cpu"
    options.time = "01:30:00"
    options.cpusPerTask = 2
    options.memory = "2G"
    let jobs = scripts(plan, results, options: options)
    let array = sbatchLines(jobs.arrays[0].text)
    #expect(array.contains("--array=0-1%3"))
    for line in ["--partition=cpu", "--time=01:30:00", "--mem=2G", "--cpus-per-task=2"] {
      #expect(array.contains(line), "\(line)")
    }
    let summarize = sbatchLines(try #require(jobs.summarize).text)
    for line in [
      "--partition=cpu", "--time=01:30:00", "--mem=2G", "--cpus-per-task=1", "--ntasks=1",
    ] {
      #expect(summarize.contains(line), "\(line)")
    }
  }

  @Test func theSummarizeJobRunsAfterTheArray() throws {
    let plan = try SweepFixtures.plan(Self.sweep(seeds: 2))
    let results = try results(plan, finished: [2])
    defer { try? FileManager.default.removeItem(at: results.directory) }
    let jobs = scripts(plan, results)
    let dir = results.directory.path
    #expect(
      jobs.submitCommands == [
        "jid=$(sbatch --parsable \(dir)/slurm/array.sbatch)",
        "sbatch --dependency=afterany:$jid \(dir)/slurm/array-summarize.sbatch",
      ])
    let summarize = try #require(jobs.summarize)
    #expect(summarize.url.path == "\(dir)/slurm/array-summarize.sbatch")
    #expect(summarize.text.hasSuffix("\nexec /opt/stmoe/bin/stmoe-sweep summarize \(dir)\n"))
    #expect(
      sbatchLines(summarize.text) == [
        "--job-name=stmoe-slurm-unit-summarize", "--ntasks=1", "--cpus-per-task=1",
        "--output=\(dir)/slurm/logs/summarize_%j.out", "--error=\(dir)/slurm/logs/summarize_%j.err",
      ])
    // Both scripts show the recipe.
    for text in [jobs.arrays[0].text, summarize.text] {
      #expect(text.contains("#   jid=$(sbatch --parsable \(dir)/slurm/array.sbatch)\n"))
      #expect(
        text.contains("#   sbatch --dependency=afterany:$jid \(dir)/slurm/array-summarize.sbatch\n")
      )
    }
    // Writing creates the log directory (Slurm does not) and executable scripts.
    let written = try jobs.write()
    #expect(written.map(\.lastPathComponent) == ["array.sbatch", "array-summarize.sbatch"])
    #expect(FileManager.default.fileExists(atPath: jobs.logDirectory.path))
    let mode =
      try FileManager.default.attributesOfItem(atPath: written[0].path)[.posixPermissions] as? Int
    #expect(mode == 0o755)
    #expect(try String(contentsOf: written[0], encoding: .utf8) == jobs.arrays[0].text)
  }

  @Test func pathsWithSpacesAndQuotesAreQuoted() throws {
    let plan = try SweepFixtures.plan(Self.sweep(seeds: 1))
    let results = SweepResults(URL(fileURLWithPath: "/tmp/it's a \"dir\""))
    let jobs = scripts(plan, results)
    let text = jobs.arrays[0].text
    #expect(sbatchLines(text).contains(#"--output="/tmp/it's a \"dir\"/slurm/logs/%A_%a.out""#))
    #expect(text.contains(#"--out '/tmp/it'\''s a "dir"' --index"#))
    #expect(
      jobs.submitCommands[0]
        == #"jid=$(sbatch --parsable '/tmp/it'\''s a "dir"/slurm/array.sbatch')"#)
    #expect(Shell.quoted("") == "''")
    #expect(Shell.quoted("/a/b-c_d.json") == "/a/b-c_d.json")
    #expect(Shell.quoted("$HOME") == "'$HOME'")
  }

  // MARK: Checksum

  /// The tasks compare the sweep file's `cksum` with the one computed here.
  @Test func checksumAgreesWithCksum() throws {
    var bytes = Data("{\"name\": \"x\"}\n".utf8)
    bytes.append(contentsOf: (0..<700).map { UInt8($0 % 251) })
    for data in [Data(), Data("a".utf8), bytes] {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = ["cksum"]
      let input = Pipe()
      let output = Pipe()
      process.standardInput = input
      process.standardOutput = output
      try process.run()
      input.fileHandleForWriting.write(data)
      try input.fileHandleForWriting.close()
      let printed = String(
        decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      #expect(
        printed.trimmingCharacters(in: .whitespacesAndNewlines)
          == SlurmJobScripts.posixChecksum(data))
    }
    #expect(SlurmJobScripts.posixChecksum(Data()) == "4294967295 0")
  }
}
