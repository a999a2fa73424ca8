/// A closed interval of data values drawn as an error bar, e.g. a 95 % Wilson interval or
/// mean ± sd.
///
/// Unlike `ClosedRange` it accepts any pair of numbers: bounds given in the wrong order are
/// swapped, and a non-finite bound (an sd from a single run, say) just means no bar is drawn.
public struct Interval: Sendable, Hashable {
  public var lower: Double
  public var upper: Double

  /// The interval between `a` and `b`, in either order.
  public init(_ a: Double, _ b: Double) {
    (lower, upper) = a <= b ? (a, b) : (b, a)
  }

  /// `center ± halfWidth`, e.g. `Interval(center: mean, halfWidth: sd)`.
  public init(center: Double, halfWidth: Double) {
    self.init(center - halfWidth, center + halfWidth)
  }

  /// True when both bounds are finite, i.e. the bar can be drawn.
  var isDrawable: Bool { lower.isFinite && upper.isFinite }
}
