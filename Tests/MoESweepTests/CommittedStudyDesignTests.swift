import Foundation
import MoEConfig
import MoESweep
import Testing

/// The committed study sweeps meet the design the regime protocol requires (results/README.md,
/// "The next regime", step 6, and the regime issue's bar): at least 24 runs per arm (8 per
/// learning rate in the sensitivity study), fresh seeds for every arm and study, and no run
/// shared with the pilot grids or the old calibration.
@Suite struct CommittedStudyDesignTests {
  static let sweeps = SweepFixtures.repositoryRoot.appendingPathComponent("sweeps")

  static func plan(_ name: String) throws -> SweepPlan {
    try SweepPlan(contentsOfFile: sweeps.appendingPathComponent("\(name).json").path)
  }

  static var studyPlans: [SweepPlan] {
    get throws { try StudyCatalog.studies.map { try plan($0.name) } }
  }

  @Test func everyArmHasEnoughRuns() throws {
    for plan in try Self.studyPlans {
      let minimum = plan.points.count > (plan.definition.variants.count) ? 8 : 24
      for point in plan.points {
        let runs = plan.runs.filter { $0.pointIndex == point.index }.count
        #expect(runs >= minimum, "\(plan.name) \(point.label): \(runs) runs")
      }
    }
  }

  /// Seeds are fresh per arm: no seed is used by two variants of a study or by two studies
  /// (the sensitivity study's rates share their variant's seeds, as its pairing needs).
  @Test func noTwoArmsOrStudiesShareASeed() throws {
    var owner: [Int: String] = [:]
    for plan in try Self.studyPlans {
      #expect(plan.seedsPerVariant, "\(plan.name) gives every arm its own seeds")
      for run in plan.runs {
        let arm = "\(plan.name)/\(plan.points[run.pointIndex].variantLabel ?? "")"
        if let other = owner[run.seed] {
          #expect(other == arm, "seed \(run.seed) in \(other) and \(arm)")
        }
        owner[run.seed] = arm
      }
    }
  }

  /// No study run is a pilot-grid or calibration run (run ids hash the whole resolved config,
  /// seed included).
  @Test func noStudyRunIsACalibrationRun() throws {
    let calibration = try ["pilot", "pilot-init", "pilot-dense-moe", "calibrate"]
      .flatMap { try Self.plan($0).runs.map(\.id) }
    #expect(calibration.count == 96 + 64 + 96 + 84)
    let studyIDs = try Self.studyPlans.flatMap { $0.runs.map(\.id) }
    #expect(Set(studyIDs).count == studyIDs.count)
    #expect(Set(studyIDs).isDisjoint(with: calibration))
  }
}
