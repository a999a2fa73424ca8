import MoEStats
import Testing

struct FisherCase: Sendable, CustomTestStringConvertible {
  var table: [[Int]], twoSided: Double, greater: Double, less: Double, places: Int
  var testDescription: String { "\(table)" }
}

/// Fisher's exact test on 2×2 tables [[a, b], [c, d]] (rows = variants, columns = diverged, not).
@Suite struct FisherExactPValuesTests {
  @Test(arguments: [
    // harness-practice.md §5.4 (R fisher.test). Hand check: n1 = n2 = t = 4, P(X = k) =
    // C(4,k)C(4,4−k)/70 = 1, 16, 36, 16, 1 over 70; two-sided (1+16+16+1)/70, greater 17/70.
    FisherCase(
      table: [[3, 1], [1, 3]], twoSided: 0.4857, greater: 0.2429, less: 0.9857, places: 4),
    // §5.4; two-sided = 2/C(10,5) = 2/252, greater 1/252, less 1.
    FisherCase(table: [[5, 0], [0, 5]], twoSided: 0.0079, greater: 0.0040, less: 1, places: 4),
    // §5.4; greater = 1 since a = 0.
    FisherCase(table: [[0, 5], [4, 1]], twoSided: 0.0476, greater: 1, less: 0.0238, places: 4),
    // scipy.stats.fisher_exact([[2,7],[8,2]], alternative=...) (scipy 1.17.1), full precision.
    FisherCase(
      table: [[2, 7], [8, 2]], twoSided: 0.02301413756522116, greater: 0.9990149169715733,
      less: 0.01852172595206651, places: 12),
  ])
  func matchesReferenceValues(_ c: FisherCase) throws {
    let test = try FisherExactPValues(
      a: c.table[0][0], b: c.table[0][1], c: c.table[1][0], d: c.table[1][1])
    #expect(matches(test.pValue(.twoSided), c.twoSided, places: c.places))
    #expect(matches(test.pValue(.greater), c.greater, places: c.places))
    #expect(matches(test.pValue(.less), c.less, places: c.places))
  }

  // [[3,0],[0,3]]: two-sided p is 2/C(6,3) = 0.1 exactly; every other table with these margins
  // has probability 9/20, so the tolerance must not pull them in, and rounding must not push
  // the mirrored table out.
  @Test func twoSidedKeepsTheMirroredTableOnly() throws {
    #expect(
      agrees(try FisherExactPValues(a: 3, b: 0, c: 0, d: 3).twoSidedPValue, 0.1, relative: 1e-12))
  }

  // [[0,6],[7,4]]: n1 = 7, n2 = 10, t = 6, C(17,6) = 12376 and C(7,k)·C(10,6−k) for k = 0...6 is
  // 210, 1764, 4410, 4200, 1575, 210, 7 (by hand). k = 5 ties the observed k = 0 exactly, but
  // GSL's pdf puts it 1e-15 higher (found with a C program against exact fractions), so the
  // two-sided p is (210 + 210 + 7)/12376 = 427/12376 only with the 1e-7 tolerance; without it,
  // 217/12376. scipy.stats.fisher_exact agrees: 0.034502262443438916.
  @Test func twoSidedCountsTablesThatTieOnlyInExactArithmetic() throws {
    let test = try FisherExactPValues(a: 0, b: 6, c: 7, d: 4)
    #expect(agrees(test.twoSidedPValue, 427.0 / 12376, relative: 1e-12))
    #expect(agrees(test.lessPValue, 210.0 / 12376, relative: 1e-12) && test.greaterPValue == 1)
  }

  // An empty row or column leaves a single possible table: nothing to test, p = 1.
  @Test(arguments: [[0, 0, 0, 0], [0, 0, 2, 3], [4, 0, 1, 0]])
  func degenerateTablesHavePValueOne(_ t: [Int]) throws {
    let test = try FisherExactPValues(a: t[0], b: t[1], c: t[2], d: t[3])
    #expect(test.twoSidedPValue == 1 && test.greaterPValue == 1 && test.lessPValue == 1)
  }

  @Test func negativeEntriesThrow() {
    #expect(throws: StatisticsError.self) { try FisherExactPValues(a: 1, b: -1, c: 0, d: 0) }
  }
}
