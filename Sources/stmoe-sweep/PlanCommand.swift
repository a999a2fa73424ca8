import ArgumentParser
import Foundation
import MoEConfig
import MoESweep

/// `stmoe-sweep plan FILE`: the runs a sweep file expands to, without running anything.
struct PlanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "List the runs a sweep file expands to (index, id, seed, point) without running any.",
    discussion: """
      Order: variants as in the file, then axis points (first axis slowest, a zip counting as \
      one axis), then seeds; a run's index is its position, as used by array jobs. The id is \
      the hash of the run's resolved config (seed included). Every run's config is checked: an \
      invalid file exits non-zero with one message naming the file and key path.
      """)

  @Argument(help: "Sweep file (JSON).") var file: String
  @Flag(help: "Print the plan as JSON (name, baseline, points, runs, counts).") var json = false

  func run() throws {
    let plan: SweepPlan
    do throws(ConfigError) {
      plan = try SweepPlan(contentsOfFile: file)
    } catch {
      FileHandle.standardError.write(Data((error.description + "\n").utf8))
      throw ExitCode.validationFailure
    }
    print(json ? Self.jsonText(plan) : Self.table(plan))
  }

  /// One row per run, then `P points × S seeds = R runs`.
  static func table(_ plan: SweepPlan) -> String {
    let indexWidth = max(5, String(plan.runs.count - 1).count)
    let seedWidth = max(4, plan.runs.map { String($0.seed).count }.max() ?? 0)
    func padded(_ text: String, _ width: Int) -> String {
      String(repeating: " ", count: max(0, width - text.count)) + text
    }
    var lines = [
      "\(padded("index", indexWidth))  \("id".padding(toLength: 16, withPad: " ", startingAt: 0))"
        + "  \(padded("seed", seedWidth))  point"
    ]
    for run in plan.runs {
      lines.append(
        "\(padded(String(run.index), indexWidth))  \(run.id)  \(padded(String(run.seed), seedWidth))"
          + "  \(run.label)")
    }
    lines.append(countLine(plan))
    return lines.joined(separator: "\n")
  }

  /// `8 points × 3 seeds = 24 runs`.
  static func countLine(_ plan: SweepPlan) -> String {
    func counted(_ count: Int, _ noun: String) -> String {
      "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
    return "\(counted(plan.points.count, "point")) × \(counted(plan.seeds.count, "seed")) = "
      + counted(plan.runs.count, "run")
  }

  static func jsonText(_ plan: SweepPlan) -> String {
    let points: [JSONValue] = plan.points.map { point in
      [
        "index": .integer(point.index), "label": .string(point.label),
        "variant": point.variantLabel.map(JSONValue.string) ?? .null,
        "axisValues": .object(
          Dictionary(uniqueKeysWithValues: point.axisValues.map { ($0.keyPath, $0.value) })),
        "baseline": .string(plan.baselinePoint(for: point).label),
      ]
    }
    let runs: [JSONValue] = plan.runs.map { run in
      [
        "index": .integer(run.index), "id": .string(run.id), "pointIndex": .integer(run.pointIndex),
        "point": .string(run.label), "seed": .integer(run.seed),
      ]
    }
    let document: JSONValue = [
      "name": .string(plan.name), "description": .string(plan.description),
      "baseline": .string(plan.baselineLabel), "pointCount": .integer(plan.points.count),
      "seedCount": .integer(plan.seeds.count), "runCount": .integer(plan.runs.count),
      "points": .array(points), "runs": .array(runs),
    ]
    return document.prettyText
  }
}

/// `stmoe-sweep schema`: the JSON Schema of sweep files, generated from the code.
struct SchemaCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "schema",
    abstract: "Print the JSON Schema (draft 2020-12) of sweep files.",
    discussion: "Regenerate the committed copy with: stmoe-sweep schema > sweeps/sweep.schema.json")

  func run() {
    print(SweepSchema.text, terminator: "")
  }
}
