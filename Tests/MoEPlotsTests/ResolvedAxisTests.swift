import Testing

@testable import MoEPlots

/// Domains chosen for fitted axes.
@Suite struct ResolvedAxisTests {
  /// Data 2.4…10 on a log axis: padded by 3 % of the log span (×/÷ 10^0.0186 ≈ 1.044) to
  /// 2.30…10.44. Inside are only 5 and 10 (1-2-5) and 10 (decade), too few; linear covering
  /// ticks: s = 8.14 → S = 10, step 2, ⌊1.15⌋ = 1 … ⌈5.22⌉ = 6 steps → 2…12, which becomes
  /// the domain so that both ends are labelled.
  @Test func narrowLogDataGetsCoveringLinearTicks() {
    let axis = ResolvedAxis(Axis(scale: .logarithmic), values: [2.4, 10], targetTickCount: 5)
    #expect(axis.ticks.values == [2, 4, 6, 8, 10, 12])
    #expect(axis.domain == 2...12)
  }

  /// Data 1e-3…20 spans four decades: powers of ten inside the padded range, and the domain
  /// is the data range widened by 3 % of 4.3 decades (×/÷ 10^0.129 ≈ 1.346) on each side.
  @Test func wideLogDataKeepsPaddedDomainAndDecadeTicks() {
    let axis = ResolvedAxis(Axis(scale: .logarithmic), values: [1e-3, 20], targetTickCount: 5)
    #expect(axis.ticks.values == [0.001, 0.01, 0.1, 1, 10])
    #expect(abs(axis.domain.lowerBound - 1e-3 / 1.3460) < 1e-6)
    #expect(abs(axis.domain.upperBound - 20 * 1.3460) < 1e-3)
  }

  /// Nothing drawable: the documented fallbacks.
  @Test func emptyDataFallsBackToUnitDomains() {
    #expect(ResolvedAxis(Axis(), values: [.nan], targetTickCount: 5).domain == 0...1)
    #expect(
      ResolvedAxis(Axis(scale: .logarithmic), values: [0, -1], targetTickCount: 5).domain
        == 1...10)
  }

  /// Fractions: linear midpoint, log midpoint of a decade pair, and nil for what can't be drawn.
  @Test func fractionsAlongTheAxis() {
    let linear = ResolvedAxis(Axis(domain: 0...4), values: [], targetTickCount: 5)
    #expect(linear.fraction(of: 1) == 0.25 && linear.fraction(of: .nan) == nil)
    let log = ResolvedAxis(
      Axis(scale: .logarithmic, domain: 0.01...1), values: [], targetTickCount: 5)
    #expect(abs(log.fraction(of: 0.1)! - 0.5) < 1e-12)
    #expect(log.fraction(of: 0) == nil && log.fraction(of: -3) == nil)
  }
}
