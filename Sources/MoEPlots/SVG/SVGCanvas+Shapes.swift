/// Drawing primitives on top of ``SVGCanvas/element(_:_:)``.
extension SVGCanvas {
  /// A straight segment.
  mutating func line(from start: Point, to end: Point, stroke: Stroke, class name: String? = nil) {
    var attributes = SVGAttributes()
    if let name { attributes.add("class", name) }
    attributes.add("x1", start.x)
    attributes.add("y1", start.y)
    attributes.add("x2", end.x)
    attributes.add("y2", end.y)
    attributes.add(stroke)
    element("line", attributes)
  }

  /// A rectangle, filled and/or stroked.
  mutating func rect(
    _ rect: Rect, fill: Color?, fillOpacity: Double = 1, stroke: Stroke? = nil,
    class name: String? = nil
  ) {
    var attributes = SVGAttributes()
    if let name { attributes.add("class", name) }
    attributes.add("x", rect.x)
    attributes.add("y", rect.y)
    attributes.add("width", rect.width)
    attributes.add("height", rect.height)
    attributes.addFill(fill, opacity: fillOpacity)
    if let stroke { attributes.add(stroke) }
    element("rect", attributes)
  }

  /// A circle, filled and/or stroked.
  mutating func circle(
    center: Point, radius: Double, fill: Color?, fillOpacity: Double = 1, stroke: Stroke? = nil
  ) {
    var attributes = SVGAttributes()
    attributes.add("cx", center.x)
    attributes.add("cy", center.y)
    attributes.add("r", radius)
    attributes.addFill(fill, opacity: fillOpacity)
    if let stroke { attributes.add(stroke) }
    element("circle", attributes)
  }

  /// A path from ``PathData``; nothing is written for empty data.
  mutating func path(
    _ data: PathData, stroke: Stroke?, fill: Color? = nil, class name: String? = nil
  ) {
    guard !data.isEmpty else { return }
    var attributes = SVGAttributes()
    if let name { attributes.add("class", name) }
    attributes.add("d", data.markup)
    attributes.addFill(fill)
    if let stroke {
      attributes.add(stroke)
      attributes.add("stroke-linejoin", "round")
      attributes.add("stroke-linecap", "round")
    }
    element("path", attributes)
  }

  /// Text with its anchor at `position` (the baseline's start, middle or end).
  ///
  /// A halo is a white-stroked copy drawn first; SVG 1.1 has no `paint-order`.
  mutating func text(
    _ content: String, at position: Point, style: TextStyle, class name: String? = nil
  ) {
    var attributes = SVGAttributes()
    if let name { attributes.add("class", name) }
    attributes.add("x", position.x)
    attributes.add("y", position.y)
    attributes.add("font-size", style.size)
    if style.anchor != .start { attributes.add("text-anchor", style.anchor.rawValue) }
    if style.isBold { attributes.add("font-weight", "bold") }
    if style.isItalic { attributes.add("font-style", "italic") }
    if style.rotation != 0 {
      let rotation = [style.rotation, position.x, position.y].map(FixedPoint.coordinate)
      attributes.add("transform", "rotate(\(rotation.joined(separator: " ")))")
    }
    if style.hasHalo {
      var halo = attributes
      halo.add("fill", Color.white.description)
      halo.add(Stroke(color: .white, width: 3))
      halo.add("stroke-linejoin", "round")
      element("text", halo, text: content)
    }
    attributes.add("fill", style.color.description)
    element("text", attributes, text: content)
  }
}
