import MoEKernels
import Testing

/// bfloat16 rounding against bit patterns worked out by hand, and the ST-MoE paper's numbers.
@Suite("bfloat16 rounding is exact")
struct BFloat16Tests {
  struct Pattern: Sendable, CustomTestStringConvertible {
    var input: UInt32
    var expected: UInt32
    var why: String
    var testDescription: String { why }
  }

  // Each expected value is the input's top 16 bits, +1 when the low 16 bits exceed 0x8000, or
  // when they equal 0x8000 and bit 16 is odd (ties to even).
  static let patterns: [Pattern] = [
    Pattern(input: 0x3F80_0000, expected: 0x3F80_0000, why: "1.0 is representable"),
    Pattern(input: 0x3F80_8000, expected: 0x3F80_0000, why: "1 + 2^-8 is a tie: down to even 1.0"),
    Pattern(input: 0x3F81_8000, expected: 0x3F82_0000, why: "1 + 3·2^-8 is a tie: up to even"),
    Pattern(input: 0x3F80_8001, expected: 0x3F81_0000, why: "just above the tie rounds up"),
    Pattern(input: 0x3F80_7FFF, expected: 0x3F80_0000, why: "just below the tie rounds down"),
    Pattern(input: 0xBF80_8000, expected: 0xBF80_0000, why: "negative tie: to even, sign kept"),
    Pattern(input: 0x0000_0001, expected: 0x0000_0000, why: "smallest float32 subnormal to +0"),
    Pattern(input: 0x0000_8000, expected: 0x0000_0000, why: "subnormal tie to even 0"),
    Pattern(input: 0x0001_8000, expected: 0x0002_0000, why: "subnormal tie to even 2"),
    Pattern(
      input: 0x007F_FFFF, expected: 0x0080_0000, why: "largest subnormal up to smallest normal"),
    Pattern(input: 0x7F7F_FFFF, expected: 0x7F80_0000, why: "float32 max overflows to +inf"),
    Pattern(input: 0x7F7F_7FFF, expected: 0x7F7F_0000, why: "below the overflow tie stays finite"),
    Pattern(input: 0x7F80_0000, expected: 0x7F80_0000, why: "+inf stays +inf"),
    Pattern(input: 0xFF80_0000, expected: 0xFF80_0000, why: "-inf stays -inf"),
    Pattern(input: 0x8000_0000, expected: 0x8000_0000, why: "-0 stays -0"),
  ]

  @Test(arguments: patterns)
  func roundsToNearestEven(_ pattern: Pattern) {
    let rounded = BFloat16.round(Float(bitPattern: pattern.input))
    #expect(rounded.bitPattern == pattern.expected)
    var buffer = [Float](repeating: Float(bitPattern: pattern.input), count: 11)  // vector + tail
    buffer.withUnsafeMutableBufferPointer { BFloat16.roundInPlace($0.baseAddress!, count: 11) }
    #expect(buffer.allSatisfy { $0.bitPattern == pattern.expected })
  }

  @Test func nanStaysNaN() {
    for bits: UInt32 in [0x7F80_0001, 0x7FC0_0000, 0xFF80_0001, 0x7FFF_FFFF] {
      #expect(BFloat16.round(Float(bitPattern: bits)).isNaN)
      var buffer = [Float](repeating: 1.5, count: 20)
      buffer[3] = Float(bitPattern: bits)
      buffer.withUnsafeMutableBufferPointer { BFloat16.roundInPlace($0.baseAddress!, count: 20) }
      #expect(buffer[3].isNaN)
      #expect(buffer.enumerated().allSatisfy { $0.offset == 3 || $0.element == 1.5 })
    }
  }

  /// The vectorised path agrees with the scalar one on random bit patterns.
  @Test func vectorPathMatchesScalar() {
    var random = RandomStream(seed: 5)
    let values = (0..<4099).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: random.next()))
    }
    var buffer = values
    buffer.withUnsafeMutableBufferPointer {
      BFloat16.roundInPlace($0.baseAddress!, count: $0.count)
    }
    for (value, rounded) in zip(values, buffer) {
      let scalar = BFloat16.round(value)
      #expect(scalar.isNaN ? rounded.isNaN : rounded.bitPattern == scalar.bitPattern)
    }
  }

  /// ST-MoE Figure 2: the largest roundoff (one ulp = 2^(e−7)) in each range [2^e, 2^(e+1)).
  /// The paper prints 8288608 for [2^30, 2^31), a typo for 2^23 = 8388608.
  @Test(arguments: [
    (2.0, 0.015625), (32, 0.25), (1024, 8), (1_048_576, 8192), (1_073_741_824, 8_388_608),
  ])
  func roundoffTableOfThePaper(start: Double, roundoff: Double) {
    let low = Float(start), ulp = Float(roundoff)
    #expect(BFloat16.round(low + 0.51 * ulp) == low + ulp)
    #expect(BFloat16.round(low + 0.49 * ulp) == low)
    #expect(BFloat16.isRepresentable(low + ulp))
    #expect(!BFloat16.isRepresentable(low + ulp / 2))
  }

  /// ST-MoE footnote 7: ten logits of 128 and one of 128.5. bfloat16 rounds 128.5 to 128 (a
  /// tie at ulp 1, to even), so the largest probability drops from 1/(1 + 10·e^-0.5) = 0.1415
  /// to 1/11 = 0.0909.
  @Test func footnoteSevenSoftmaxExample() {
    var logits = [Float](repeating: 128, count: 11)
    logits[10] = 128.5
    var probs = [Float](repeating: 0, count: 11)
    Softmax.row(out: &probs, inp: logits, count: 11)
    #expect(abs(probs[10] - 0.1415) < 1e-4)
    #expect(BFloat16.round(128.5) == 128)
    let rounded = logits.map(BFloat16.round)
    Softmax.row(out: &probs, inp: rounded, count: 11)
    #expect(abs(probs[10] - 1.0 / 11) < 1e-6)
  }
}
