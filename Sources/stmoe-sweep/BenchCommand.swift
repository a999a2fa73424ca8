import ArgumentParser
import Foundation
import MoEConfig
import MoEKernels
import MoEModel
import MoETraining

/// `stmoe-sweep bench`: training-step throughput against a measured sgemm rate.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract:
      "Measure training-step throughput (tokens/s, GFLOP/s) against sgemm measured in the same run."
  )

  @OptionGroup var source: ConfigSource
  @Option(help: "BLAS threads.") var threads: Int = 1
  @Option(help: "Untimed warm-up steps.") var warmup: Int = 3
  @Option(help: "Timed steps.") var steps: Int = 20
  @Flag(help: "Print the result as JSON.") var json = false

  func validate() throws {
    guard threads >= 1 else {
      throw ValidationError("--threads must be at least 1, got \(threads).")
    }
    guard steps >= 1 else { throw ValidationError("--steps must be at least 1, got \(steps).") }
  }

  func run() throws {
    let run = try source.runConfig()
    let config = run.model
    BLAS.threadCount = threads
    let trainer: Trainer
    do throws(ConfigError) { trainer = try Trainer(config: run) } catch {
      throw ValidationError(error.description)
    }
    var step = 0
    let result = ThroughputBenchmark(warmupSteps: warmup, timedSteps: steps).run(
      what: "training step (forward, backward, \(run.optimizer.kind.rawValue))",
      tokensPerStep: config.tokensPerStep,
      flopsPerStep: ModelCost(config).trainingFlopsPerStep,
      sgemmShape: (config.tokensPerStep, config.channels, config.hiddenWidth)
    ) {
      _ = trainer.trainStep(step)
      step += 1
    }
    if json {
      print(prettyJSON(result), terminator: "")
      return
    }
    let f = { (value: Double) in String(format: "%.1f", value) }
    print(
      "config \(source.config), \(result.what), \(result.blasThreads) BLAS thread(s), OpenBLAS core \(result.blasCore)"
    )
    print(
      "step        \(f(result.stepMilliseconds.median)) ms median [\(f(result.stepMilliseconds.minimum))–\(f(result.stepMilliseconds.maximum))] over \(steps) steps"
    )
    print(
      "throughput  \(Int(result.tokensPerSecond)) tokens/s, \(f(result.modelGflops)) model GFLOP/s")
    print(
      "sgemm       \(f(result.sgemmGflops.median)) GFLOP/s at \(result.sgemmShape.map(String.init).joined(separator: "×")) (M×K×N), interleaved"
    )
    print(
      "ratio       \(String(format: "%.2f", result.ratio)) of sgemm; CPU utilisation \(String(format: "%.2f", result.cpuUtilisation))"
    )
    let breakdown = result.breakdown
    print(
      "where the time goes (mean of \(breakdown.steps) more steps, profiled: \(f(breakdown.stepMilliseconds)) ms):"
    )
    for part in breakdown.parts where part.milliseconds != 0 {  // phases whose hooks never ran
      let share = 100 * part.milliseconds / max(breakdown.stepMilliseconds, 1e-12)
      print(
        "  \(part.name.padding(toLength: 10, withPad: " ", startingAt: 0))\(String(format: "%7.3f", part.milliseconds)) ms  \(String(format: "%3.0f", share))%"
      )
    }
  }
}
