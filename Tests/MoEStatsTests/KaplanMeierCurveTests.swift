import MoEStats
import Testing

/// The product-limit estimate.
@Suite struct KaplanMeierCurveTests {
  // Events at 100 and 200, censored at 150 and 300. By hand: at t = 100 all 4 are at risk,
  // S = 3/4; at t = 200 two are (200 and 300; 150 left censored), S = 3/4 · 1/2 = 3/8.
  @Test func matchesHandComputation() {
    let curve = KaplanMeierCurve([
      EventTime(time: 100, event: true), EventTime(time: 150, event: false),
      EventTime(time: 200, event: true), EventTime(time: 300, event: false),
    ])
    #expect(curve.drops.map(\.time) == [100, 200])
    #expect(curve.drops.map(\.after) == [0.75, 0.375])
    #expect(curve.end == 300)
    let vertices = curve.stepVertices
    #expect(vertices.map(\.x) == [0, 100, 100, 200, 200, 300])
    #expect(vertices.map(\.y) == [1, 1, 0.75, 0.75, 0.375, 0.375])
  }

  /// Runs trained to one length: the curve is 1 − (diverged by t) / n; two events at one time
  /// make one drop.
  @Test func withCensoringOnlyAtTheEndItIsTheCumulativeFraction() {
    let times =
      [10, 20, 20, 40].map { EventTime(time: $0, event: true) }
      + Array(repeating: EventTime(time: 50, event: false), count: 4)
    let curve = KaplanMeierCurve(times)
    #expect(curve.drops.map(\.time) == [10, 20, 40])
    let expected = [7.0 / 8, 5.0 / 8, 4.0 / 8]
    for (drop, value) in zip(curve.drops, expected) { #expect(abs(drop.after - value) < 1e-15) }
  }

  @Test func noSubjectsOrNoEvents() {
    #expect(KaplanMeierCurve([]).stepVertices.isEmpty)
    let flat = KaplanMeierCurve([EventTime(time: 30, event: false)])
    #expect(flat.drops.isEmpty)
    #expect(flat.stepVertices.map(\.y) == [1, 1])
  }
}
