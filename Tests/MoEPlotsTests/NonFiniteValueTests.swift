import Testing

@testable import MoEPlots

/// NaN and ±∞ break lines or are left out; they never reach the file as numbers.
@Suite struct NonFiniteValueTests {
  /// True when the text contains anything a non-finite number could format to.
  private func mentionsNonFinite(_ svg: String) -> Bool {
    let lower = svg.lowercased()
    return lower.contains("nan") || lower.contains("inf")
  }

  /// y = 1, 2, NaN, 3, 4, +∞, 5: runs {1, 2} and {3, 4} are lines, {5} is a lone dot.
  @Test func nonFiniteValuesBreakTheLine() throws {
    var chart = LineChart(xAxis: Axis(domain: 0...6), yAxis: Axis(domain: 0...6))
    chart.series = [
      .init(name: "run", x: [0, 1, 2, 3, 4, 5, 6], y: [1, 2, .nan, 3, 4, .infinity, 5])
    ]
    let svg = chart.render()
    #expect(!mentionsNonFinite(svg))
    let root = try #require(parseSVG(svg))
    let group = try #require(root.elements(withClass: "series").first)
    let path = try #require(group.elements(named: "path").first?.attributes["d"])
    #expect(subpaths(path).map(\.count) == [2, 2])
    #expect(group.elements(named: "circle").count == 1)
  }

  /// On a log axis 0 and negative values cannot be placed: gaps, like NaN.
  @Test func nonPositiveValuesOnALogAxisAreGaps() throws {
    var chart = LineChart(yAxis: Axis(scale: .logarithmic))
    chart.series = [.init(name: "run", x: [0, 1, 2, 3, 4, 5], y: [1, 0.5, 0, 0.2, -1, 0.1])]
    let svg = chart.render()
    #expect(!mentionsNonFinite(svg))
    let root = try #require(parseSVG(svg))
    let path = try #require(root.elements(withClass: "series").first?.elements(named: "path").first)
    #expect(subpaths(path.attributes["d"] ?? "").map(\.count) == [2])
  }

  /// A run that never produced a finite loss: no line, a note, but still a legend entry.
  @Test func anEntirelyNonFiniteSeriesIsHandled() throws {
    var chart = LineChart(yAxis: Axis(scale: .logarithmic))
    chart.series = [
      .init(name: "diverged at once", x: [0, 1, 2], y: [.nan, .infinity, -.infinity])
    ]
    chart.markers = [.init(x: .nan, y: .infinity)]
    let svg = chart.render()
    #expect(!mentionsNonFinite(svg))
    let root = try #require(parseSVG(svg))
    #expect(root.elements(withClass: "series").first?.elements(named: "path").isEmpty == true)
    #expect(root.elements(withClass: "note").first?.text == "no finite data")
    #expect(root.elements(withClass: "legend-label").map(\.text).contains("diverged at once"))
  }

  /// Non-finite x values break the line too, and do not stretch the x axis.
  @Test func nonFiniteXValuesAreGapsAndDoNotWidenTheAxis() throws {
    var chart = LineChart()
    chart.series = [.init(name: "run", x: [0, 1, .infinity, 3, 4], y: [1, 2, 3, 4, 5])]
    let svg = chart.render()
    #expect(!mentionsNonFinite(svg))
    let root = try #require(parseSVG(svg))
    let xLabels = root.elements(withClass: "tick-label").filter {
      $0.attributes["class"] == "tick-label x"
    }
    #expect(xLabels.last?.text == "4")
  }

  /// A scatter with NaN and nil y, an infinite interval bound and a NaN x.
  @Test func scatterWithNonFiniteValuesStaysFinite() throws {
    var chart = IntervalScatter()
    chart.estimates = [
      .init(
        label: "ok", x: 0.2, xInterval: Interval(0.1, .infinity), y: 1, yInterval: Interval(.nan, 2)
      ),
      .init(label: "y not a number", x: 0.5, y: .nan),
      .init(label: "y missing", x: 0.7, y: nil),
      .init(label: "x not a number", x: .nan, y: 1),
    ]
    let svg = chart.render()
    #expect(!mentionsNonFinite(svg))
    let root = try #require(parseSVG(svg))
    // The two without a finite y sit in the band as hollow triangles (paths); the point
    // without a finite x is not drawn, so three markers remain.
    #expect(root.elements(withClass: "marker").count == 3)
    #expect(root.elements(withClass: "error-bar").isEmpty)
    #expect(root.elements(withClass: "band-label").first?.text == "all diverged")
  }

  /// Finite but extreme values: padding a log domain of 1e-300…1e300 must not overflow to
  /// infinity (it once did, and a precondition stopped the process).
  @Test func extremeMagnitudesDoNotOverflow() throws {
    var log = LineChart(yAxis: Axis(scale: .logarithmic))
    log.series = [.init(name: "wild", x: [0, 1, 2], y: [1e-300, 1, 1e300])]
    var linear = LineChart()
    linear.series = [.init(name: "wild", x: [0, 1, 2], y: [-.greatestFiniteMagnitude, 0, 1e300])]
    for svg in [log.render(), linear.render()] {
      #expect(!mentionsNonFinite(svg))
      _ = try #require(parseSVG(svg))
    }
  }

  /// PathData on its own: a NaN coordinate or a nil point ends a run; a run of one is
  /// returned as an isolated point rather than an invisible lone "M".
  @Test func pathDataBreaksAtNonFinitePoints() {
    let points: [Point?] = [
      Point(x: 0, y: 0), Point(x: 1, y: 1), Point(x: .nan, y: 2), Point(x: 3, y: 3), nil,
      Point(x: 5, y: 5), Point(x: 6, y: -.infinity),
    ]
    let (data, isolated) = PathData.brokenLine(through: points)
    #expect(data.markup == "M0.00 0.00 L1.00 1.00")
    #expect(isolated == [Point(x: 3, y: 3), Point(x: 5, y: 5)])
  }

  /// The last line of defence: an element with a non-finite attribute is dropped whole.
  @Test func canvasDropsElementsWithNonFiniteAttributes() {
    var canvas = SVGCanvas()
    canvas.line(from: Point(x: 0, y: 0), to: Point(x: .nan, y: 1), stroke: Stroke(color: .black))
    canvas.circle(center: Point(x: 1, y: 1), radius: .infinity, fill: .black)
    canvas.circle(center: Point(x: 1, y: 1), radius: 2, fill: .black)
    #expect(canvas.lines.count == 1)
  }
}
