import Foundation
import MoEConfig
import MoESweep
import Testing

/// Sweep files written inline, and the error text they produce.
enum SweepFixtures {
  /// The plan of `json`, read as if from `sweep.json`.
  static func plan(_ json: String) throws -> SweepPlan {
    try SweepPlan(SweepDefinition.load(from: Data(json.utf8), file: "sweep.json"))
  }

  /// The full error text (`sweep.json: key.path: message (suggestion)`), or a note that the
  /// file was accepted.
  static func refusal(_ json: String) -> String {
    do {
      let plan = try plan(json)
      return "accepted: \(plan.runs.count) runs"
    } catch {
      return "\(error)"
    }
  }

  /// The repository's root, found from this file's path.
  static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
}
