import ArgumentParser
import CPUFeatures
import MoEKernels
import MoESweep

@main
struct StmoeSweep: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stmoe-sweep",
    abstract:
      "Training-stability sweeps of small sparse Mixture-of-Experts Transformers on the CPU.",
    discussion: """
      Reproduces the stability study of ST-MoE (Zoph et al. 2022) at CPU scale: every run is a \
      real training of a sparse model with hand-written forward and backward passes.
      """,
    subcommands: [
      RunCommand.self, PlanCommand.self, SummarizeCommand.self, CompareCommand.self,
      TablesCommand.self,
      PlotCommand.self, SlurmCommand.self, TrainCommand.self, ModelCommand.self, BenchCommand.self,
      SchemaCommand.self, EligibilityCommand.self,
    ])

  /// Parses the command line and runs the command.
  ///
  /// ArgumentParser prints the usage after every `ValidationError`. That helps when the command
  /// line itself is wrong, which parsing and `validate()` find; an error thrown by `run()` is
  /// about a file, a results directory or a run (a malformed sweep, a lock another sweep holds),
  /// so it is printed alone, with exit code 1.
  static func main() {
    stmoe_require_build_cpu_features()
    WorkerProcess.bindLifetimeToParentIfWorker()
    BLASCoreSelection.reexecuteIfNeeded()
    BLAS.threadCount = 1
    var command: any ParsableCommand
    do {
      command = try parseAsRoot()
    } catch {
      exit(withError: error)
    }
    do {
      try command.run()
    } catch let error as ValidationError {
      exit(withError: RefusedInput(message: error.message))
    } catch {
      exit(withError: error)
    }
  }
}

/// Input refused for what it says rather than how the command line is written: printed as
/// "Error: <message>" without the usage.
struct RefusedInput: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}
