import MoEStats
import Testing

/// Holm–Bonferroni adjustment.
@Suite struct MultipleTestingTests {
  // By hand, m = 4: sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04;
  // running maximum 0.02, 0.03, 0.06, 0.06; back in input order [0.03, 0.06, 0.06, 0.02].
  @Test func adjustsByHand() throws {
    let adjusted = try MultipleTesting.holmAdjusted([0.01, 0.04, 0.03, 0.005])
    let expected = [0.03, 0.06, 0.06, 0.02]
    #expect(zip(adjusted, expected).allSatisfy { agrees($0, $1, relative: 1e-12) })
  }

  // Capped at 1 and monotone: 2·0.5 = 1, then max(1, 0.6) = 1.
  @Test func capsAtOne() throws {
    #expect(try MultipleTesting.holmAdjusted([0.6, 0.5]) == [1, 1])
  }

  @Test func emptyAndSingleLists() throws {
    #expect(try MultipleTesting.holmAdjusted([]) == [])
    #expect(try MultipleTesting.holmAdjusted([0.2]) == [0.2])
  }

  @Test(arguments: [-0.1, 1.5, Double.nan])
  func invalidPValuesThrow(bad: Double) {
    #expect(throws: StatisticsError.self) { try MultipleTesting.holmAdjusted([0.1, bad]) }
  }
}
