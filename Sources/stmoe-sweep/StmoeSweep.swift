import ArgumentParser
import MoEKernels
import MoESweep

@main
struct StmoeSweep: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stmoe-sweep",
    abstract: "Training-stability sweeps of small sparse Mixture-of-Experts Transformers on the CPU.",
    discussion: """
      Reproduces the stability study of ST-MoE (Zoph et al. 2022) at CPU scale: every run is a
      real training of a sparse model with hand-written forward and backward passes.
      """,
    subcommands: [
      RunCommand.self, PlanCommand.self, SummarizeCommand.self, CompareCommand.self, TablesCommand.self,
      PlotCommand.self, SlurmCommand.self, TrainCommand.self, ModelCommand.self, BenchCommand.self,
      SchemaCommand.self,
    ])

  static func main() {
    WorkerProcess.bindLifetimeToParentIfWorker()
    BLASCoreSelection.reexecuteIfNeeded()
    BLAS.threadCount = 1
    main(nil)
  }
}
