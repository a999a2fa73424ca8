/// A point in SVG pixel space (y grows downwards).
struct Point: Equatable, Sendable {
  var x: Double
  var y: Double
}

/// An axis-aligned rectangle in SVG pixel space.
struct Rect: Equatable, Sendable {
  var x: Double
  var y: Double
  var width: Double
  var height: Double

  var minX: Double { x }
  var maxX: Double { x + width }
  var minY: Double { y }
  var maxY: Double { y + height }
  var center: Point { Point(x: x + width / 2, y: y + height / 2) }

  /// True when the two rectangles share interior area (touching edges do not count).
  func overlaps(_ other: Rect) -> Bool {
    minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
  }

  /// True when `other` lies entirely inside this rectangle (edges included).
  func contains(_ other: Rect) -> Bool {
    other.minX >= minX && other.maxX <= maxX && other.minY >= minY && other.maxY <= maxY
  }

  /// This rectangle grown by `amount` on every side (shrunk if negative).
  func insetBy(_ amount: Double) -> Rect {
    Rect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
  }
}
