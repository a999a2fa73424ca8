/// One row of the attention softmax, forward and backward: row `i` of a (T, T) square holds
/// `causal = i + 1` entries that take part (`j ≤ i`); the entries above are stored as 0.
///
/// Without soft-capping the row runs eight lanes at a time over the columns below the last
/// multiple of 8 (a lane past the causal end is masked, never mixed in) and scalar above it,
/// with the same arithmetic either way; the row sums are per lane, then across lanes.
extension CausalAttention {
  /// Rounds the scores (bfloat16 mode), forms the probabilities and returns the row's lse.
  /// Folds |score| into `maxAbsLogit` (NaN skipped).
  @inline(__always)
  static func softmaxRow(
    scores s: UnsafeMutablePointer<Float>, probs p: UnsafeMutablePointer<Float>, causal n: Int,
    time: Int, round: Bool, maxAbsLogit: inout Lanes
  ) -> Float {
    let lanesEnd = time & ~7
    var maxLanes = Lanes(repeating: -.infinity)
    var j = 0
    while j < n && j < lanesEnd {
      let valid = LaneMath.firstLanes(min(n - j, 8))
      var value = s.lanes(at: j)
      if round { value = LaneMath.roundedToBFloat16(value) }
      value = LaneMath.float(LaneMath.bits(value) & valid)
      s.store(value, at: j)
      maxAbsLogit = LaneMath.maximum(LaneMath.magnitude(value), maxAbsLogit)
      maxLanes = LaneMath.maximum(LaneMath.select(valid, value, maxLanes), maxLanes)
      j += 8
    }
    let vectorEnd = j
    var maxLogit = LaneMath.largestLane(maxLanes)
    var tailMaxAbs: Float = 0
    for column in vectorEnd..<max(n, vectorEnd) {
      let value = round ? BFloat16.round(s[column]) : s[column]
      s[column] = value
      tailMaxAbs = max(tailMaxAbs, abs(value))
      maxLogit = max(maxLogit, value)
    }
    maxAbsLogit[0] = max(maxAbsLogit[0], tailMaxAbs)
    var sumLanes = Lanes()
    j = 0
    while j < vectorEnd {
      let valid = LaneMath.firstLanes(min(n - j, 8))
      let e = LaneMath.float(LaneMath.bits(LaneMath.exp(s.lanes(at: j) - maxLogit)) & valid)
      p.store(e, at: j)
      sumLanes += e
      j += 8
    }
    var sum = sumLanes.sum()
    for column in vectorEnd..<max(n, vectorEnd) {
      let e = ElementwiseMath.exp(s[column] - maxLogit)
      p[column] = e
      sum += e
    }
    let inverse = 1 / sum
    j = 0
    while j < vectorEnd {
      let valid = LaneMath.firstLanes(min(n - j, 8))
      var probability = p.lanes(at: j) * inverse
      if round { probability = LaneMath.roundedToBFloat16(probability) }
      p.store(LaneMath.float(LaneMath.bits(probability) & valid), at: j)
      j += 8
    }
    for column in vectorEnd..<max(n, vectorEnd) {
      let probability = p[column] * inverse
      p[column] = round ? BFloat16.round(probability) : probability
    }
    let end = max(n, vectorEnd)
    (s + end).update(repeating: 0, count: time - end)
    (p + end).update(repeating: 0, count: time - end)
    return maxLogit + ElementwiseMath.log(sum)
  }

  /// Turns `dScores` (dP of the row) into the gradient of the raw scores, in place:
  /// `scale · p_j · (dP_j − ⟨p, dP⟩ + dLogPartition)`, rounded in bfloat16 mode; 0 above the
  /// causal end.
  @inline(__always)
  static func softmaxRowBackward(
    dScores d: UnsafeMutablePointer<Float>, probs p: UnsafePointer<Float>, causal n: Int,
    time: Int, dLogPartition: Float, scale: Float, round: Bool
  ) {
    let lanesEnd = time & ~7
    var dotLanes = Lanes()
    var j = 0
    while j < n && j < lanesEnd {
      let valid = LaneMath.firstLanes(min(n - j, 8))
      let product = p.lanes(at: j) * LaneMath.float(LaneMath.bits(d.lanes(at: j)) & valid)
      dotLanes += LaneMath.float(LaneMath.bits(product) & valid)
      j += 8
    }
    let vectorEnd = j
    var dot = dotLanes.sum()
    for column in vectorEnd..<max(n, vectorEnd) { dot += p[column] * d[column] }
    j = 0
    while j < vectorEnd {
      let valid = LaneMath.firstLanes(min(n - j, 8))
      var grad = p.lanes(at: j) * (d.lanes(at: j) - dot + dLogPartition) * scale
      if round { grad = LaneMath.roundedToBFloat16(grad) }
      d.store(LaneMath.float(LaneMath.bits(grad) & valid), at: j)
      j += 8
    }
    for column in vectorEnd..<max(n, vectorEnd) {
      let grad = p[column] * (d[column] - dot + dLogPartition) * scale
      d[column] = round ? BFloat16.round(grad) : grad
    }
    let end = max(n, vectorEnd)
    (d + end).update(repeating: 0, count: time - end)
  }

  /// The soft-capped row, scalar: `logit = c·tanh(raw/c)` (rounded again in bfloat16 mode).
  static func softCappedSoftmaxRow(
    scores s: UnsafeMutablePointer<Float>, probs p: UnsafeMutablePointer<Float>, causal n: Int,
    time: Int, softCap: Float, round: Bool, maxAbsLogit: inout Float
  ) -> Float {
    var maxLogit = -Float.infinity
    for j in 0..<n {
      var value = round ? BFloat16.round(s[j]) : s[j]
      maxAbsLogit = max(maxAbsLogit, abs(value))
      value = softCap * ElementwiseMath.tanh(value / softCap)
      if round { value = BFloat16.round(value) }
      s[j] = value
      maxLogit = max(maxLogit, value)
    }
    var sum: Float = 0
    for j in 0..<n {
      let e = ElementwiseMath.exp(s[j] - maxLogit)
      p[j] = e
      sum += e
    }
    let inverse = 1 / sum
    for j in 0..<n {
      p[j] *= inverse
      if round { p[j] = BFloat16.round(p[j]) }
    }
    (s + n).update(repeating: 0, count: time - n)
    (p + n).update(repeating: 0, count: time - n)
    return maxLogit + ElementwiseMath.log(sum)
  }

  /// The soft-capped row's backward, scalar: the softmax gradient times `1 − (logit/c)²`.
  static func softCappedSoftmaxRowBackward(
    dScores d: UnsafeMutablePointer<Float>, probs p: UnsafePointer<Float>,
    logits s: UnsafePointer<Float>, causal n: Int, time: Int, dLogPartition: Float,
    scale: Float, softCap: Float, round: Bool
  ) {
    var dot: Float = 0
    for j in 0..<n { dot += p[j] * d[j] }
    for j in 0..<n {
      let t = s[j] / softCap
      var grad = p[j] * (d[j] - dot + dLogPartition)
      grad *= 1 - t * t
      grad *= scale
      d[j] = round ? BFloat16.round(grad) : grad
    }
    (d + n).update(repeating: 0, count: time - n)
  }
}
