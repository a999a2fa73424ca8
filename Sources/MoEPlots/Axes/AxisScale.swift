/// How data values map onto an axis.
public enum AxisScale: Sendable, Hashable {
  /// Equal distances for equal differences.
  case linear
  /// Equal distances for equal ratios; only positive values can be drawn (others are gaps).
  case logarithmic
}
