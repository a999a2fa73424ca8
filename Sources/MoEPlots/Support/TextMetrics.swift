/// Approximate text widths for layout, without a font engine.
///
/// The factors are average advance widths of DejaVu Sans / Helvetica in em (digits 0.64,
/// lower case ≈ 0.56, upper case ≈ 0.7, narrow glyphs ≈ 0.3). Estimates run slightly wide on
/// purpose: overestimating only wastes a few pixels, underestimating clips labels.
enum TextMetrics {
  /// Bold glyphs of DejaVu Sans are about 12 % wider.
  static let boldFactor = 1.12

  /// Estimated rendered width in px of `text` at `fontSize` px.
  static func width(of text: String, fontSize: Double, isBold: Bool = false) -> Double {
    var ems = 0.0
    for character in text {
      ems += advance(of: character)
    }
    return ems * fontSize * (isBold ? boldFactor : 1)
  }

  /// `text` cut at a character boundary and ended with "…" so that it fits in `maxWidth` px.
  static func truncated(
    _ text: String, toWidth maxWidth: Double, fontSize: Double, isBold: Bool = false
  ) -> String {
    guard width(of: text, fontSize: fontSize, isBold: isBold) > maxWidth else { return text }
    let scale = fontSize * (isBold ? boldFactor : 1)
    var kept = ""
    var used = advance(of: "…") * scale
    for character in text {
      let next = advance(of: character) * scale
      if used + next > maxWidth { break }
      kept.append(character)
      used += next
    }
    return kept + "…"
  }

  private static func advance(of character: Character) -> Double {
    switch character {
    case "0"..."9": return 0.64
    case "i", "j", "l", "I", ".", ",", ":", ";", "'", "!", "|", " ": return 0.32
    case "f", "t", "r", "(", ")", "[", "]", "-": return 0.4
    case "m", "w": return 0.92
    case "M", "W": return 0.98
    case "A"..."Z": return 0.72
    case "a"..."z": return 0.58
    default: return 0.7
    }
  }
}
