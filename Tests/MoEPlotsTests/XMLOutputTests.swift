import Testing

@testable import MoEPlots

/// Every chart is a well-formed standalone SVG 1.1 document, and text never breaks the XML.
@Suite struct XMLOutputTests {
  @Test(arguments: ["line", "scatter", "panels"])
  func outputIsStandaloneSVGWithNamespace(kind: String) throws {
    let svg = try #require(Fixtures.renderedKinds.first { $0.kind == kind }?.svg)
    #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<svg "))
    let root = try #require(parseSVG(svg))
    #expect(root.name == "svg")
    #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
    #expect(root.attributes["version"] == "1.1")
    #expect(root.number("width") != nil && root.number("height") != nil)
    #expect(root.attributes["viewBox"] != nil)
  }

  /// Hand-escaped: the five XML specials, each by its entity.
  @Test func escapingReplacesTheFiveSpecialCharacters() {
    #expect(
      XMLEscaping.escaped("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;")
    #expect(XMLEscaping.escaped("plain ± text") == "plain ± text")
  }

  /// U+0001 is not allowed anywhere in XML 1.0, even escaped; it becomes U+FFFD.
  @Test func escapingReplacesForbiddenControlCharacters() {
    #expect(XMLEscaping.escaped("a\u{01}b\tc") == "a\u{FFFD}b\tc")
  }

  /// Titles, axis titles, series names, marker meanings and labels with `<&>"'` survive a
  /// round trip through an XML parser unchanged.
  @Test func specialCharactersInTextRoundTrip() throws {
    let nasty = #"a < b & "c" > 'd'"#
    var line = LineChart(
      title: "title " + nasty, xAxis: Axis(title: "x " + nasty), yAxis: Axis(title: "y " + nasty))
    line.series = [.init(name: "series " + nasty, x: [0, 1], y: [0, 1], tooltip: "run " + nasty)]
    line.markers = [.init(x: 1, y: 1, meaning: "marker " + nasty)]
    line.referenceLines = [.init(y: 0.5, label: "reference " + nasty)]
    let lineRoot = try #require(parseSVG(line.render()))
    let lineTexts = Set(lineRoot.all.map(\.text))
    for expected in ["title", "x", "y", "series", "run", "marker", "reference"] {
      #expect(lineTexts.contains("\(expected) \(nasty)"), "\(expected)")
    }

    var scatter = IntervalScatter(title: nasty)
    scatter.estimates = [.init(label: "point " + nasty, x: 0.5, y: 1)]
    let scatterRoot = try #require(parseSVG(scatter.render()))
    let scatterTexts = Set(scatterRoot.all.map(\.text))
    #expect(scatterTexts.contains("point " + nasty))
    #expect(scatterTexts.contains(nasty))
  }

  @Test func controlCharactersInALabelStillGiveWellFormedXML() throws {
    var chart = LineChart(title: "bell \u{07} and NUL-free")
    chart.series = [.init(name: "tab\there", x: [0, 1], y: [1, 2])]
    let root = try #require(parseSVG(chart.render()))
    #expect(root.elements(withClass: "title").first?.text == "bell \u{FFFD} and NUL-free")
  }
}
