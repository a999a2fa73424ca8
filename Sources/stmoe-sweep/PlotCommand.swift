import ArgumentParser
import Foundation
import MoESweep

/// `stmoe-sweep plot DIR`: the figures of a sweep results directory, as SVG files.
struct PlotCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plot",
    abstract: "Draw the figures of a sweep results directory as SVG files in DIR/figures/.",
    discussion: """
      Files (from the finished runs; runs still missing are left out):
        loss.svg               training loss per run (log scale), coloured per point, ✕ where a
                               run diverged, the data's entropy floor dashed; more than 6
                               points get one panel per point.
        stability-quality.svg  divergence rate with its 95% Wilson interval against quality
                               (−held-out CE) mean ± sd per point; points whose runs all
                               diverged sit in the "all diverged" band; baselines are black.
        router-z-loss.svg      router z-loss over training, one panel per MoE layer, one thin
                               line per run coloured by model.routerZLossCoefficient; only
                               when the sweep varies that coefficient (ST-MoE Figure 7).
        max-router-logit.svg   max router logit, same layout, coloured per point.
      Labels keep only what tells the points apart (see summary.csv for full labels). Each
      file is written atomically; on an error nothing is written.
      """)

  @Argument(help: "A sweep results directory (results/<sweep name>).") var directory: String

  func run() throws {
    let results = SweepResults(URL(fileURLWithPath: directory))
    for url in try SweepFigures.write(results: results) {
      print(url.path)
    }
  }
}
