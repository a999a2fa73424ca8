/// Wraps canvas markup into a standalone SVG 1.1 file.
enum SVGDocument {
  /// The font stack: DejaVu Sans is what the text metrics assume and what Linux renderers have.
  static let fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"

  /// A complete document: XML declaration, `<svg>` root with the SVG namespace, a `<title>`,
  /// a white background, then `canvas`'s elements. Ends with a newline.
  static func render(width: Double, height: Double, title: String, canvas: SVGCanvas) -> String {
    var root = SVGAttributes()
    root.add("xmlns", "http://www.w3.org/2000/svg")
    root.add("version", "1.1")
    root.add("width", width)
    root.add("height", height)
    root.add(
      "viewBox",
      [0, 0, width, height].map(FixedPoint.coordinate).joined(separator: " "))
    root.add("font-family", fontFamily)
    var lines = [
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>",
      "<svg\(root.markup)>",
      "  <title>\(XMLEscaping.escaped(title))</title>",
      "  <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>",
    ]
    lines += canvas.lines
    lines.append("</svg>")
    return lines.joined(separator: "\n") + "\n"
  }
}
