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

  /// The pilot grids of the regime protocols 1-3 (protocol 4 chose from them without a grid)
  /// and the old calibration.
  static let calibrationSweeps = [
    "pilot", "pilot-init", "pilot-dense-moe", "pilot-multiplier", "pilot-multiplier-fine",
    "calibrate",
  ]

  /// No study run is a pilot-grid or calibration run (run ids hash the whole
  /// resolved config, seed included), and no study seed is one of theirs either.
  @Test func noStudyRunIsACalibrationRun() throws {
    let calibration = try Self.calibrationSweeps.map(Self.plan)
    let runCounts: [Int] = calibration.map(\.runs.count)
    #expect(runCounts == [96, 64, 96, 96, 96, 84])
    let calibrationIDs = Set(calibration.flatMap { $0.runs.map(\.id) })
    let calibrationSeeds = Set(calibration.flatMap { $0.runs.map(\.seed) })
    let studyRuns = try Self.studyPlans.flatMap(\.runs)
    #expect(Set(studyRuns.map(\.id)).count == studyRuns.count)
    #expect(Set(studyRuns.map(\.id)).isDisjoint(with: calibrationIDs))
    #expect(Set(studyRuns.map(\.seed)).isDisjoint(with: calibrationSeeds))
  }
}
