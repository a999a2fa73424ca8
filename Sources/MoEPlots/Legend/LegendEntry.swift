/// One legend line: a small sample of what is drawn, and what it means.
struct LegendEntry: Equatable {
  /// The sample drawn before the label.
  enum Swatch: Equatable {
    /// A short stretch of line.
    case line(Stroke)
    /// A single marker.
    case marker(MarkerShape, Color, filled: Bool)
    /// A point with a horizontal and a vertical error bar.
    case errorBars(Color)
    /// Nothing (a note such as "… and 3 more").
    case none
  }

  var label: String
  var swatch: Swatch
}

extension [LegendEntry] {
  /// The entries with repeats (same label and swatch) removed, first occurrence kept.
  var deduplicated: [LegendEntry] {
    var kept: [LegendEntry] = []
    for entry in self where !kept.contains(entry) {
      kept.append(entry)
    }
    return kept
  }
}
