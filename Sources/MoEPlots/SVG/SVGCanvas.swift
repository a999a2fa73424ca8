/// Accumulates SVG markup, one element per line, with deterministic formatting.
///
/// Groups nest through ``group(_:_:)``; clip paths get sequential ids (`clip-1`, `clip-2`, …),
/// so two renders of the same chart produce identical bytes.
struct SVGCanvas {
  private(set) var lines: [String] = []
  private var depth = 1
  private var clipCount = 0

  /// Writes a self-closing element, or nothing if an attribute was non-finite.
  mutating func element(_ name: String, _ attributes: SVGAttributes) {
    guard attributes.isDrawable else { return }
    emit("<\(name)\(attributes.markup)/>")
  }

  /// Writes an element with escaped text content, or nothing if an attribute was non-finite.
  mutating func element(_ name: String, _ attributes: SVGAttributes, text: String) {
    guard attributes.isDrawable else { return }
    emit("<\(name)\(attributes.markup)>\(XMLEscaping.escaped(text))</\(name)>")
  }

  /// Wraps whatever `body` draws in a `<g>` with the given attributes.
  ///
  /// With a `tooltip`, the group starts with a `<title>` child, which browsers show on hover.
  mutating func group(
    _ attributes: SVGAttributes, tooltip: String? = nil, _ body: (inout SVGCanvas) -> Void
  ) {
    emit("<g\(attributes.markup)>")
    depth += 1
    if let tooltip { emit("<title>\(XMLEscaping.escaped(tooltip))</title>") }
    body(&self)
    depth -= 1
    emit("</g>")
  }

  /// Defines a rectangular clip path and returns the `url(#…)` reference to it.
  mutating func clipPath(to rect: Rect) -> String {
    clipCount += 1
    let id = "clip-\(clipCount)"
    emit("<clipPath id=\"\(id)\">")
    depth += 1
    var attributes = SVGAttributes()
    attributes.add("x", rect.x)
    attributes.add("y", rect.y)
    attributes.add("width", rect.width)
    attributes.add("height", rect.height)
    element("rect", attributes)
    depth -= 1
    emit("</clipPath>")
    return "url(#\(id))"
  }

  private mutating func emit(_ line: String) {
    lines.append(String(repeating: "  ", count: depth) + line)
  }
}
