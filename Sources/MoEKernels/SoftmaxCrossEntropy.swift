/// Softmax cross-entropy of output logits, with the PaLM-style output z-loss.
///
/// Shapes: `logits`, `probs`, `dlogits` (N, V); `lse`, `targets` (N).
/// Per row: `lse = log Σ_v exp(logits[v])`, `ce = lse − logits[target]`, `z = lse²`.
/// Probabilities are formed with the row maximum subtracted, so finite logits of any size give
/// finite results; a non-finite logit propagates NaN into the sums (the divergence detector
/// wants to see it).
public enum SoftmaxCrossEntropy {
  public struct Sums: Sendable {
    /// Σ_n ce_n in Double.
    public var crossEntropy: Double = 0
    /// Σ_n lse_n² in Double.
    public var squaredLogPartition: Double = 0
  }

  public static func forward(
    probs: UnsafeMutablePointer<Float>, lse: UnsafeMutablePointer<Float>,
    logits: UnsafePointer<Float>, targets: UnsafePointer<Int32>, rows n: Int, classes v: Int
  ) -> Sums {
    forward(
      probs: probs, lse: lse, logits: logits, targets: targets, rows: n, classes: v,
      roundingInPlace: nil)
  }

  /// ``forward(probs:lse:logits:targets:rows:classes:)`` on bfloat16 logits: each row of
  /// `logits` is rounded in place just before its softmax (the bits of a separate pass).
  public static func forwardRoundingLogitsToBFloat16(
    probs: UnsafeMutablePointer<Float>, lse: UnsafeMutablePointer<Float>,
    logits: UnsafeMutablePointer<Float>, targets: UnsafePointer<Int32>, rows n: Int, classes v: Int
  ) -> Sums {
    forward(
      probs: probs, lse: lse, logits: logits, targets: targets, rows: n, classes: v,
      roundingInPlace: logits)
  }

  private static func forward(
    probs: UnsafeMutablePointer<Float>, lse: UnsafeMutablePointer<Float>,
    logits: UnsafePointer<Float>, targets: UnsafePointer<Int32>, rows n: Int, classes v: Int,
    roundingInPlace: UnsafeMutablePointer<Float>?
  ) -> Sums {
    var sums = Sums()
    for row in 0..<n {
      let x = logits + row * v
      let p = probs + row * v
      if let roundingInPlace {
        let rowStart = roundingInPlace + row * v
        BFloat16.roundWithoutProfiling(from: rowStart, into: rowStart, count: v)
      }
      let logPartition = Softmax.row(out: p, inp: x, count: v)
      lse[row] = logPartition
      sums.crossEntropy += Double(logPartition) - Double(x[Int(targets[row])])
      sums.squaredLogPartition += Double(logPartition) * Double(logPartition)
    }
    return sums
  }

  /// Accumulates `dlogits += ceScale·(probs − onehot(target)) + 2·zScale·lse·probs`.
  /// For a mean over N rows with coefficient c_z: `ceScale = 1/N`, `zScale = c_z/N`.
  /// With `roundToBFloat16`, each row of `dlogits` is rounded once accumulated.
  public static func backward(
    dlogits: UnsafeMutablePointer<Float>, probs: UnsafePointer<Float>, lse: UnsafePointer<Float>,
    targets: UnsafePointer<Int32>, rows n: Int, classes v: Int, ceScale: Float, zScale: Float,
    roundToBFloat16: Bool = false
  ) {
    for row in 0..<n {
      let p = probs + row * v
      let d = dlogits + row * v
      let factor = ceScale + 2 * zScale * lse[row]
      var i = 0
      while i + 8 <= v {
        d.store(d.lanes(at: i) + factor * p.lanes(at: i), at: i)
        i += 8
      }
      while i < v {
        d[i] += factor * p[i]
        i += 1
      }
      d[Int(targets[row])] -= ceScale
      if roundToBFloat16 { BFloat16.roundWithoutProfiling(from: d, into: d, count: v) }
    }
  }
}

/// Numerically stable softmax of one row, eight lanes at a time with a scalar tail.
///
/// The maximum skips NaNs (as `Swift.max` does) and a NaN entry then makes the sum, every
/// probability and the log-partition NaN. The sum of exponentials is accumulated per lane and
/// then across lanes (float32; a reordering of the sequential sum).
public enum Softmax {
  /// Writes `out = softmax(inp)` (count values) and returns `log Σ exp(inp)`.
  @inline(__always)
  @discardableResult
  public static func row(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int)
    -> Float
  {
    var maxLanes = Lanes(repeating: -.infinity)
    var i = 0
    while i + 8 <= count {
      maxLanes = LaneMath.maximum(inp.lanes(at: i), maxLanes)
      i += 8
    }
    var maxValue = LaneMath.largestLane(maxLanes)
    while i < count {
      maxValue = max(maxValue, inp[i])
      i += 1
    }
    if !maxValue.isFinite {
      // +inf or NaN somewhere (or all -inf): the row has no meaningful distribution.
      let hasNaN = (0..<count).contains { inp[$0].isNaN }
      for i in 0..<count { out[i] = .nan }
      return hasNaN || maxValue == .infinity ? .nan : -.infinity
    }
    var sumLanes = Lanes()
    i = 0
    while i + 8 <= count {
      let e = LaneMath.exp(inp.lanes(at: i) - maxValue)
      out.store(e, at: i)
      sumLanes += e
      i += 8
    }
    var sum = sumLanes.sum()
    while i < count {
      let e = ElementwiseMath.exp(inp[i] - maxValue)
      out[i] = e
      sum += e
      i += 1
    }
    let inverse = 1 / sum
    i = 0
    while i + 8 <= count {
      out.store(out.lanes(at: i) * inverse, at: i)
      i += 8
    }
    while i < count {
      out[i] *= inverse
      i += 1
    }
    return maxValue + ElementwiseMath.log(sum)
  }

  /// Softmax backward for one row: `dinp += probs ⊙ (dout − ⟨probs, dout⟩)`.
  @inline(__always)
  public static func rowBackward(
    dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, probs: UnsafePointer<Float>,
    count: Int
  ) {
    var dot: Float = 0
    for i in 0..<count { dot += probs[i] * dout[i] }
    for i in 0..<count { dinp[i] += probs[i] * (dout[i] - dot) }
  }
}
