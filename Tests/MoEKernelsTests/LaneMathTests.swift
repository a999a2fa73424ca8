import Foundation
import MoEKernels
import Testing

/// The lane functions compute exactly what their scalar counterparts compute (the kernels'
/// vector loops and scalar tails must agree bit for bit), on random and special inputs.
@Suite("Lane math equals the scalar math bit for bit")
struct LaneMathTests {
  /// Random floats over many magnitudes, both signs, plus the special values.
  static func inputs(seed: UInt64, count: Int, magnitude: Float = 30) -> [Float] {
    var random = RandomStream(seed: seed)
    var values = (0..<count).map { _ in (2 * random.uniformFloat() - 1) * magnitude }
    values += [0, -0.0, 1, -1, 87.5, -87.5, 88.5, -100, 100, .infinity, -.infinity, .nan]
    values += [Float.leastNonzeroMagnitude, -Float.greatestFiniteMagnitude, 1e-30, -1e-30]
    while values.count % 8 != 0 { values.append(0.25) }
    return values
  }

  /// Applies `lane` eight values at a time and `scalar` one at a time; compares the bits
  /// (NaN against NaN).
  func expectLaneEqualsScalar(
    _ values: [Float], _ name: String, lane: (Lanes) -> Lanes, scalar: (Float) -> Float
  ) {
    var mismatches: [String] = []
    values.withUnsafeBufferPointer { buffer in
      for start in stride(from: 0, to: values.count, by: 8) {
        let result = lane(buffer.baseAddress!.lanes(at: start))
        for lane in 0..<8 {
          let x = values[start + lane]
          let expected = scalar(x)
          let actual = result[lane]
          let same = expected.isNaN ? actual.isNaN : expected.bitPattern == actual.bitPattern
          if !same { mismatches.append("\(name)(\(x)): lane \(actual), scalar \(expected)") }
        }
      }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
  }

  @Test func exponentialsAndGELU() {
    let values = Self.inputs(seed: 11, count: 4000)
    expectLaneEqualsScalar(values, "exp", lane: LaneMath.exp, scalar: ElementwiseMath.exp)
    expectLaneEqualsScalar(
      values, "fastExp", lane: LaneMath.fastExp, scalar: ElementwiseMath.fastExp)
    let small = Self.inputs(seed: 12, count: 4000, magnitude: 8)
    expectLaneEqualsScalar(
      small, "geluTanh", lane: LaneMath.geluTanh, scalar: ElementwiseMath.geluTanh)
    expectLaneEqualsScalar(small, "gelu", lane: LaneMath.gelu, scalar: ElementwiseMath.gelu)
    expectLaneEqualsScalar(
      small, "geluDerivative",
      lane: { LaneMath.geluDerivative($0, tanh: LaneMath.geluTanh($0)) },
      scalar: ElementwiseMath.geluDerivative)
  }

  /// Every bit equal, NaN payloads included (a NaN lane must not carry into the sign).
  @Test func bfloat16RoundingOnRandomBitPatterns() {
    var random = RandomStream(seed: 13)
    var patterns = (0..<65536).map { _ in UInt32(truncatingIfNeeded: random.next()) }
    patterns += [0x7FFF_FFFF, 0xFFFF_FFFF, 0x7F80_0001, 0x7FFF_8000, 0x7FBF_FFFF, 0x7F7F_FFFF]
    while patterns.count % 8 != 0 { patterns.append(0x7FC0_0000) }
    let values = patterns.map(Float.init(bitPattern:))
    var mismatches: [UInt32] = []
    values.withUnsafeBufferPointer { buffer in
      for start in stride(from: 0, to: values.count, by: 8) {
        let rounded = LaneMath.roundedToBFloat16(buffer.baseAddress!.lanes(at: start))
        for lane in 0..<8 {
          let expected = BFloat16.round(values[start + lane]).bitPattern
          if rounded[lane].bitPattern != expected { mismatches.append(patterns[start + lane]) }
        }
      }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
  }

  @Test func squareRootIsCorrectlyRounded() {
    let values = Self.inputs(seed: 14, count: 2000, magnitude: 1e6).map(abs)
    expectLaneEqualsScalar(values, "sqrt", lane: LaneMath.squareRoot, scalar: { $0.squareRoot() })
  }

  /// `maximum(x, running)` keeps the running value where x is NaN, as `Swift.max(running, x)`.
  @Test func maximumSkipsNaNInItsFirstOperand() {
    let x = Lanes(1, .nan, -3, 4, .nan, 0, -.infinity, 9)
    let running = Lanes(repeating: 2)
    let result = LaneMath.maximum(x, running)
    for lane in 0..<8 {
      #expect(result[lane] == Swift.max(running[lane], x[lane]), "lane \(lane)")
    }
    #expect(LaneMath.largestLane(Lanes(1, 5, -2, .nan, 3, 4, 0, -1)) == 5)
    #expect(LaneMath.firstLanes(3) == LaneMath.Bits(~0, ~0, ~0, 0, 0, 0, 0, 0))
    #expect(LaneMath.firstLanes(8) == LaneMath.Bits(repeating: ~0))
    #expect(LaneMath.firstLanes(0) == LaneMath.Bits(repeating: 0))
  }
}
