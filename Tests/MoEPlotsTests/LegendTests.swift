import MoEPlots
import Testing

/// Legends name each variant once and explain every kind of marker.
@Suite struct LegendTests {
  private func legendLabels(_ svg: String) throws -> [String] {
    let root = try #require(parseSVG(svg))
    return root.elements(withClass: "legend-label").map(\.text)
  }

  /// 4 runs of 2 variants and 3 "diverged" crosses: 2 line entries and 1 marker entry.
  @Test func eachSeriesNameAndMarkerMeaningIsListedOnce() throws {
    var chart = LineChart()
    for run in 0..<4 {
      chart.series.append(
        .init(name: run % 2 == 0 ? "even" : "odd", x: [0, 1], y: [1, Double(run)]))
    }
    chart.markers = (0..<3).map { .init(x: 1, y: Double($0), seriesName: "odd") }
    chart.referenceLines = [.init(y: 0.5, label: "floor")]
    #expect(try legendLabels(chart.render()) == ["even", "odd", "diverged"])
  }

  /// The "diverged" entry shows the marker shape: a cross is a path, not a line swatch.
  @Test func markerEntryShowsTheMarkerShape() throws {
    var chart = Fixtures.lineChart
    chart.markers = [.init(x: 150, y: 7, meaning: "diverged", shape: .cross)]
    let root = try #require(parseSVG(chart.render()))
    let entry = try #require(
      root.elements(withClass: "legend-entry").first {
        $0.elements(withClass: "legend-label").first?.text == "diverged"
      })
    #expect(entry.elements(named: "path").count == 1)
    #expect(entry.elements(named: "line").isEmpty)
    // The marker itself is drawn in the plot as well.
    #expect(root.elements(withClass: "marker").count == 1)
  }

  /// Runs of one variant share a colour, different variants differ.
  @Test func runsOfAVariantShareTheirColour() throws {
    let root = try #require(parseSVG(Fixtures.lineChart.render()))
    let strokes = root.elements(withClass: "series").map {
      $0.elements(named: "path").first?.attributes["stroke"]
    }
    #expect(strokes.count == 4)
    #expect(strokes[0] == strokes[1] && strokes[2] == strokes[3] && strokes[0] != strokes[2])
  }

  @Test func scatterLegendExplainsBarsBaselineAndBand() throws {
    #expect(
      try legendLabels(Fixtures.scatter.render()) == [
        "bars: 95% Wilson interval (x), mean ± sd (y)", "baseline",
        "all runs diverged: no quality",
      ])
  }

  /// Without a baseline or a band, those entries are absent.
  @Test func scatterLegendOmitsUnusedEntries() throws {
    var chart = IntervalScatter()
    chart.estimates = [.init(label: "a", x: 0, y: 1)]
    #expect(try legendLabels(chart.render()).isEmpty)
  }

  /// One legend for the whole grid: the union of the panels' entries, each once; no panel
  /// draws its own. "baseline" appears twice on purpose: the line panels' variant of that name
  /// (a line swatch) and the scatter's highlighted point (a black diamond) look different.
  @Test func panelGridSharesOneLegend() throws {
    let root = try #require(parseSVG(Fixtures.panels.render()))
    for panel in root.elements(withClass: "panel") {
      #expect(panel.elements(withClass: "legend").isEmpty)
    }
    #expect(
      root.elements(withClass: "legend-label").map(\.text) == [
        "baseline", "z-loss 1e-3", "diverged", "bars: 95% Wilson interval (x), mean ± sd (y)",
        "baseline", "all runs diverged: no quality",
      ])
  }

  /// A name that comes second in one panel and first in another keeps one colour.
  @Test func panelGridColoursANameTheSameInEveryPanel() throws {
    let a = LineChart(series: [
      .init(name: "x", x: [0, 1], y: [0, 1]), .init(name: "y", x: [0, 1], y: [1, 0]),
    ])
    let b = LineChart(series: [.init(name: "y", x: [0, 1], y: [1, 0])])
    let root = try #require(parseSVG(PanelGrid(columns: 2, charts: [a, b]).render()))
    let panels = root.elements(withClass: "panel")
    try #require(panels.count == 2)
    let yInA = panels[0].elements(withClass: "series")[1].elements(named: "path").first
    let yInB = panels[1].elements(withClass: "series")[0].elements(named: "path").first
    #expect(yInA?.attributes["stroke"] != nil)
    #expect(yInA?.attributes["stroke"] == yInB?.attributes["stroke"])
  }

  /// A column too short for all names ends with a count of the rest.
  @Test func overlongLegendColumnSaysHowManyAreHidden() throws {
    var chart = LineChart()
    for index in 0..<60 {
      chart.series.append(.init(name: "variant \(index)", x: [0, 1], y: [0, Double(index)]))
    }
    let labels = try legendLabels(chart.render(width: 600, height: 300))
    let last = try #require(labels.last)
    #expect(last == "… and \(60 - (labels.count - 1)) more")
    #expect(labels.count < 60)
  }

  /// `colorOrder` puts a name first in the palette (Okabe–Ito blue), wherever it appears.
  @Test func colorOrderPinsPaletteSlots() throws {
    var chart = LineChart(series: [
      .init(name: "a", x: [0, 1], y: [0, 1]), .init(name: "b", x: [0, 1], y: [1, 0]),
    ])
    chart.colorOrder = ["b"]
    let root = try #require(parseSVG(chart.render()))
    let strokes = root.elements(withClass: "series").map {
      $0.elements(named: "path").first?.attributes["stroke"]
    }
    #expect(strokes == ["#d55e00", "#0072b2"])
    #expect(root.elements(withClass: "legend-label").map(\.text) == ["b", "a"])
  }
}
