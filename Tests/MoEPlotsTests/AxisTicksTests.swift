import MoEPlots
import Testing

/// Heckbert's nice numbers, worked out by hand. With span s and target count 5: the span is
/// raised to a nice number S (f = s / 10^⌊log₁₀s⌋; f ≤ 1, 2, 5 → 1, 2, 5, else 10), the step is
/// S / 4 rounded to a nice number (f < 1.5, 3, 7 → 1, 2, 5, else 10), and the ticks run from
/// ⌊min / step⌋ to ⌈max / step⌉ steps. Values are compared with `==` against decimal literals:
/// a tick must be the double nearest its decimal, not an accumulated 0.6000000000000001.
@Suite struct AxisTicksTests {
  /// s = 0.93 → f 9.3 → S = 1; 1 / 4 = 0.25 → f 2.5 → step 0.2; 0 … ⌈4.65⌉ = 5 steps.
  @Test func zeroToPointNineThree() {
    let ticks = AxisTicks.linear(covering: 0...0.93)
    #expect(ticks.values == [0, 0.2, 0.4, 0.6, 0.8, 1.0])
    #expect(ticks.labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
  }

  /// s = 7.5 → S = 10; 10 / 4 = 2.5 → step 2; ⌊0.85⌋ = 0 … ⌈4.6⌉ = 5 steps.
  @Test func onePointSevenToNinePointTwo() {
    let ticks = AxisTicks.linear(covering: 1.7...9.2)
    #expect(ticks.values == [0, 2, 4, 6, 8, 10])
    #expect(ticks.labels == ["0", "2", "4", "6", "8", "10"])
  }

  /// 5…5 is widened to 5 ± 10^⌊log₁₀5⌋ = 4…6: s = 2 → S = 2; 0.5 → step 0.5.
  @Test func singleValueRangeIsWidenedAroundTheValue() {
    let ticks = AxisTicks.linear(covering: 5...5)
    #expect(ticks.values == [4, 4.5, 5, 5.5, 6])
    #expect(ticks.labels == ["4.0", "4.5", "5.0", "5.5", "6.0"])
  }

  /// 0…0 is widened to −1…1: s = 2 → S = 2; step 0.5.
  @Test func zeroRangeIsWidenedToPlusMinusOne() {
    #expect(AxisTicks.linear(covering: 0...0).values == [-1, -0.5, 0, 0.5, 1])
  }

  /// s = 6.9 → S = 10; step 2; ⌊−3.65⌋ = −4 … ⌈−0.2⌉ = 0 steps. The top label is "0", not "-0".
  @Test func negativeRange() {
    let ticks = AxisTicks.linear(covering: -7.3...(-0.4))
    #expect(ticks.values == [-8, -6, -4, -2, 0])
    #expect(ticks.labels == ["-8", "-6", "-4", "-2", "0"])
  }

  /// s = 0.7 → f 7 → S = 1; step 0.2; ⌊−1.75⌋ = −2 … ⌈1.75⌉ = 2 steps.
  @Test func rangeAcrossZero() {
    let ticks = AxisTicks.linear(covering: -0.35...0.35)
    #expect(ticks.values == [-0.4, -0.2, 0, 0.2, 0.4])
    #expect(ticks.labels == ["-0.4", "-0.2", "0.0", "0.2", "0.4"])
  }

  /// s = 0.2 → S = 0.2; 0.05 → f 5 → step 0.05; 2 … 6 steps. 3 × 0.05 must be 0.15.
  @Test func fractionalStepsAreExactDecimals() {
    let ticks = AxisTicks.linear(covering: 0.1...0.3)
    #expect(ticks.values == [0.1, 0.15, 0.2, 0.25, 0.3])
    #expect(ticks.labels == ["0.10", "0.15", "0.20", "0.25", "0.30"])
  }

  /// Target 11 on 0…1: S = 1, 1 / 10 = 0.1 → step 0.1. Naive accumulation gives
  /// 0.30000000000000004 at the fourth tick.
  @Test func noFloatingPointNoiseInValuesOrLabels() {
    let ticks = AxisTicks.linear(covering: 0...1, targetCount: 11)
    #expect(ticks.values[3] == 0.3 && ticks.values[7] == 0.7)
    #expect(ticks.labels == (0...10).map { $0 == 10 ? "1.0" : "0.\($0)" })
  }

  /// Inside a fixed 0…0.93 the same step 0.2 gives 0 … ⌊4.65⌋ = 4 steps: 1.0 is outside.
  @Test func ticksWithinAFixedRangeStayInside() {
    #expect(AxisTicks.linear(within: 0...0.93).values == [0, 0.2, 0.4, 0.6, 0.8])
  }

  /// s = 3e-7 → S = 5e-7; 1.25e-7 → step 1e-7, below the plain-decimal range: scientific.
  @Test func tinyStepsGetScientificLabels() {
    let ticks = AxisTicks.linear(covering: 0...3e-7)
    #expect(ticks.values == [0, 1e-7, 2e-7, 3e-7])
    #expect(ticks.labels == ["0", "1e-7", "2e-7", "3e-7"])
  }

  /// Powers of ten inside 1e-3…20: 10⁻³ … 10¹ (100 is outside).
  @Test func logTicksArePowersOfTen() {
    let ticks = AxisTicks.logarithmic(within: 1e-3...2e1)
    #expect(ticks.values == [0.001, 0.01, 0.1, 1, 10])
    #expect(ticks.labels == ["0.001", "0.01", "0.1", "1", "10"])
  }

  /// Only 1 and 10 are powers of ten inside 0.3…30, so 1-2-5 multiples are used.
  @Test func logTicksFallBackToOneTwoFive() {
    let ticks = AxisTicks.logarithmic(within: 0.3...30)
    #expect(ticks.values == [0.5, 1, 2, 5, 10, 20])
    #expect(ticks.labels == ["0.5", "1", "2", "5", "10", "20"])
  }

  /// Inside 2.1…10.4 only 5 and 10 are 1-2-5 multiples, so linear ticks inside the range:
  /// s = 8.3 → S = 10, step 2, ⌈1.05⌉ = 2 … ⌊5.2⌋ = 5 steps.
  @Test func logTicksOnANarrowRangeFallBackToLinear() {
    #expect(AxisTicks.logarithmic(within: 2.1...10.4).values == [4, 6, 8, 10])
  }

  /// 13 decades 10⁻⁸…10⁴ exceed 8 labels: every second one, on even exponents.
  @Test func logTicksThinOutOverManyDecades() {
    let ticks = AxisTicks.logarithmic(within: 1e-8...1e4)
    #expect(ticks.values == [1e-8, 1e-6, 1e-4, 1e-2, 1, 1e2, 1e4])
    #expect(ticks.labels == ["1e-8", "1e-6", "0.0001", "0.01", "1", "100", "10000"])
  }
}
