import ArgumentParser
import Foundation
import MoEConfig
import MoESweep

/// `stmoe-sweep summarize DIR`: the tables of a sweep results directory.
struct SummarizeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "summarize",
    abstract:
      "Write runs.csv, summary.csv, mechanism.csv and summary.md for a sweep results directory.")

  @Argument(help: "A sweep results directory (results/<sweep name>).") var directory: String

  func run() throws {
    let results = SweepResults(URL(fileURLWithPath: directory))
    do {
      let report = try results.summarize()
      print(report.markdown, terminator: "")
      print("wrote \(directory)/{runs.csv,summary.csv,mechanism.csv,summary.md}")
    } catch let error as ConfigError {
      throw ValidationError(error.description)
    }
  }
}
