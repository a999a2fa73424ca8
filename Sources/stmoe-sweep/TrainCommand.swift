import ArgumentParser
import Foundation
import MoEConfig
import MoEKernels
import MoESweep
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
    guard threads >= 1 else {
      throw ValidationError("--threads must be at least 1, got \(threads).")
    }
  }

  func run() throws {
    let config = try source.checkedRunConfig()
    BLAS.threadCount = threads
    let directory = RunDirectory(URL(fileURLWithPath: out ?? "runs/\(config.configHash)"))
    let line = ProgressLine(enabled: isatty(STDERR_FILENO) == 1)
    let result: RunResult
    do {
      result = try directory.train(config) { progress in
        let eta = ProgressLine.duration(progress.secondsRemaining)
        line.update(
          "step \(progress.step)/\(progress.steps)  loss \(String(format: "%.4f", progress.loss))  "
            + "\(Int(progress.tokensPerSecond)) tok/s  ETA \(eta)")
      }
    } catch let error as ConfigError {
      throw ValidationError(error.description)
    }
    line.finish()
    var summary = "\(result.status.rawValue) after \(result.stepsCompleted) steps"
    if let divergence = result.divergence {
      summary +=
        " (\(divergence.reason.rawValue) at step \(divergence.step), loss \(divergence.loss))"
    }
    if let quality = result.quality {
      summary += "; quality \(String(format: "%.4f", quality)) (−CE, nats)"
    }
    if let floor = result.crossEntropyFloor {
      summary += "; data floor \(String(format: "%.4f", -floor))"
    }
    summary += "; \(Int(result.tokensPerSecond)) tokens/s"
    print(summary)
    print("wrote \(directory.url.path)/{config.json,metrics.csv,result.json}")
  }

  /// The command line that parses to this command (its flags as the library spells them).
  var invocation: TrainInvocation {
    TrainInvocation(config: source.config, out: out, threads: threads, overrides: source.overrides)
  }
}
