/// Points with error bars in both directions and a label each, e.g. one point per variant:
/// divergence rate with its 95 % Wilson interval (x) against quality mean ± sd (y).
///
/// A point without a finite y (every run of the variant diverged) is drawn as a hollow ▽ in
/// a band under the plot, outside the y scale, and the legend says why. Labels are placed
/// beside their points without overlapping each other where there is room (see
/// ``LabelPlacement``). One point can be flagged as the baseline: it is drawn as a larger black
/// diamond with dotted guide lines through it.
///
/// ```swift
/// var scatter = IntervalScatter(
///   title: "Stability vs quality", xAxis: Axis(title: "divergence rate", domain: 0...1),
///   yAxis: Axis(title: "eval loss"))
/// scatter.estimates = [
///   .init(label: "baseline", x: 0.1, xInterval: Interval(0.02, 0.4), y: 3.2,
///         yInterval: Interval(center: 3.2, halfWidth: 0.05), isBaseline: true),
///   .init(label: "z-loss 1e-3", x: 0, xInterval: Interval(0, 0.28), y: 3.15,
///         yInterval: Interval(center: 3.15, halfWidth: 0.04)),
///   .init(label: "no clipping", x: 1, xInterval: Interval(0.72, 1), y: nil),
/// ]
/// scatter.intervalNote = "bars: 95% Wilson interval (x), mean ± sd (y)"
/// let svg = scatter.render(width: 640, height: 480)
/// ```
public struct IntervalScatter: Sendable {
  /// One labelled point with optional intervals.
  public struct Estimate: Sendable {
    /// Drawn next to the point; also the colour key.
    public var label: String
    public var x: Double
    /// Horizontal error bar; `nil` for none.
    public var xInterval: Interval?
    /// `nil` or non-finite: no quality to show; the point goes to the bottom band.
    public var y: Double?
    /// Vertical error bar; `nil` for none. Ignored without a finite `y`.
    public var yInterval: Interval?
    /// Draws the point as the highlighted baseline.
    public var isBaseline: Bool

    /// A labelled point.
    public init(
      label: String, x: Double, xInterval: Interval? = nil, y: Double?,
      yInterval: Interval? = nil, isBaseline: Bool = false
    ) {
      (self.label, self.x, self.xInterval) = (label, x, xInterval)
      (self.y, self.yInterval, self.isBaseline) = (y, yInterval, isBaseline)
    }

    /// True when the point has a finite y and sits inside the plot proper.
    var hasY: Bool { y?.isFinite ?? false }
  }

  /// Chart title; empty for none.
  public var title: String
  public var xAxis: Axis
  public var yAxis: Axis
  public var estimates: [Estimate]
  /// Legend text for points in the bottom band.
  public var missingYNote: String = "all runs diverged: no quality"
  /// The band's label in the y tick column.
  public var bandLabel: String = "all diverged"
  /// Legend text saying what the bars are, e.g. "bars: 95% Wilson interval (x), mean ± sd (y)";
  /// `nil` for no such entry.
  public var intervalNote: String?
  /// `.bottom` by default, so the plot keeps the full width.
  public var legendPlacement: LegendPlacement = .bottom
  /// Labels that take the first palette colours, in this order (see ``Palette``).
  public var colorOrder: [String] = []

  /// A scatter chart; estimates can also be set afterwards.
  public init(
    title: String = "", xAxis: Axis = Axis(), yAxis: Axis = Axis(), estimates: [Estimate] = []
  ) {
    (self.title, self.xAxis, self.yAxis, self.estimates) = (title, xAxis, yAxis, estimates)
  }
}
