import MoEPlots
import Testing

/// The same input gives byte-identical SVG: no dates, no random ids, no hash-order iteration.
@Suite struct DeterminismTests {
  @Test func renderingTwiceGivesIdenticalBytes() {
    #expect(Fixtures.lineChart.render() == Fixtures.lineChart.render())
    #expect(Fixtures.scatter.render() == Fixtures.scatter.render())
    #expect(Fixtures.panels.render() == Fixtures.panels.render())
  }

  /// Many series names exercise dictionary-keyed styles; their output order must not depend
  /// on the per-process hash seed, so a fixed legend order is asserted too.
  @Test func manySeriesRenderStablyAndInPaletteOrder() throws {
    var chart = LineChart()
    let names = (0..<12).map { "variant \($0)" }
    for (index, name) in names.enumerated() {
      chart.series.append(.init(name: name, x: [0, 1], y: [Double(index), Double(index + 1)]))
    }
    let first = chart.render()
    #expect(first == chart.render())
    let root = try #require(parseSVG(first))
    #expect(root.elements(withClass: "legend-label").map(\.text) == names)
  }

  /// Clip path ids are numbered in drawing order, so every panel has its own, always the same.
  @Test func clipPathIdsAreSequentialAndUnique() throws {
    let root = try #require(parseSVG(Fixtures.panels.render()))
    let ids = root.elements(named: "clipPath").compactMap { $0.attributes["id"] }
    #expect(ids == ["clip-1", "clip-2", "clip-3"])
  }
}
