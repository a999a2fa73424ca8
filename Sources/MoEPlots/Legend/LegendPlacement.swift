/// Where a chart puts its legend.
public enum LegendPlacement: Sendable, Hashable {
  /// A column to the right of the plot.
  case right
  /// Rows under the x-axis title, wrapping at the chart width.
  case bottom
  /// No legend.
  case hidden
}
