/// Lines of (x, y) points, e.g. training loss against step with one line per run.
///
/// Series that share a ``Series/name`` share a colour and one legend entry, so a sweep with
/// 100 runs of 4 variants shows 4 legend entries. Lines get thinner and more transparent the
/// more runs share a name. A non-finite y (or x), or a y ≤ 0 on a logarithmic axis, breaks
/// the line: nothing is drawn at 0 and no `NaN` reaches the file.
///
/// ```swift
/// var chart = LineChart(
///   title: "Training loss", xAxis: Axis(title: "step"),
///   yAxis: Axis(title: "loss", scale: .logarithmic))
/// chart.series = [
///   .init(name: "z-loss 1e-3", x: [0, 100, 200], y: [10.4, 4.1, 3.2], tooltip: "run a1b2"),
///   .init(name: "no z-loss", x: [0, 100, 200], y: [10.4, 6.0, .nan], tooltip: "run c3d4"),
/// ]
/// chart.markers = [.init(x: 200, y: 6.0, seriesName: "no z-loss")]  // ✕ "diverged"
/// chart.referenceLines = [.init(y: 2.1, label: "data entropy floor")]
/// let svg: String = chart.render(width: 720, height: 440)
/// ```
public struct LineChart: Sendable {
  /// One line. Points are drawn in the order given.
  public struct Series: Sendable {
    /// Legend label and colour key; series with equal names look alike.
    public var name: String
    /// X coordinates, one per point.
    public var x: [Double]
    /// Y coordinates, one per point; non-finite values break the line.
    public var y: [Double]
    /// Shown by browsers on hover over the line (e.g. the run id); `nil` shows the name.
    public var tooltip: String?

    /// A series from parallel coordinate arrays.
    ///
    /// - Precondition: `x.count == y.count`.
    public init(name: String, x: [Double], y: [Double], tooltip: String? = nil) {
      precondition(x.count == y.count, "series \(name): \(x.count) x values, \(y.count) y values")
      (self.name, self.x, self.y, self.tooltip) = (name, x, y, tooltip)
    }

    /// A series from (x, y) pairs.
    public init(name: String, points: [(x: Double, y: Double)], tooltip: String? = nil) {
      self.init(name: name, x: points.map(\.x), y: points.map(\.y), tooltip: tooltip)
    }
  }

  /// A single marked point, e.g. ✕ at a diverged run's last finite loss.
  public struct Marker: Sendable {
    public var x: Double
    public var y: Double
    /// The legend text for this kind of marker; markers with equal meanings share one entry.
    public var meaning: String
    public var shape: MarkerShape
    /// Colours the marker like that series; `nil` (or an unknown name) draws it black.
    public var seriesName: String?

    /// A marker; by default a cross meaning "diverged".
    public init(
      x: Double, y: Double, meaning: String = "diverged", shape: MarkerShape = .cross,
      seriesName: String? = nil
    ) {
      (self.x, self.y, self.meaning, self.shape, self.seriesName) = (
        x, y, meaning, shape, seriesName
      )
    }
  }

  /// A labelled horizontal line across the plot, e.g. the data's entropy floor.
  public struct ReferenceLine: Sendable {
    public var y: Double
    public var label: String

    /// A horizontal line at `y`, labelled at its right end.
    public init(y: Double, label: String) {
      (self.y, self.label) = (y, label)
    }
  }

  /// Chart title; empty for none.
  public var title: String
  public var xAxis: Axis
  public var yAxis: Axis
  public var series: [Series]
  public var markers: [Marker]
  public var referenceLines: [ReferenceLine]
  /// `.right` by default.
  public var legendPlacement: LegendPlacement = .right
  /// Series names that take the first palette colours, in this order (see ``Palette``); pass
  /// the same list to several figures to keep each variant's colour.
  public var colorOrder: [String] = []

  /// A line chart; series, markers and reference lines can also be set afterwards.
  public init(
    title: String = "", xAxis: Axis = Axis(), yAxis: Axis = Axis(), series: [Series] = [],
    markers: [Marker] = [], referenceLines: [ReferenceLine] = []
  ) {
    (self.title, self.xAxis, self.yAxis) = (title, xAxis, yAxis)
    (self.series, self.markers, self.referenceLines) = (series, markers, referenceLines)
  }
}
