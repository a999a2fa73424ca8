import Testing

@testable import MoEPlots

/// Fixed decimals, colours and the palette, against values written out by hand.
@Suite struct NumberFormattingTests {
  struct FixedCase: Sendable, CustomTestStringConvertible {
    var value: Double, decimals: Int, text: String
    var testDescription: String { "\(value) with \(decimals) → \(text)" }
  }

  @Test(arguments: [
    FixedCase(value: 3.14159, decimals: 2, text: "3.14"),
    FixedCase(value: 0.30000000000000004, decimals: 1, text: "0.3"),  // the classic
    FixedCase(value: -0.001, decimals: 2, text: "0.00"),  // no "-0.00"
    FixedCase(value: -2.5, decimals: 1, text: "-2.5"),
    FixedCase(value: 12.5, decimals: 0, text: "13"),  // half away from zero
    FixedCase(value: 0.05, decimals: 2, text: "0.05"),  // leading zeros after the point
    FixedCase(value: 1234567.891, decimals: 2, text: "1234567.89"),
    FixedCase(value: 7, decimals: 2, text: "7.00"),
  ])
  func fixedPointWritesExactlyTheAskedDecimals(_ c: FixedCase) {
    #expect(FixedPoint.string(c.value, decimals: c.decimals) == c.text)
  }

  /// Far-off coordinates are clamped to ±10⁷ px instead of overflowing.
  @Test func coordinatesAreClamped() {
    #expect(FixedPoint.coordinate(1e300) == "10000000.00")
    #expect(FixedPoint.coordinate(-1e300) == "-10000000.00")
  }

  /// Scientific labels drop trailing zeros: 15 × 10⁻⁶ = 1.5e-5, 2000 × 10⁵ = 2e8.
  @Test func scientificTickLabels() {
    #expect(TickLabel.scientific(15, exponent: -6) == "1.5e-5")
    #expect(TickLabel.scientific(2000, exponent: 5) == "2e8")
    #expect(TickLabel.scientific(-25, exponent: -8) == "-2.5e-7")
  }

  /// Okabe & Ito's published hex values, in the documented order.
  @Test func paletteIsOkabeItoWithoutBlack() {
    #expect(
      Palette.colors.map(\.description) == [
        "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#f0e442",
      ])
  }

  /// The eighth name reuses the first colour, dashed.
  @Test func paletteCyclesWithADashPattern() {
    #expect(Palette.color(at: 7) == Palette.color(at: 0))
    #expect(Palette.dashPattern(at: 0).isEmpty && !Palette.dashPattern(at: 7).isEmpty)
  }

  @Test func colorHexRoundTrip() {
    #expect(Color(hex: 0x0A0B0C) == Color(red: 10, green: 11, blue: 12))
    #expect(Color(red: 255, green: 0, blue: 171).description == "#ff00ab")
  }
}
