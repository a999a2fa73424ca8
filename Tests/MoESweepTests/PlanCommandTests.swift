import Foundation
import MoEConfig
import MoESweep
import MoETestSupport
import Testing

/// `stmoe-sweep plan` and `schema` as a user meets them: the built binary run as a process.
///
/// The binary sits next to the test bundle (the `CLITests` target makes SwiftPM build it).
@Suite struct PlanCommandTests {
  static let example = SweepFixtures.repositoryRoot.appendingPathComponent("sweeps/example.json")

  func stmoeSweep(_ arguments: [String]) throws -> CommandRunner.Outcome {
    try #require(
      FileManager.default.isExecutableFile(atPath: CommandRunner.stmoeSweep.path),
      "no stmoe-sweep next to the tests at \(CommandRunner.stmoeSweep.path); run `swift build` first"
    )
    return try CommandRunner.run(arguments)
  }

  /// A header, one row per run in expansion order, then the count.
  @Test func planPrintsEveryRunThenTheCount() throws {
    let outcome = try stmoeSweep(["plan", Self.example.path])
    #expect(outcome.status == 0, "\(outcome.stderr)")
    #expect(outcome.stderr.isEmpty)
    let lines = outcome.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    let plan = try SweepPlan(contentsOfFile: Self.example.path)
    #expect(lines.count == 1 + 24 + 1 + 1)  // header, runs, count, final newline
    #expect(lines.first == "index  id                seed  point")
    #expect(
      lines[1]
        == "    0  \(plan.runs[0].id)     0  Baseline, routerZLossCoefficient=0, learningRate=0.003, warmupSteps=50"
    )
    #expect(
      lines[24]
        == "   23  \(plan.runs[23].id)     2  ReLU experts, routerZLossCoefficient=0.001, learningRate=0.01, warmupSteps=100"
    )
    for run in plan.runs {
      // Columns are separated by two or more spaces; the label comes last, spaces and all.
      let columns = lines[run.index + 1].split(separator: " ", maxSplits: 3)
      let label = columns.last.map { String($0.drop { $0 == " " }) }
      #expect(columns.dropLast().map(String.init) == [String(run.index), run.id, String(run.seed)])
      #expect(label == run.label)
    }
    #expect(lines[25] == "8 points × 3 seeds = 24 runs")
  }

  @Test func planJSONHoldsPointsRunsAndCounts() throws {
    let outcome = try stmoeSweep(["plan", "--json", Self.example.path])
    #expect(outcome.status == 0, "\(outcome.stderr)")
    let document = try JSONValue(parsing: outcome.stdout)
    let plan = try SweepPlan(contentsOfFile: Self.example.path)
    #expect(try document.value(at: "name") == "example")
    #expect(try document.value(at: "baseline") == "Baseline")
    #expect(try document.value(at: "pointCount") == 8)
    #expect(try document.value(at: "seedCount") == 3)
    #expect(try document.value(at: "runCount") == 24)
    #expect(
      try document.value(at: "runs[13]") == [
        "index": 13, "id": .string(plan.runs[13].id), "pointIndex": 4, "seed": 1,
        "point": "ReLU experts, routerZLossCoefficient=0, learningRate=0.003, warmupSteps=50",
      ])
    #expect(try document.value(at: "points[4].variant") == "ReLU experts")
    #expect(
      try document.value(at: "points[4].axisValues") == [
        "model.routerZLossCoefficient": 0, "schedule.learningRate": 0.003,
        "schedule.warmupSteps": 50,
      ])
    #expect(
      try document.value(at: "points[4].baseline")
        == "Baseline, routerZLossCoefficient=0, learningRate=0.003, warmupSteps=50")
  }

  /// An invalid file: a non-zero exit, the error alone on stderr, nothing on stdout.
  @Test func anInvalidFileGivesItsErrorAndNothingElse() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "stmoe-plan-\(UUID()).json")
    try
      #"{"name": "x", "seeds": [0], "axes": [{"key": "model.routerZLoss", "values": [0, 0.001]}]}"#
      .write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let outcome = try stmoeSweep(["plan", file.path])
    #expect(outcome.status != 0)
    #expect(outcome.stdout.isEmpty)
    #expect(
      outcome.stderr
        == "\(file.path): axes[0].key: unknown key path \"model.routerZLoss\" (did you mean \"model.routerZLossCoefficient\"?)\n"
    )
    let missing = try stmoeSweep(["plan", "/nonexistent/sweep.json"])
    #expect(missing.status != 0 && missing.stdout.isEmpty)
    #expect(missing.stderr.hasPrefix("/nonexistent/sweep.json: cannot read the file"))
  }

  @Test func schemaPrintsTheCommittedSchema() throws {
    let outcome = try stmoeSweep(["schema"])
    #expect(outcome.status == 0)
    #expect(outcome.stdout == SweepSchema.text)
  }
}
