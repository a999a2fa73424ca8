import ArgumentParser
import Foundation
import MoEConfig
import MoESweep

/// `stmoe-sweep eligibility DIR`: the pre-registered eligibility rule on a pilot sweep.
struct EligibilityCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eligibility",
    abstract: "Judge a pilot sweep's points by the regime eligibility rule (E1-E4).",
    discussion: """
      Reads a pilot results directory (a grid of learning rate x a router knob, several seeds \
      a point) and writes eligibility.csv and eligibility.md into it: per point, each \
      criterion's measured value and verdict (E1 quality within 0.3 nats of the floor, E2 \
      divergences late and after learning, E3 router z-loss above step-matched completed runs \
      with bounded attention and non-zero roundoff flips, E4 divergence rate in [0.2, 0.7]), \
      and the selected point: the smallest router knob value with an eligible point, then the \
      divergence rate closest to 0.42.

      With --confirms PILOT, DIRECTORY is instead the confirmation sweep of the point that \
      pilot selected (one point, fresh seeds) and confirmation.md is written into it: accepted \
      when 1/3 to 1/2 of its runs diverge, E1-E3 hold on them, and the pilot's divergence \
      rates at the learning rates next to the selected one are non-decreasing without a cliff \
      (a step from <= 0.1 to >= 0.9).
      """)

  @Argument(help: "A pilot sweep results directory (results/<sweep name>).") var directory: String

  @Option(
    name: .customLong("router-key"),
    help: """
      The axis key of the router knob (default: the first axis among \
      optimizer.routerLearningRateMultiplier, model.routerInitScale, \
      model.routerZLossCoefficient, else the first axis other than the learning rate).
      """)
  var routerKey: String?

  @Option(
    name: .customLong("confirms"),
    help: "The pilot results directory whose selected point DIRECTORY confirms.")
  var pilotDirectory: String?

  func run() throws {
    let results = SweepResults(URL(fileURLWithPath: directory))
    do {
      if let pilotDirectory {
        let confirmation = try results.writeConfirmation(
          pilot: SweepResults(URL(fileURLWithPath: pilotDirectory)), routerKey: routerKey)
        print(confirmation.markdown, terminator: "")
        print("wrote \(directory)/confirmation.md")
        return
      }
      let eligibility = try results.writeEligibility(routerKey: routerKey)
      print(eligibility.markdown, terminator: "")
      print("wrote \(directory)/{eligibility.csv,eligibility.md}")
    } catch let error as ConfigError {
      throw ValidationError(error.description)
    }
  }
}
