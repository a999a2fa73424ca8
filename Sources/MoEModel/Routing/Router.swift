import MoEKernels

/// The routing pipeline shared by every strategy, for one MoE layer:
/// optional jitter on a copy of the router input → logits = x·W_rᵀ → optional clipping →
/// softmax → strategy → plan; with the router z-loss and load-balance loss attached.
///
/// Shapes: `inp` (N, C) (the normalised activation the experts also see, never jittered),
/// `weight` (E, C), `logits`, `probs` (N, E), `lse` (N); the N tokens form N/G contiguous
/// routing groups of G tokens.
///
/// - jitter: `x̃ = x ⊙ u`, `u ~ U(1−ε, 1+ε)` per element, training only (Mesh-TF);
/// - clipping: `logits = clamp(raw, −c, c)`, gradient 0 where clamped;
/// - z-loss: `mean_n lse_n²` over all N tokens;
/// - balance loss, per group g then averaged over groups (Mesh-TF's per-group loss):
///   `mean_g E · Σ_e f_{g,e} · P_{g,e}`, f_{g,e} = fraction of the group's tokens whose top-1
///   expert is e (no gradient), P_{g,e} = mean over the group of probs[n, e]; exactly 1 for
///   uniform probabilities. Its gradient is `E·f_{g(n),e}/N` in probs[n, e] whatever G is,
///   since every group has G tokens and there are N/G of them.
public final class Router {
  let rows: Int, channels: Int, experts: Int
  /// G: tokens per routing group (divides N).
  let groupSize: Int
  /// Jitter multipliers (N, C) and the jittered copy (N, C), when jitter is on.
  let jitter: FloatBuffer, jitteredInput: FloatBuffer
  public let rawLogits: FloatBuffer, logits: FloatBuffer, probs: FloatBuffer, lse: FloatBuffer
  let dprobs: FloatBuffer, dlogits: FloatBuffer, djittered: FloatBuffer
  /// f_{g,e} of the last forward (top-1 fractions per group), (N/G, E) row-major.
  public private(set) var topFraction: [Double]
  var usedJitter = false

  public struct Statistics: Sendable, Codable, Equatable {
    public var balanceLoss: Double = 0
    public var zLoss: Double = 0
    public var maxAbsLogit: Double = 0
    /// Mean over tokens of the router distribution's entropy (nats; ln E when uniform).
    public var entropy: Double = 0
  }

  init(rows: Int, channels: Int, experts: Int, groupSize: Int, jitter enabled: Bool) {
    precondition(groupSize >= 1 && rows % groupSize == 0, "group size must divide the rows")
    self.rows = rows
    self.channels = channels
    self.experts = experts
    self.groupSize = groupSize
    jitter = FloatBuffer(count: enabled ? rows * channels : 0)
    jitteredInput = FloatBuffer(count: enabled ? rows * channels : 0)
    djittered = FloatBuffer(count: rows * channels)
    rawLogits = FloatBuffer(count: rows * experts)
    logits = FloatBuffer(count: rows * experts)
    probs = FloatBuffer(count: rows * experts)
    lse = FloatBuffer(count: rows)
    dprobs = FloatBuffer(count: rows * experts)
    dlogits = FloatBuffer(count: rows * experts)
    topFraction = Array(repeating: 0, count: rows / groupSize * experts)
  }

  /// What the router projection read in the last forward: the jittered copy, or `inp` itself.
  func projectedInput(_ inp: UnsafePointer<Float>) -> UnsafePointer<Float> {
    usedJitter ? UnsafePointer(jitteredInput.base) : inp
  }

  /// Computes logits, probabilities and the aux losses. `roundToBFloat16` rounds the logits
  /// and probabilities (plain bfloat16 mode); the weight passed in is already the compute copy.
  /// The entropy is left at 0 (see ``entropy()``).
  func forward(
    inp: UnsafePointer<Float>, weight: UnsafePointer<Float>, jitterEpsilon: Float, clip: Float,
    random: inout RandomStream, roundToBFloat16: Bool
  ) -> Statistics {
    let n = rows, c = channels, e = experts
    var routerInput = inp
    usedJitter = jitterEpsilon > 0
    if usedJitter {
      precondition(jitter.count == n * c, "router built without jitter buffers")
      for i in 0..<(n * c) {
        let u = 1 - jitterEpsilon + 2 * jitterEpsilon * random.uniformFloat()
        jitter.base[i] = u
        jitteredInput.base[i] = inp[i] * u
      }
      routerInput = UnsafePointer(jitteredInput.base)
    }
    Linear.forward(
      out: rawLogits.base, inp: routerInput, weight: weight, rows: n, inFeatures: c, outFeatures: e)
    if roundToBFloat16 { BFloat16.roundInPlace(rawLogits.base, count: n * e) }
    var stats = Statistics()
    for i in 0..<(n * e) {
      let raw = rawLogits.base[i]
      stats.maxAbsLogit = max(stats.maxAbsLogit, Double(abs(raw)))
      logits.base[i] = clip > 0 ? min(max(raw, -clip), clip) : raw
    }
    let groups = n / groupSize
    var meanProb = [Double](repeating: 0, count: groups * e)  // per (group, expert) sums
    for i in topFraction.indices { topFraction[i] = 0 }
    var zSum: Double = 0
    for t in 0..<n {
      let p = probs.base + t * e
      let l = Softmax.row(out: p, inp: logits.base + t * e, count: e)
      lse.base[t] = l
      zSum += Double(l) * Double(l)
      if roundToBFloat16 { BFloat16.roundInPlace(p, count: e) }
      let groupBase = t / groupSize * e
      var best = 0
      for x in 0..<e {
        meanProb[groupBase + x] += Double(p[x])
        if p[x] > p[best] { best = x }
      }
      if p[best].isNaN { stats.balanceLoss = .nan }
      topFraction[groupBase + best] += 1
    }
    let inverseG = 1 / Double(groupSize)
    var balanceSum: Double = 0
    for g in 0..<groups {
      var balance: Double = 0
      for x in (g * e)..<((g + 1) * e) {
        topFraction[x] *= inverseG
        balance += topFraction[x] * meanProb[x] * inverseG
      }
      balanceSum += Double(e) * balance
    }
    stats.balanceLoss = stats.balanceLoss.isNaN ? .nan : balanceSum / Double(groups)
    let inverseN = 1 / Double(n)
    stats.zLoss = zSum * inverseN
    return stats
  }

  /// ``Statistics/entropy`` of the last forward pass, which ``forward`` leaves at 0 (it is
  /// logged only): `−(1/N)·Σ_n Σ_e p·ln p` over p > 0 of ``probs`` (rounded as forward left
  /// them), summed in Double in token then expert order. Valid until the next forward pass.
  func entropy() -> Double {
    let n = rows, e = experts
    var entropySum: Double = 0
    for t in 0..<n {
      let p = probs.base + t * e
      for x in 0..<e where p[x] > 0 {
        entropySum -= Double(p[x]) * Double(ElementwiseMath.log(p[x]))
      }
    }
    return entropySum * (1 / Double(n))
  }

  /// Backpropagates `dgate`-derived probability gradients (already in ``dprobs``) plus the two
  /// aux losses with their coefficients, accumulating into `dinp` and `dweight`.
  ///
  /// d(balance)/d p[n,e] = E·f_{g(n),e}/N; d(z)/d logits[n,e] = 2·lse_n·p[n,e]/N.
  func backward(
    dinp: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>,
    inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    balanceCoefficient: Float, zCoefficient: Float, clip: Float, roundToBFloat16: Bool
  ) {
    let n = rows, c = channels, e = experts
    let balanceScale = balanceCoefficient * Float(e) / Float(n)
    let zScale = 2 * zCoefficient / Float(n)
    dlogits.zero()
    for t in 0..<n {
      let dp = dprobs.base + t * e
      let groupBase = t / groupSize * e
      for x in 0..<e { dp[x] += balanceScale * Float(topFraction[groupBase + x]) }
      let p = probs.base + t * e
      let dl = dlogits.base + t * e
      Softmax.rowBackward(dinp: dl, dout: dp, probs: p, count: e)
      let zFactor = zScale * lse.base[t]
      for x in 0..<e {
        dl[x] += zFactor * p[x]
        if clip > 0 && abs(rawLogits.base[t * e + x]) > clip { dl[x] = 0 }
      }
    }
    if roundToBFloat16 { BFloat16.roundInPlace(dlogits.base, count: n * e) }
    if usedJitter {
      djittered.zero()
      Linear.backward(
        dinp: djittered.base, dweight: dweight, dout: dlogits.base, inp: jitteredInput.base,
        weight: weight, rows: n, inFeatures: c, outFeatures: e)
      for i in 0..<(n * c) { dinp[i] += djittered.base[i] * jitter.base[i] }
    } else {
      Linear.backward(
        dinp: dinp, dweight: dweight, dout: dlogits.base, inp: inp, weight: weight,
        rows: n, inFeatures: c, outFeatures: e)
    }
  }
}
