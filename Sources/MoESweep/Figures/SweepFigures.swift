import Foundation
import MoETraining

/// The figures of a sweep results directory, as SVG files in `DIR/figures/`.
///
/// - `loss.svg`, always: training loss per run, ✕ at divergence, the data's entropy floor;
///   one panel per point past 6 points.
/// - `stability-quality.svg`, always: divergence rate with its Wilson interval against quality
///   mean ± sd, one point per sweep point.
/// - `divergence-time.svg`, when some run diverged: the fraction of each point's finished runs
///   not yet diverged against the step (Kaplan–Meier).
/// - `router-z-loss.svg`, when the points use two or more `model.routerZLossCoefficient`s:
///   router z-loss per MoE layer, coloured by coefficient (ST-MoE Figure 7).
/// - `max-router-logit.svg`, when the runs log MoE layers: max router logit per MoE layer.
///
/// Figures are drawn from finished runs (`result.json` present); runs still missing are left
/// out, so plotting a sweep in progress is safe. Figures coloured by point take colours in
/// plan order, so a point has the same colour in each of them (a baseline is black in the
/// scatter). Equal directories give byte-identical files.
///
/// ```swift
/// let written = try SweepFigures.write(results: SweepResults(directory))
/// ```
public enum SweepFigures {
  /// One rendered figure.
  public struct Figure: Sendable {
    /// File name inside the figures directory, such as `loss.svg`.
    public let fileName: String
    /// A standalone SVG 1.1 document.
    public let svg: String
  }

  /// Every file name `figures(of:)` can produce, in the order it produces them.
  public static let fileNames = [
    LossFigure.fileName, StabilityQualityFigure.fileName, DivergenceTimeFigure.fileName,
    RouterLayerFigure.routerZLoss.fileName, RouterLayerFigure.maxRouterLogit.fileName,
  ]

  /// Where ``write(results:)`` puts the files: `DIR/figures/`.
  public static func directory(of results: SweepResults) -> URL {
    results.directory.appendingPathComponent("figures")
  }

  /// Draws every figure that applies, in ``fileNames`` order, without writing anything.
  ///
  /// - Throws: `ConfigError` when the directory holds no sweep, ``SweepFigureError`` when no
  ///   run has completed or diverged or a metrics file is unreadable.
  public static func figures(of results: SweepResults) throws -> [Figure] {
    let input = try FigureInput(results: results)
    var figures = [
      Figure(fileName: LossFigure.fileName, svg: LossFigure.svg(input)),
      Figure(fileName: StabilityQualityFigure.fileName, svg: StabilityQualityFigure.svg(input)),
    ]
    if let svg = DivergenceTimeFigure.svg(input) {
      figures.append(Figure(fileName: DivergenceTimeFigure.fileName, svg: svg))
    }
    for figure in [RouterLayerFigure.routerZLoss, .maxRouterLogit] {
      if let svg = figure.svg(input) { figures.append(Figure(fileName: figure.fileName, svg: svg)) }
    }
    return figures
  }

  /// Draws every figure, then writes each file atomically to ``directory(of:)``.
  ///
  /// Returns the files written. When drawing fails nothing is written.
  ///
  /// Files of figures that no longer apply (a z-loss figure from an earlier plot) are left as
  /// they are.
  @discardableResult
  public static func write(results: SweepResults) throws -> [URL] {
    let figures = try figures(of: results)
    let directory = directory(of: results)
    return try figures.map { figure in
      let url = directory.appendingPathComponent(figure.fileName)
      try AtomicFile.write(figure.svg, to: url)
      return url
    }
  }
}
