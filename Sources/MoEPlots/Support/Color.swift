/// An opaque sRGB colour, written into SVG as `#rrggbb` (valid in SVG 1.1, unlike `rgba()`).
///
/// Transparency is a separate `stroke-opacity` / `fill-opacity`, never part of the colour.
public struct Color: Hashable, Sendable, CustomStringConvertible {
  /// Red channel, 0–255.
  public var red: UInt8
  /// Green channel, 0–255.
  public var green: UInt8
  /// Blue channel, 0–255.
  public var blue: UInt8

  /// A colour from its three 8-bit channels.
  public init(red: UInt8, green: UInt8, blue: UInt8) {
    (self.red, self.green, self.blue) = (red, green, blue)
  }

  /// A colour from a 24-bit `0xRRGGBB` literal, e.g. `Color(hex: 0x0072B2)`.
  public init(hex: UInt32) {
    self.init(
      red: UInt8((hex >> 16) & 0xFF), green: UInt8((hex >> 8) & 0xFF), blue: UInt8(hex & 0xFF))
  }

  /// `#rrggbb`, lower-case hexadecimal.
  public var description: String {
    let digits = Array("0123456789abcdef")
    var text = "#"
    for channel in [red, green, blue] {
      text.append(digits[Int(channel >> 4)])
      text.append(digits[Int(channel & 0x0F)])
    }
    return text
  }

  /// Pure black.
  public static let black = Color(hex: 0x000000)
  /// Pure white.
  public static let white = Color(hex: 0xFFFFFF)
  /// Dark grey for axes, text and legend swatches of markers.
  static let ink = Color(hex: 0x222222)
  /// Mid grey for secondary text and reference lines.
  static let mutedInk = Color(hex: 0x555555)
  /// Light grey for grid lines.
  static let grid = Color(hex: 0xE3E3E3)
}
