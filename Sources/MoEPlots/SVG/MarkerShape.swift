/// The shape of a point marker.
public enum MarkerShape: Sendable, Hashable, CaseIterable {
  /// ✕, two crossed strokes; the usual mark for a diverged run.
  case cross
  /// A disc.
  case circle
  /// A square.
  case square
  /// A square standing on a corner.
  case diamond
  /// A triangle pointing up.
  case triangleUp
  /// A triangle pointing down.
  case triangleDown
}

extension SVGCanvas {
  /// A marker centred at `center`, `size` px across.
  ///
  /// Filled shapes get a thin white outline so overlapping markers stay apart; hollow ones a
  /// white fill and a coloured outline. A cross is always strokes only.
  mutating func marker(
    _ shape: MarkerShape, at center: Point, size: Double, color: Color, filled: Bool = true,
    class name: String? = nil
  ) {
    let r = size / 2
    let outline =
      filled ? Stroke(color: .white, width: 0.8) : Stroke(color: color, width: 1.5)
    let fill: Color = filled ? color : .white
    switch shape {
    case .cross:
      var data = PathData()
      data.move(to: Point(x: center.x - r, y: center.y - r))
      data.line(to: Point(x: center.x + r, y: center.y + r))
      data.move(to: Point(x: center.x - r, y: center.y + r))
      data.line(to: Point(x: center.x + r, y: center.y - r))
      path(data, stroke: Stroke(color: color, width: max(1.5, size / 5)), class: name)
    case .circle:
      var attributes = SVGAttributes()
      if let name { attributes.add("class", name) }
      attributes.add("cx", center.x)
      attributes.add("cy", center.y)
      attributes.add("r", r)
      attributes.addFill(fill)
      attributes.add(outline)
      element("circle", attributes)
    case .square:
      let side = r * 1.8
      rect(
        Rect(x: center.x - side / 2, y: center.y - side / 2, width: side, height: side),
        fill: fill, stroke: outline, class: name)
    case .diamond:
      polygon([(0, -1.25), (1.25, 0), (0, 1.25), (-1.25, 0)], center, r, fill, outline, name)
    case .triangleUp:
      polygon([(0, -1.2), (1.1, 0.8), (-1.1, 0.8)], center, r, fill, outline, name)
    case .triangleDown:
      polygon([(0, 1.2), (1.1, -0.8), (-1.1, -0.8)], center, r, fill, outline, name)
    }
  }

  /// A closed polygon with corners at `center + r · corner`.
  private mutating func polygon(
    _ corners: [(Double, Double)], _ center: Point, _ r: Double, _ fill: Color,
    _ outline: Stroke, _ name: String?
  ) {
    var data = PathData()
    for (index, corner) in corners.enumerated() {
      let point = Point(x: center.x + r * corner.0, y: center.y + r * corner.1)
      if index == 0 { data.move(to: point) } else { data.line(to: point) }
    }
    data.close()
    path(data, stroke: outline, fill: fill, class: name)
  }
}
