/// An ordered list of attributes for one SVG element, formatted on insertion.
///
/// Order is insertion order, so output is deterministic. A non-finite number poisons the list
/// (``isDrawable`` becomes false) and the canvas then drops the element instead of writing
/// `nan` or `inf` into the file.
struct SVGAttributes {
  private(set) var pairs: [(name: String, value: String)] = []
  /// False once a non-finite number was added.
  private(set) var isDrawable = true

  /// Adds a text attribute; the value is escaped when written.
  mutating func add(_ name: String, _ value: String) {
    pairs.append((name, value))
  }

  /// Adds a pixel coordinate or length with two decimals.
  mutating func add(_ name: String, _ number: Double) {
    guard number.isFinite else {
      isDrawable = false
      return
    }
    pairs.append((name, FixedPoint.coordinate(number)))
  }

  /// Adds stroke colour, width, opacity (if below 1) and dash pattern (if any).
  mutating func add(_ stroke: Stroke) {
    add("stroke", stroke.color.description)
    add("stroke-width", stroke.width)
    if stroke.opacity < 1 { add("stroke-opacity", stroke.opacity) }
    if !stroke.dash.isEmpty {
      add("stroke-dasharray", stroke.dash.map(FixedPoint.coordinate).joined(separator: " "))
    }
  }

  /// Adds a fill colour, or `fill="none"` for `nil`, and the opacity if below 1.
  mutating func addFill(_ color: Color?, opacity: Double = 1) {
    add("fill", color?.description ?? "none")
    if color != nil && opacity < 1 { add("fill-opacity", opacity) }
  }

  /// ` name="value"` for every attribute, values escaped.
  var markup: String {
    pairs.map { " \($0.name)=\"\(XMLEscaping.escaped($0.value))\"" }.joined()
  }
}

/// How a line is stroked.
struct Stroke: Equatable {
  var color: Color
  var width: Double = 1
  /// 0…1; written as `stroke-opacity` when below 1.
  var opacity: Double = 1
  /// Dash and gap lengths in px; empty for a solid line.
  var dash: [Double] = []
}

/// How a piece of text is set.
struct TextStyle {
  enum Anchor: String {
    case start, middle, end
  }

  var size: Double = 11
  var color: Color = .ink
  var anchor: Anchor = .start
  var isBold = false
  var isItalic = false
  /// Degrees, about the text's anchor point; -90 turns a y-axis title upright.
  var rotation: Double = 0
  /// Draws a white outline under the text first, so it stays legible over lines.
  var hasHalo = false
}
