import Testing

@testable import MoEPlots

/// Point labels avoid each other where there is room.
@Suite struct LabelPlacementTests {
  /// Estimated label extent from the drawn attributes: baseline y, anchor side, text length.
  private struct DrawnLabel {
    var x: Double, y: Double, anchor: String, text: String
    /// Two labels on the same side of their anchor overlap unless ≥ one font size apart.
    func separated(from other: DrawnLabel, pointX: Double, fontSize: Double) -> Bool {
      let side = x > pointX ? 1 : -1
      let otherSide = other.x > pointX ? 1 : -1
      return side != otherSide || abs(y - other.y) >= fontSize
    }
  }

  /// Three points on the same spot: every pair of labels is on opposite sides or at least a
  /// line apart, and all stay inside the plot.
  @Test func coincidentPointsGetSeparateLabels() throws {
    var chart = IntervalScatter(xAxis: Axis(domain: 0...1), yAxis: Axis(domain: 0...1))
    chart.estimates = ["first label", "second label", "third label"].map {
      .init(label: $0, x: 0.5, y: 0.5)
    }
    let root = try #require(parseSVG(chart.render()))
    let plot = try #require(root.elements(withClass: "plot-area").first)
    let (left, width) = (try #require(plot.number("x")), try #require(plot.number("width")))
    let labels = root.elements(withClass: "point-label").filter {
      $0.attributes["fill"] != "#ffffff"
    }
    .map {
      DrawnLabel(
        x: $0.number("x")!, y: $0.number("y")!, anchor: $0.attributes["text-anchor"] ?? "start",
        text: $0.text)
    }
    try #require(labels.count == 3)
    let pointX = left + width / 2
    for i in 0..<3 {
      for j in (i + 1)..<3 {
        #expect(labels[i].separated(from: labels[j], pointX: pointX, fontSize: 11))
      }
    }
    for label in labels {
      #expect(label.x >= left && label.x <= left + width)
    }
  }

  /// Hand-built case: two requests 5 px apart vertically; the second (lower) one must move,
  /// and no two boxes may overlap.
  @Test func placementsDoNotOverlapWhenThereIsRoom() {
    let bounds = Rect(x: 0, y: 0, width: 400, height: 300)
    let requests = [
      LabelPlacement.Request(
        anchor: Point(x: 100, y: 100), text: "alpha", fontSize: 11, markerRadius: 5),
      LabelPlacement.Request(
        anchor: Point(x: 100, y: 105), text: "beta", fontSize: 11, markerRadius: 5),
      LabelPlacement.Request(
        anchor: Point(x: 300, y: 200), text: "gamma", fontSize: 11, markerRadius: 5),
    ]
    let placed = LabelPlacement.place(requests, within: bounds)
    #expect(!placed[0].box.overlaps(placed[1].box))
    #expect(!placed[0].box.overlaps(placed[2].box) && !placed[1].box.overlaps(placed[2].box))
    // The first (upper) label keeps its natural spot: right of the point, centred on it.
    #expect(placed[0].anchor == .start && !placed[0].isDisplaced)
    #expect(abs(placed[0].box.center.y - 100) < 0.001 && placed[0].box.minX == 106 + 3)
    #expect(placed.allSatisfy { bounds.contains($0.box) })
  }

  /// A label near the right edge goes to the left of its point instead of leaving the plot.
  @Test func labelsFlipLeftAtTheRightEdge() {
    let bounds = Rect(x: 0, y: 0, width: 200, height: 100)
    let request = LabelPlacement.Request(
      anchor: Point(x: 195, y: 50), text: "edge", fontSize: 11, markerRadius: 4)
    let placed = LabelPlacement.place([request], within: bounds)
    #expect(placed[0].anchor == .end && placed[0].box.maxX <= 195 - 4)
  }

  /// A label is kept off an obstacle such as its own horizontal error bar.
  @Test func labelsAvoidObstacles() {
    let bounds = Rect(x: 0, y: 0, width: 400, height: 300)
    let bar = Rect(x: 20, y: 146, width: 360, height: 8)
    let request = LabelPlacement.Request(
      anchor: Point(x: 200, y: 150), text: "with bar", fontSize: 11, markerRadius: 5)
    let placed = LabelPlacement.place([request], within: bounds, avoiding: [bar])
    #expect(!placed[0].box.overlaps(bar))
  }
}
