/// The Okabe–Ito colour-blind-safe palette, cycled, with a dash pattern per cycle.
///
/// Okabe & Ito (2008), "Color Universal Design": eight colours that stay distinguishable
/// under the common colour-vision deficiencies. Black is kept out of the cycle (it marks
/// baselines and annotations) and yellow comes last, because thin yellow lines on white are
/// hard to see. After seven names the colours repeat with a different dash pattern, so the
/// eighth name is blue dashed, the fifteenth blue dotted, and so on.
public enum Palette {
  /// The seven cycled colours, in assignment order.
  public static let colors: [Color] = [
    Color(hex: 0x0072B2),  // blue
    Color(hex: 0xD55E00),  // vermillion
    Color(hex: 0x009E73),  // bluish green
    Color(hex: 0xCC79A7),  // reddish purple
    Color(hex: 0xE69F00),  // orange
    Color(hex: 0x56B4E9),  // sky blue
    Color(hex: 0xF0E442),  // yellow
  ]

  /// Dash patterns (in px) for the first, second, … pass through `colors`; empty is solid.
  static let dashPatterns: [[Double]] = [[], [6, 3], [1.5, 2.5], [8, 3, 1.5, 3]]

  /// The colour of the `index`-th name (0-based), cycling through `colors`.
  public static func color(at index: Int) -> Color {
    precondition(index >= 0, "palette index must be non-negative")
    return colors[index % colors.count]
  }

  /// The dash pattern of the `index`-th name: solid for the first seven, then dashed, …
  static func dashPattern(at index: Int) -> [Double] {
    dashPatterns[(index / colors.count) % dashPatterns.count]
  }

  /// Palette slots for `names`: those in `preferredOrder` first (in that order), then the
  /// rest in order of first appearance. Duplicates are ignored.
  ///
  /// Passing the same `preferredOrder` (e.g. every variant of a sweep) to several figures gives
  /// each variant the same colour in all of them.
  static func slots(for names: [String], preferredOrder: [String]) -> [String: Int] {
    var slots: [String: Int] = [:]
    for name in preferredOrder + names where slots[name] == nil {
      slots[name] = slots.count
    }
    return slots
  }
}
