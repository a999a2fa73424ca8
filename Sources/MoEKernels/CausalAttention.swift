/// Causal multi-head attention core: scores, optional soft-capping, softmax, weighted sum.
///
/// Shapes: `q`, `k`, `v`, `out` (B·T, C) with head `h` in columns `h·hs ..< (h+1)·hs`;
/// `logits`, `probs` (B, NH, T, T); `lse` (B, NH, T). Every (batch, head) pair is three GEMMs
/// addressed in place through leading dimensions; nothing is transposed or copied.
///
/// - `raw[i,j] = ⟨q_i, k_j⟩ / √hs` for `j ≤ i` (masked entries are never read);
/// - `logits = c·tanh(raw / c)` when `softCap = c > 0`, else `raw`;
/// - `probs = softmax_j(logits)` over `j ≤ i`, `lse[i] = log Σ_j exp(logits[i,j])`;
/// - `out_i = Σ_j probs[i,j] · v_j`.
///
/// With `roundToBFloat16`, `raw`, `logits` and `probs` are rounded to bfloat16 as they are
/// stored (the bfloat16 recipe); otherwise all three stay float32.
public enum CausalAttention {
  /// Statistics of one forward call, for logging and the attention z-loss.
  public struct ForwardStatistics: Sendable {
    /// Largest |raw logit| over the causal entries (before soft-capping).
    public var maxAbsLogit: Float = 0
    /// Σ over all (b, h, i) rows of lse², in Double.
    public var sumSquaredLogPartition: Double = 0
  }

  public static func forward(
    out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
    logits: UnsafeMutablePointer<Float>, lse: UnsafeMutablePointer<Float>,
    q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
    batch: Int, time: Int, channels c: Int, heads: Int,
    softCap: Float, roundToBFloat16: Bool
  ) -> ForwardStatistics {
    let hs = c / heads
    let scale = 1 / Float(hs).squareRoot()
    var stats = ForwardStatistics()
    var maxAbsLanes = Lanes()
    for b in 0..<batch {
      for h in 0..<heads {
        let headOffset = b * time * c + h * hs
        let square = ((b * heads) + h) * time * time
        let s = logits + square
        let p = probs + square
        let rowLse = lse + (b * heads + h) * time
        BLAS.gemm(
          q + headOffset, lda: c, k + headOffset, transposeB: true, ldb: c, into: s,
          m: time, n: time, k: hs, alpha: scale, beta: 0)
        for i in 0..<time {
          let (sRow, pRow) = (s + i * time, p + i * time)
          let logPartition =
            softCap > 0
            ? softCappedSoftmaxRow(
              scores: sRow, probs: pRow, causal: i + 1, time: time, softCap: softCap,
              round: roundToBFloat16, maxAbsLogit: &stats.maxAbsLogit)
            : softmaxRow(
              scores: sRow, probs: pRow, causal: i + 1, time: time, round: roundToBFloat16,
              maxAbsLogit: &maxAbsLanes)
          rowLse[i] = logPartition
          stats.sumSquaredLogPartition += Double(logPartition) * Double(logPartition)
        }
        BLAS.gemm(
          p, v + headOffset, ldb: c, into: out + headOffset, ldc: c,
          m: time, n: hs, k: time, beta: 0)
      }
    }
    stats.maxAbsLogit = max(stats.maxAbsLogit, LaneMath.largestLane(maxAbsLanes))
    return stats
  }

  /// Accumulates into `dq`, `dk`, `dv`. `scratch` holds T·T floats.
  ///
  /// `zLossScale` is the weight of `lse²` per row in the loss (coefficient ÷ row count), so the
  /// attention z-loss adds `2·zLossScale·lse_i·probs[i,j]` to each logit gradient.
  public static func backward(
    dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
    dv: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
    dout: UnsafePointer<Float>, probs: UnsafePointer<Float>, logits: UnsafePointer<Float>,
    lse: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
    v: UnsafePointer<Float>, batch: Int, time: Int, channels c: Int, heads: Int,
    softCap: Float, zLossScale: Float, roundToBFloat16: Bool
  ) {
    let hs = c / heads
    let scale = 1 / Float(hs).squareRoot()
    let ds = scratch
    for b in 0..<batch {
      for h in 0..<heads {
        let headOffset = b * time * c + h * hs
        let square = ((b * heads) + h) * time * time
        let p = probs + square
        let s = logits + square
        let rowLse = lse + (b * heads + h) * time
        // dP = dOut · Vᵀ, dV += Pᵀ · dOut.
        BLAS.gemm(
          dout + headOffset, lda: c, v + headOffset, transposeB: true, ldb: c, into: ds,
          m: time, n: time, k: hs, beta: 0)
        BLAS.gemm(
          p, transposeA: true, dout + headOffset, ldb: c, into: dv + headOffset, ldc: c,
          m: time, n: hs, k: time, beta: 1)
        for i in 0..<time {
          let dLse = 2 * zLossScale * rowLse[i]
          if softCap > 0 {
            softCappedSoftmaxRowBackward(
              dScores: ds + i * time, probs: p + i * time, logits: s + i * time, causal: i + 1,
              time: time, dLogPartition: dLse, scale: scale, softCap: softCap,
              round: roundToBFloat16)
          } else {
            softmaxRowBackward(
              dScores: ds + i * time, probs: p + i * time, causal: i + 1, time: time,
              dLogPartition: dLse, scale: scale, round: roundToBFloat16)
          }
        }
        // dQ += dS · K, dK += dSᵀ · Q.
        BLAS.gemm(
          ds, k + headOffset, ldb: c, into: dq + headOffset, ldc: c,
          m: time, n: hs, k: time, beta: 1)
        BLAS.gemm(
          ds, transposeA: true, q + headOffset, ldb: c, into: dk + headOffset, ldc: c,
          m: time, n: hs, k: time, beta: 1)
      }
    }
  }
}
