import ArgumentParser
import Foundation
import MoESweep

/// `stmoe-sweep plot DIR`: the figures of a sweep results directory, as SVG files.
struct PlotCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plot",
    abstract: "Draw the figures of a sweep results directory as SVG files in DIR/figures/.",
    discussion: """
      Files, drawn from the finished runs (runs still missing are left out):

      loss.svg: training loss per run against step (log scale), coloured per point; ✕ where a \
      run diverged (at its last finite loss), □ where a worker crashed; the data's entropy \
      floor dashed. More than 6 points: one panel per point.

      stability-quality.svg: per point, divergence rate with its 95% Wilson interval (x) \
      against quality, −held-out cross-entropy, mean ± sd over completed runs (y). Points whose \
      runs all diverged sit in the "all diverged" band; baseline points are black diamonds.

      divergence-time.svg: per point, the fraction of its finished runs not yet diverged \
      against step (Kaplan–Meier; completed runs censored at their last step). Only when some \
      run diverged.

      router-z-loss.svg: router z-loss over training, one panel per MoE layer, one thin line per \
      run coloured by model.routerZLossCoefficient (ST-MoE Figure 7). Only when the sweep's \
      points use two or more coefficients.

      max-router-logit.svg: max router logit, same layout, coloured like router-z-loss.svg when \
      the coefficient varies, else per point.

      Labels keep only what tells the points apart (summary.csv has the full labels). Each file \
      is written atomically; on an error nothing is written.
      """)

  @Argument(help: "A sweep results directory (results/<sweep name>).") var directory: String

  func run() throws {
    let results = SweepResults(URL(fileURLWithPath: directory))
    for url in try SweepFigures.write(results: results) {
      print(url.path)
    }
  }
}
