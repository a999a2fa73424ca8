/// Why the figures of a results directory could not be drawn; nothing is written then.
public enum SweepFigureError: Error, CustomStringConvertible, Equatable, Sendable {
  /// No run of the plan has finished as completed or diverged: there is nothing to plot.
  case noFinishedRuns(directory: String, planned: Int, crashed: Int)
  /// A `metrics.csv` that is not the table a run writes.
  case unreadableMetrics(file: String, line: Int, String)

  public var description: String {
    switch self {
    case .noFinishedRuns(let directory, let planned, let crashed):
      let crashes = crashed > 0 ? " (\(crashed) crashed)" : ""
      return "\(directory) has no finished runs to plot: none of its \(planned) planned runs "
        + "completed or diverged\(crashes); run `stmoe-sweep run` first"
    case .unreadableMetrics(let file, let line, let message):
      return "\(file):\(line): not a metrics table: \(message)"
    }
  }
}
