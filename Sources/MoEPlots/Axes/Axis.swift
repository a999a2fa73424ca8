/// What the caller says about one axis of a chart.
///
/// ```swift
/// Axis(title: "training loss", scale: .logarithmic)
/// Axis(title: "divergence rate", domain: 0...1)  // fixed range, ticks inside it
/// ```
public struct Axis: Sendable, Hashable {
  /// Axis title, drawn beside the axis; empty for none.
  public var title: String
  /// Linear or logarithmic.
  public var scale: AxisScale
  /// A fixed data range; `nil` fits the data (linear axes then end on nice ticks).
  ///
  /// Data outside a fixed range is clipped at the plot edge. A logarithmic axis ignores a
  /// range that is not positive.
  public var domain: ClosedRange<Double>?

  /// An axis with a title, a scale and optionally a fixed range.
  public init(title: String = "", scale: AxisScale = .linear, domain: ClosedRange<Double>? = nil) {
    (self.title, self.scale, self.domain) = (title, scale, domain)
  }
}
