import Foundation
import MoEKernels
import MoETestSupport
import Testing

/// The vectorised kernels against plain scalar references: bit for bit where the arithmetic
/// is the same operations in the same order (elementwise work, bfloat16 rounding), within a
/// stated tolerance where only a sum is reassociated or double precision is the reference.
/// Sizes are odd so that lane blocks and scalar tails both run.
@Suite("Vector kernels match their scalar references")
struct VectorKernelTests {
  static func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

  /// The fused bfloat16 GEGLU gives the bits of the unfused recipe: round gate and linear,
  /// GELU, product, round.
  @Test func fusedBFloat16GEGLUForwardEqualsSeparatePasses() {
    let count = 45
    var gate = TestData.floats(count, seed: 21, scale: 4)
    var linear = TestData.floats(count, seed: 22, scale: 4)
    let roundedGate = gate.map(BFloat16.round)
    let roundedLinear = linear.map(BFloat16.round)
    let expected = zip(roundedGate, roundedLinear).map {
      BFloat16.round(ElementwiseMath.gelu($0) * $1)
    }
    var out = [Float](repeating: 0, count: count)
    var tanh = out
    Activation.gegluForwardRoundingToBFloat16(
      out: &out, tanh: &tanh, gate: &gate, linear: &linear, count: count)
    #expect(Self.bits(out) == Self.bits(expected))
    #expect(
      Self.bits(gate) == Self.bits(roundedGate) && Self.bits(linear) == Self.bits(roundedLinear))
    #expect(Self.bits(tanh) == Self.bits(roundedGate.map(ElementwiseMath.geluTanh)))
  }

  /// GEGLU backward from the saved tanh equals the recomputing scalar formula, accumulated or
  /// written, float32 or bfloat16.
  @Test(arguments: [true, false], [true, false])
  func gegluBackwardEqualsScalarFormula(accumulate: Bool, round: Bool) {
    let count = 45
    let gate = TestData.floats(count, seed: 23, scale: 4)
    let linear = TestData.floats(count, seed: 24)
    let dout = TestData.floats(count, seed: 25)
    let initial = TestData.floats(count, seed: 26)
    let tanh = gate.map(ElementwiseMath.geluTanh)
    var dgate = initial
    var dlinear = initial
    Activation.gegluBackward(
      dgate: &dgate, dlinear: &dlinear, dout: dout, gate: gate, linear: linear, tanh: tanh,
      count: count, accumulate: accumulate, roundToBFloat16: round)
    let r: (Float) -> Float = round ? BFloat16.round : { $0 }
    for i in 0..<count {
      let d = r(dout[i])
      let start: Float = accumulate ? initial[i] : 0
      let expectedGate = r(start + d * linear[i] * ElementwiseMath.geluDerivative(gate[i]))
      let expectedLinear = r(start + d * ElementwiseMath.gelu(gate[i]))
      #expect(dgate[i].bitPattern == expectedGate.bitPattern, "dgate[\(i)]")
      #expect(dlinear[i].bitPattern == expectedLinear.bitPattern, "dlinear[\(i)]")
    }
  }

  @Test func roundingCopyEqualsScalarRounding() {
    var random = RandomStream(seed: 27)
    let source = (0..<1037).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: random.next()))
    }
    var destination = [Float](repeating: 0, count: source.count)
    BFloat16.round(from: source, into: &destination, count: source.count)
    let expected = source.map(BFloat16.round)
    for (actual, wanted) in zip(destination, expected) {
      #expect(wanted.isNaN ? actual.isNaN : actual.bitPattern == wanted.bitPattern)
    }
  }

  /// Softmax rows against double precision, and the documented non-finite behaviour.
  /// Tolerance, relative: 1e-6 (the polynomial exp's 4e-7 plus a float32 sum and product) plus
  /// 1.2e-7·|x − max| (the float32 rounding of the exponent's argument, half an ulp).
  @Test(arguments: [5, 8, 29, 64])
  func softmaxRowAgainstDouble(count: Int) {
    let inp = TestData.floats(count, seed: UInt64(30 + count), scale: 20)
    var out = [Float](repeating: 0, count: count)
    let lse = Softmax.row(out: &out, inp: inp, count: count)
    let m = Double(inp.max()!)
    let sum = inp.reduce(0.0) { $0 + Foundation.exp(Double($1) - m) }
    #expect(abs(Double(lse) - (m + Foundation.log(sum))) < 1e-6 * max(1, abs(m)))
    for i in 0..<count {
      let reference = Foundation.exp(Double(inp[i]) - m) / sum
      let tolerance = (1e-6 + 1.2e-7 * (m - Double(inp[i]))) * reference
      #expect(abs(Double(out[i]) - reference) <= tolerance, "p[\(i)]")
    }
    var withNaN = inp
    withNaN[count / 2] = .nan
    #expect(Softmax.row(out: &out, inp: withNaN, count: count).isNaN && out.allSatisfy(\.isNaN))
    var withMinusInfinity = inp
    withMinusInfinity[count - 1] = -.infinity
    let finite = Softmax.row(out: &out, inp: withMinusInfinity, count: count)
    #expect(finite.isFinite && out[count - 1] < 1e-37 && out.allSatisfy(\.isFinite))
  }

  /// Causal attention rows against a double-precision reference at T = 13 (a lane block, a
  /// masked lane block and a scalar tail): probabilities within 1e-6, entries past the causal
  /// end exactly 0; in bfloat16 mode every stored logit and probability is representable and
  /// the probabilities are those of the rounded logits.
  @Test(arguments: [false, true])
  func attentionRowsAgainstDouble(round: Bool) {
    let b = 1
    let t = 13
    let c = 8
    let heads = 2
    let hs = c / heads
    let n = b * t
    let q = TestData.floats(n * c, seed: 41, scale: 3)
    let k = TestData.floats(n * c, seed: 42, scale: 3)
    let v = TestData.floats(n * c, seed: 43)
    var out = [Float](repeating: 0, count: n * c)
    var probs = [Float](repeating: 0, count: heads * t * t)
    var logits = probs
    var lse = [Float](repeating: 0, count: heads * t)
    let stats = CausalAttention.forward(
      out: &out, probs: &probs, logits: &logits, lse: &lse, q: q, k: k, v: v, batch: b, time: t,
      channels: c, heads: heads, softCap: 0, roundToBFloat16: round)
    var maxAbs: Float = 0
    for h in 0..<heads {
      for i in 0..<t {
        let row = (h * t + i) * t
        var scores: [Double] = []
        for j in 0...i {
          var dot: Float = 0
          for d in 0..<hs { dot += q[i * c + h * hs + d] * k[j * c + h * hs + d] }
          // The stored logit is the GEMM's (its own summation order), rounded in bfloat16.
          let raw = Double(dot) / Double(hs).squareRoot()
          #expect(
            abs(Double(logits[row + j]) - raw) <= (round ? 1.0 / 256 : 1e-5) * max(1, abs(raw)))
          scores.append(Double(logits[row + j]))
          maxAbs = max(maxAbs, abs(logits[row + j]))
        }
        let m = scores.max()!
        let sum = scores.reduce(0.0) { $0 + Foundation.exp($1 - m) }
        #expect(abs(Double(lse[h * t + i]) - (m + Foundation.log(sum))) < 1e-5)
        for j in 0...i {
          let reference = Foundation.exp(scores[j] - m) / sum
          let tolerance = round ? reference / 128 : 1e-6 * reference + 1e-12
          #expect(abs(Double(probs[row + j]) - reference) <= tolerance, "p[\(h), \(i), \(j)]")
          if round {
            #expect(
              BFloat16.isRepresentable(probs[row + j]) && BFloat16.isRepresentable(logits[row + j]))
          }
        }
        for j in (i + 1)..<t { #expect(probs[row + j] == 0 && logits[row + j] == 0) }
      }
    }
    #expect(stats.maxAbsLogit == maxAbs)
  }

  /// RMSNorm against double precision (relative 1e-6: float32 products, reassociated sums).
  @Test func rmsNormAgainstDouble() {
    let n = 3
    let c = 37
    let x = TestData.floats(n * c, seed: 51, scale: 3)
    let scale = TestData.floats(c, seed: 52)
    var out = [Float](repeating: 0, count: n * c)
    var rstd = [Float](repeating: 0, count: n)
    RMSNorm.forward(out: &out, rstd: &rstd, inp: x, scale: scale, rows: n, channels: c)
    for row in 0..<n {
      let values = x[(row * c)..<((row + 1) * c)].map(Double.init)
      let r = 1 / (values.reduce(0) { $0 + $1 * $1 } / Double(c) + RMSNorm.epsilon).squareRoot()
      #expect(abs(Double(rstd[row]) - r) <= 1e-6 * r)
      for i in 0..<c {
        let reference = values[i] * r * Double(scale[i])
        #expect(abs(Double(out[row * c + i]) - reference) <= 1e-6 * max(1, abs(reference)))
      }
    }
  }

  /// Σ x² in lanes against a sequential Double sum (relative 1e-13: reassociation only).
  @Test func sumOfSquaresAgainstSequentialSum() {
    let x = TestData.floats(1003, seed: 53, scale: 5)
    let sequential = x.reduce(0.0) { $0 + Double($1) * Double($1) }
    #expect(abs(Elementwise.sumOfSquares(x, count: x.count) - sequential) <= 1e-13 * sequential)
  }

  /// Kernels that round their own output give the bits of the same kernel followed by a
  /// separate rounding pass.
  @Test func fusedRoundingEqualsASeparatePass() {
    let n = 3, c = 21, v = 13
    let x = TestData.floats(n * c, seed: 71, scale: 3), scale = TestData.floats(c, seed: 72)
    let dy = TestData.floats(n * c, seed: 73)
    var rstd = [Float](repeating: 0, count: n)
    var fused = [Float](repeating: 0, count: n * c), separate = fused
    RMSNorm.forward(
      out: &fused, rstd: &rstd, inp: x, scale: scale, rows: n, channels: c, roundToBFloat16: true)
    RMSNorm.forward(out: &separate, rstd: &rstd, inp: x, scale: scale, rows: n, channels: c)
    BFloat16.roundInPlace(&separate, count: n * c)
    #expect(Self.bits(fused) == Self.bits(separate))
    var fusedGradient = dy, separateGradient = dy
    RMSNorm.backward(
      dinp: &fusedGradient, dscale: nil, dout: dy, inp: x, scale: scale, rstd: rstd, rows: n,
      channels: c, roundToBFloat16: true)
    RMSNorm.backward(
      dinp: &separateGradient, dscale: nil, dout: dy, inp: x, scale: scale, rstd: rstd, rows: n,
      channels: c)
    BFloat16.roundInPlace(&separateGradient, count: n * c)
    #expect(Self.bits(fusedGradient) == Self.bits(separateGradient))

    let tokens: [Int32] = [2, 0, 1]
    let table = TestData.floats(3 * c, seed: 74), positions = TestData.floats(n * c, seed: 75)
    var embedded = fused, reference = fused
    Embedding.forward(
      out: &embedded, tokens: tokens, tokenEmbedding: table, positionEmbedding: positions,
      batch: 1, time: n, channels: c, roundToBFloat16: true)
    Embedding.forward(
      out: &reference, tokens: tokens, tokenEmbedding: table, positionEmbedding: positions,
      batch: 1, time: n, channels: c)
    BFloat16.roundInPlace(&reference, count: n * c)
    #expect(Self.bits(embedded) == Self.bits(reference))

    var logits = TestData.floats(n * v, seed: 76, scale: 4), roundedLogits = logits
    BFloat16.roundInPlace(&roundedLogits, count: n * v)
    let targets: [Int32] = [3, 12, 0]
    var probs = [Float](repeating: 0, count: n * v), lse = [Float](repeating: 0, count: n)
    var referenceProbs = probs, referenceLse = lse
    let fusedSums = SoftmaxCrossEntropy.forwardRoundingLogitsToBFloat16(
      probs: &probs, lse: &lse, logits: &logits, targets: targets, rows: n, classes: v)
    let sums = SoftmaxCrossEntropy.forward(
      probs: &referenceProbs, lse: &referenceLse, logits: roundedLogits, targets: targets, rows: n,
      classes: v)
    #expect(Self.bits(logits) == Self.bits(roundedLogits))
    #expect(Self.bits(probs) == Self.bits(referenceProbs))
    #expect(Self.bits(lse) == Self.bits(referenceLse))
    #expect(fusedSums.crossEntropy == sums.crossEntropy)
    var dFused = [Float](repeating: 0, count: n * v), dSeparate = dFused
    SoftmaxCrossEntropy.backward(
      dlogits: &dFused, probs: probs, lse: lse, targets: targets, rows: n, classes: v,
      ceScale: 1.0 / 3, zScale: 0.01, roundToBFloat16: true)
    SoftmaxCrossEntropy.backward(
      dlogits: &dSeparate, probs: probs, lse: lse, targets: targets, rows: n, classes: v,
      ceScale: 1.0 / 3, zScale: 0.01)
    BFloat16.roundInPlace(&dSeparate, count: n * v)
    #expect(Self.bits(dFused) == Self.bits(dSeparate))
  }
}
