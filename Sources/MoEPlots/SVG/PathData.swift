/// The `d` attribute of a `<path>`: moves and straight segments, coordinates with two decimals.
struct PathData {
  private var commands: [String] = []

  /// True when nothing has been added.
  var isEmpty: Bool { commands.isEmpty }

  /// Starts a new subpath at `point`.
  mutating func move(to point: Point) {
    commands.append("M\(FixedPoint.coordinate(point.x)) \(FixedPoint.coordinate(point.y))")
  }

  /// Continues the current subpath to `point`.
  mutating func line(to point: Point) {
    commands.append("L\(FixedPoint.coordinate(point.x)) \(FixedPoint.coordinate(point.y))")
  }

  /// Closes the current subpath.
  mutating func close() {
    commands.append("Z")
  }

  /// Subpaths through each run of consecutive `points` that are non-nil and finite.
  ///
  /// A `nil` or non-finite point ends the current run, so the line breaks there instead of
  /// dropping to zero. Runs of a single point are returned in `isolated` rather than drawn,
  /// because a lone `M` draws nothing; callers mark them with a dot.
  static func brokenLine(through points: [Point?]) -> (data: PathData, isolated: [Point]) {
    var data = PathData()
    var isolated: [Point] = []
    var run: [Point] = []
    func flush() {
      if run.count == 1 { isolated.append(run[0]) }
      if run.count >= 2 {
        data.move(to: run[0])
        for point in run.dropFirst() { data.line(to: point) }
      }
      run.removeAll(keepingCapacity: true)
    }
    for point in points {
      if let point, point.x.isFinite, point.y.isFinite {
        run.append(point)
      } else {
        flush()
      }
    }
    flush()
    return (data, isolated)
  }

  var markup: String { commands.joined(separator: " ") }
}
