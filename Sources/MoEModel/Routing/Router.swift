import MoEKernels

/// The routing pipeline shared by every strategy, for one MoE layer:
/// optional jitter on a copy of the router input → logits = x·W_rᵀ → optional clipping →
/// softmax → strategy → plan; with the router z-loss and load-balance loss attached.
///
/// Shapes: `inp` (N, C) (the normalised activation the experts also see, never jittered),
/// `weight` (E, C), `logits`, `probs` (N, E), `lse` (N).
///
/// - jitter: `x̃ = x ⊙ u`, `u ~ U(1−ε, 1+ε)` per element, training only (Mesh-TF);
/// - clipping: `logits = clamp(raw, −c, c)`, gradient 0 where clamped;
/// - z-loss: `mean_n lse_n²`;
/// - balance loss: `E · Σ_e f_e · P_e`, f_e = fraction of tokens whose top-1 expert is e (no
///   gradient), P_e = mean_n probs[n, e]; exactly 1 for uniform probabilities.
public final class Router {
  let rows: Int, channels: Int, experts: Int
  /// Jitter multipliers (N, C) and the jittered copy (N, C), when jitter is on.
  let jitter: Arena, jitteredInput: Arena
  public let rawLogits: Arena, logits: Arena, probs: Arena, lse: Arena
  let dprobs: Arena, dlogits: Arena, djittered: Arena
  /// f_e of the last forward (top-1 fractions).
  public private(set) var topFraction: [Double]
  var usedJitter = false

  public struct Statistics: Sendable, Codable, Equatable {
    public var balanceLoss: Double = 0
    public var zLoss: Double = 0
    public var maxAbsLogit: Double = 0
    /// Mean over tokens of the router distribution's entropy (nats; ln E when uniform).
    public var entropy: Double = 0
  }

  init(rows: Int, channels: Int, experts: Int, jitter enabled: Bool) {
    self.rows = rows
    self.channels = channels
    self.experts = experts
    jitter = Arena(count: enabled ? rows * channels : 0)
    jitteredInput = Arena(count: enabled ? rows * channels : 0)
    djittered = Arena(count: rows * channels)
    rawLogits = Arena(count: rows * experts)
    logits = Arena(count: rows * experts)
    probs = Arena(count: rows * experts)
    lse = Arena(count: rows)
    dprobs = Arena(count: rows * experts)
    dlogits = Arena(count: rows * experts)
    topFraction = Array(repeating: 0, count: experts)
  }

  /// Computes logits, probabilities and the aux losses. `roundToBFloat16` rounds the logits
  /// and probabilities (plain bfloat16 mode); the weight passed in is already the compute copy.
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
    Linear.forward(out: rawLogits.base, inp: routerInput, weight: weight, rows: n, inFeatures: c, outFeatures: e)
    if roundToBFloat16 { BFloat16.roundInPlace(rawLogits.base, count: n * e) }
    var stats = Statistics()
    for i in 0..<(n * e) {
      let raw = rawLogits.base[i]
      stats.maxAbsLogit = max(stats.maxAbsLogit, Double(abs(raw)))
      logits.base[i] = clip > 0 ? min(max(raw, -clip), clip) : raw
    }
    var meanProb = [Double](repeating: 0, count: e)
    for x in 0..<e { topFraction[x] = 0 }
    var zSum: Double = 0, entropySum: Double = 0
    for t in 0..<n {
      let p = probs.base + t * e
      let l = Softmax.row(out: p, inp: logits.base + t * e, count: e)
      lse.base[t] = l
      zSum += Double(l) * Double(l)
      if roundToBFloat16 { BFloat16.roundInPlace(p, count: e) }
      var best = 0
      for x in 0..<e {
        meanProb[x] += Double(p[x])
        if p[x] > p[best] { best = x }
        if p[x] > 0 { entropySum -= Double(p[x]) * Double(ElementwiseMath.log(p[x])) }
      }
      if p[best].isNaN { stats.balanceLoss = .nan }
      topFraction[best] += 1
    }
    let inverseN = 1 / Double(n)
    var balance: Double = 0
    for x in 0..<e {
      topFraction[x] *= inverseN
      balance += topFraction[x] * meanProb[x] * inverseN
    }
    stats.balanceLoss = stats.balanceLoss.isNaN ? .nan : Double(e) * balance
    stats.zLoss = zSum * inverseN
    stats.entropy = entropySum * inverseN
    return stats
  }

  /// Backpropagates `dgate`-derived probability gradients (already in ``dprobs``) plus the two
  /// aux losses with their coefficients, accumulating into `dinp` and `dweight`.
  ///
  /// d(balance)/d p[n,e] = E·f_e/N; d(z)/d logits[n,e] = 2·lse_n·p[n,e]/N.
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
      for x in 0..<e { dp[x] += balanceScale * Float(topFraction[x]) }
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
