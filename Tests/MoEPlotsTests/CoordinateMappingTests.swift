import MoEPlots
import Testing

/// Data values land where the axes say: the domain's ends on the plot's edges.
@Suite struct CoordinateMappingTests {
  private func plotArea(_ root: SVGElement) throws -> (x: Double, y: Double, w: Double, h: Double) {
    let rect = try #require(root.elements(withClass: "plot-area").first)
    return (
      try #require(rect.number("x")), try #require(rect.number("y")),
      try #require(rect.number("width")), try #require(rect.number("height"))
    )
  }

  /// Coordinates are written with two decimals, so agreement is to half a hundredth.
  private func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 0.0051 }

  /// Fixed domains 0…10 × 0…1: (0, 0) is the bottom-left corner, (10, 1) the top-right,
  /// (5, 0.5) the centre, (2.5, 0.25) a quarter in from the left and up from the bottom.
  @Test func linearAxesMapTheDomainOntoThePlotEdges() throws {
    var chart = LineChart(xAxis: Axis(domain: 0...10), yAxis: Axis(domain: 0...1))
    chart.series = [.init(name: "s", x: [0, 10, 5, 2.5], y: [0, 1, 0.5, 0.25])]
    let root = try #require(parseSVG(chart.render()))
    let plot = try plotArea(root)
    let d = try #require(root.elements(withClass: "series").first?.elements(named: "path").first)
    let points = try #require(subpaths(d.attributes["d"] ?? "").first)
    try #require(points.count == 4)
    #expect(close(points[0].x, plot.x) && close(points[0].y, plot.y + plot.h))
    #expect(close(points[1].x, plot.x + plot.w) && close(points[1].y, plot.y))
    #expect(close(points[2].x, plot.x + plot.w / 2) && close(points[2].y, plot.y + plot.h / 2))
    #expect(close(points[3].x, plot.x + plot.w / 4) && close(points[3].y, plot.y + plot.h * 3 / 4))
  }

  /// A fitted linear axis ends on nice ticks: data 0…0.93 gives the domain 0…1, so the
  /// minimum is on the bottom edge and 0.93 sits 93 % of the way up.
  @Test func fittedLinearAxisStartsAtTheMinimumTick() throws {
    var chart = LineChart()
    chart.series = [.init(name: "s", x: [0, 1], y: [0, 0.93])]
    let root = try #require(parseSVG(chart.render()))
    let plot = try plotArea(root)
    let d = try #require(root.elements(withClass: "series").first?.elements(named: "path").first)
    let points = try #require(subpaths(d.attributes["d"] ?? "").first)
    #expect(close(points[0].x, plot.x) && close(points[0].y, plot.y + plot.h))
    #expect(close(points[1].y, plot.y + plot.h * (1 - 0.93)))
  }

  /// Log domain 1…100: 1 at the bottom, 10 halfway, 100 at the top.
  @Test func logAxisMapsDecadesEvenly() throws {
    var chart = LineChart(
      xAxis: Axis(domain: 0...2), yAxis: Axis(scale: .logarithmic, domain: 1...100))
    chart.series = [.init(name: "s", x: [0, 1, 2], y: [1, 10, 100])]
    let root = try #require(parseSVG(chart.render()))
    let plot = try plotArea(root)
    let d = try #require(root.elements(withClass: "series").first?.elements(named: "path").first)
    let points = try #require(subpaths(d.attributes["d"] ?? "").first)
    #expect(points.map(\.y).count == 3)
    #expect(close(points[0].y, plot.y + plot.h))
    #expect(close(points[1].y, plot.y + plot.h / 2))
    #expect(close(points[2].y, plot.y))
  }

  /// Tick labels sit on their ticks: on 0…10 (step 2) the label "4" is centred 40 % along.
  @Test func tickLabelsSitOnTheirValues() throws {
    var chart = LineChart(xAxis: Axis(domain: 0...10), yAxis: Axis(domain: 0...1))
    chart.series = [.init(name: "s", x: [0, 10], y: [0, 1])]
    let root = try #require(parseSVG(chart.render()))
    let plot = try plotArea(root)
    let four = try #require(
      root.elements(withClass: "tick-label").first {
        $0.text == "4" && $0.attributes["class"] == "tick-label x"
      })
    #expect(close(try #require(four.number("x")), plot.x + plot.w * 0.4))
  }

  /// A scatter point at the x domain's minimum and the lowest y lands on the left and bottom
  /// edges (no band: every point has a y).
  @Test func scatterPointAtTheMinimumSitsOnTheCorner() throws {
    var chart = IntervalScatter(xAxis: Axis(domain: 0...1), yAxis: Axis(domain: 2...4))
    chart.estimates = [.init(label: "a", x: 0, y: 2), .init(label: "b", x: 1, y: 4)]
    let root = try #require(parseSVG(chart.render()))
    let plot = try plotArea(root)
    let circles = root.elements(withClass: "marker").filter { $0.name == "circle" }
    try #require(circles.count == 2)
    #expect(close(try #require(circles[0].number("cx")), plot.x))
    #expect(close(try #require(circles[0].number("cy")), plot.y + plot.h))
    #expect(close(try #require(circles[1].number("cx")), plot.x + plot.w))
    #expect(close(try #require(circles[1].number("cy")), plot.y))
  }
}
