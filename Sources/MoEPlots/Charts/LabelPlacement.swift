/// Greedy placement of point labels that avoids overlapping other labels and markers.
///
/// Labels are placed top to bottom. Each tries, in order, the spots beside its point at
/// vertical offsets 0, −h, +h, −2h, +2h, … (h = label height), right of the point before
/// left of it, and takes the first spot that lies inside `bounds` and overlaps neither an
/// earlier label, nor a marker, nor an obstacle (error bars, say). When every spot is taken the label goes to the
/// right (or left, if the right runs out of `bounds`) of its point, overlapping: a crowded
/// plot is still drawn, just less tidily.
enum LabelPlacement {
  /// A label to place next to a point.
  struct Request {
    var anchor: Point
    var text: String
    var fontSize: Double
    /// Half the marker's size: the label keeps this far from the point horizontally.
    var markerRadius: Double
  }

  /// Where a label went.
  struct Placement {
    /// Start of the baseline (for `.start`) or its end (for `.end`).
    var baseline: Point
    var anchor: TextStyle.Anchor
    /// The label's estimated extent.
    var box: Rect
    /// True when the label moved vertically away from its point, so a leader line helps.
    var isDisplaced: Bool
  }

  /// How many label heights a label may move up or down.
  static let maxShift = 10

  /// One placement per request, in request order.
  static func place(
    _ requests: [Request], within bounds: Rect, avoiding obstacles: [Rect] = []
  ) -> [Placement] {
    let markers = requests.map { request in
      Rect(
        x: request.anchor.x - request.markerRadius, y: request.anchor.y - request.markerRadius,
        width: 2 * request.markerRadius, height: 2 * request.markerRadius)
    }
    let order = requests.indices.sorted {
      (requests[$0].anchor.y, requests[$0].anchor.x, $0)
        < (requests[$1].anchor.y, requests[$1].anchor.x, $1)
    }
    var placements = [Placement?](repeating: nil, count: requests.count)
    var taken = markers + obstacles
    for index in order {
      let spots = candidates(for: requests[index])
      let free = spots.first { spot in
        bounds.contains(spot.box) && !taken.contains { $0.overlaps(spot.box) }
      }
      let fallback = spots.prefix(2).first { bounds.contains($0.box) } ?? spots[0]
      let chosen = free ?? fallback
      placements[index] = chosen
      taken.append(chosen.box)
    }
    return placements.map { $0! }
  }

  /// Spots in preference order: offsets 0, −h, +h, …, right then left at each.
  private static func candidates(for request: Request) -> [Placement] {
    let size = request.fontSize
    let width = TextMetrics.width(of: request.text, fontSize: size)
    let height = 1.05 * size + 2
    let gap = request.markerRadius + 4
    var spots: [Placement] = []
    for step in 0...(2 * maxShift) {
      let shift = Double((step + 1) / 2) * (step % 2 == 1 ? -1 : 1) * height
      for anchor in [TextStyle.Anchor.start, .end] {
        let top = request.anchor.y - height / 2 + shift
        let left = anchor == .start ? request.anchor.x + gap : request.anchor.x - gap - width
        spots.append(
          Placement(
            baseline: Point(
              x: anchor == .start ? left : left + width, y: top + 1 + 0.8 * size),
            anchor: anchor, box: Rect(x: left, y: top, width: width, height: height),
            isDisplaced: abs(shift) > height / 2))
      }
    }
    return spots
  }
}
