import ArgumentParser
import Foundation
import MoEConfig
import MoEKernels
import MoETraining

/// `stmoe-sweep train`: one run, with its full record.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train one model and write its resolved config, metrics CSV and result JSON.",
    discussion: """
      A run that diverges is a result, not an error: it ends with status "diverged", the step \
      and the reason, and exit code 0. Files are written atomically; result.json comes last.
      """)

  @OptionGroup var source: ConfigSource
  @Option(help: "Output directory (default: runs/<config hash>).") var out: String?
  @Option(help: "BLAS threads.") var threads: Int = 1

  func validate() throws {
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads).") }
  }

  func run() throws {
    let config = try source.runConfig()
    BLAS.threadCount = threads
    let trainer: Trainer
    do throws(ConfigError) { trainer = try Trainer(config: config) } catch {
      throw ValidationError(error.description)
    }
    let directory = RunDirectory(URL(fileURLWithPath: out ?? "runs/\(trainer.configHash)"))
    try directory.writeConfig(config)
    let line = ProgressLine(enabled: isatty(STDERR_FILENO) == 1)
    var lastWrite = Date.distantPast
    let result = trainer.run(
      progress: { progress in
        line.update(
          "step \(progress.step)/\(progress.steps)  loss \(String(format: "%.4f", progress.loss))  "
            + "\(Int(progress.tokensPerSecond)) tok/s  ETA \(ProgressLine.duration(progress.secondsRemaining))")
      },
      checkpointMetrics: { table in
        // Persist the growing table at most every few seconds; the final write is below.
        if Date().timeIntervalSince(lastWrite) > 5 {
          try? directory.writeMetrics(table)
          lastWrite = Date()
        }
      })
    line.finish()
    try directory.writeMetrics(trainer.metrics)
    try directory.writeResult(result)
    var summary = "\(result.status.rawValue) after \(result.stepsCompleted) steps"
    if let divergence = result.divergence {
      summary += " (\(divergence.reason.rawValue) at step \(divergence.step), loss \(divergence.loss))"
    }
    if let quality = result.quality { summary += "; quality \(String(format: "%.4f", quality)) (−CE, nats)" }
    if let floor = result.crossEntropyFloor { summary += "; data floor \(String(format: "%.4f", -floor))" }
    summary += "; \(Int(result.tokensPerSecond)) tokens/s"
    print(summary)
    print("wrote \(directory.url.path)/{config.json,metrics.csv,result.json}")
  }
}
