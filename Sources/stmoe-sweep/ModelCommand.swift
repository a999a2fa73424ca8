import ArgumentParser
import Foundation
import MoEConfig
import MoEModel
import MoETraining

/// `stmoe-sweep model`: the resolved model, its parameters and its FLOPs.
struct ModelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "model",
    abstract: "Print a model's resolved configuration, parameter counts and FLOPs.")

  @OptionGroup var source: ConfigSource

  func run() throws {
    let run = try source.runConfig()
    let config = run.model
    let layout = ParameterLayout(config)
    let cost = ModelCost(config)
    print("# Resolved run configuration (every key, with its value or default)")
    print(prettyJSON(run), terminator: "")
    print("\n# Parameters")
    let nameWidth = layout.slices.map(\.name.count).max() ?? 0
    for slice in layout.nonEmptySlices {
      let shape =
        slice.stack == 1
        ? "\(slice.rows) × \(slice.columns)" : "\(slice.stack) × \(slice.rows) × \(slice.columns)"
      print(
        slice.name.padding(toLength: nameWidth + 2, withPad: " ", startingAt: 0)
          + shape.padding(toLength: 20, withPad: " ", startingAt: 0) + grouped(slice.count))
    }
    print("total parameters                  \(grouped(cost.totalParameters))")
    print("active parameters per token       \(grouped(cost.activeParametersPerToken))")
    print("active matmul parameters / token  \(grouped(cost.activeMatmulParametersPerToken))")
    print("\n# FLOPs (matmuls only; training = 3 × forward)")
    print("forward FLOPs per token           \(grouped(cost.forwardFlopsPerToken))")
    print("training FLOPs per token          \(grouped(cost.trainingFlopsPerToken))")
    print(
      "training FLOPs per step (\(config.tokensPerStep) tokens) \(grouped(cost.trainingFlopsPerStep))"
    )
  }
}

/// `12345678` → `12,345,678`.
func grouped(_ value: Int) -> String {
  let digits = String(value.magnitude)
  var out = ""
  for (index, character) in digits.enumerated() {
    if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
    out.append(character)
  }
  return (value < 0 ? "-" : "") + out
}
