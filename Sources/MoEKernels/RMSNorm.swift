/// Root-mean-square normalisation over the last axis, with an optional learnable scale.
///
/// Shapes: `inp`, `out` (N, C); `scale` (C) or nil; `rstd` (N).
/// `rstd[n] = 1 / sqrt(mean_c inp[n,c]² + eps)`, `out[n,c] = inp[n,c] · rstd[n] · scale[c]`.
/// The mean of squares is accumulated in Double, so a row of large activations does not lose
/// the small ones.
public enum RMSNorm {
  public static let epsilon: Double = 1e-6

  /// With `roundToBFloat16`, each output row is rounded as soon as it is written (the bits
  /// of a separate rounding pass, without one).
  public static func forward(
    out: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
    inp: UnsafePointer<Float>, scale: UnsafePointer<Float>?, rows n: Int, channels c: Int,
    roundToBFloat16: Bool = false
  ) {
    for row in 0..<n {
      let x = inp + row * c
      let y = out + row * c
      let r = Float(1 / (Elementwise.sumOfSquares(x, count: c) / Double(c) + epsilon).squareRoot())
      rstd[row] = r
      var i = 0
      if let scale {
        while i + 8 <= c {
          y.store(x.lanes(at: i) * r * scale.lanes(at: i), at: i)
          i += 8
        }
        while i < c {
          y[i] = x[i] * r * scale[i]
          i += 1
        }
      } else {
        while i + 8 <= c {
          y.store(x.lanes(at: i) * r, at: i)
          i += 8
        }
        while i < c {
          y[i] = x[i] * r
          i += 1
        }
      }
      if roundToBFloat16 { BFloat16.roundWithoutProfiling(from: y, into: y, count: c) }
    }
  }

  /// Accumulates into `dinp` and (when the scale is learnable) `dscale`.
  ///
  /// With `x̂ = inp·rstd` and `g = dout ⊙ scale`:
  /// `dinp += rstd · (g − x̂ · mean_c(g ⊙ x̂))`, `dscale += Σ_n dout ⊙ x̂`.
  /// With `roundToBFloat16`, each row of `dinp` is rounded once its accumulation is done.
  public static func backward(
    dinp: UnsafeMutablePointer<Float>, dscale: UnsafeMutablePointer<Float>?,
    dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, scale: UnsafePointer<Float>?,
    rstd: UnsafePointer<Float>, rows n: Int, channels c: Int, roundToBFloat16: Bool = false
  ) {
    let ones = Lanes(repeating: 1)
    for row in 0..<n {
      let x = inp + row * c
      let dy = dout + row * c
      let dx = dinp + row * c
      let r = rstd[row]
      var dotLow = SIMD4<Double>(), dotHigh = SIMD4<Double>()
      var i = 0
      while i + 8 <= c {
        let g = dy.lanes(at: i) * (scale?.lanes(at: i) ?? ones)
        let (gLow, gHigh) = LaneMath.widened(g)
        let (xLow, xHigh) = LaneMath.widened(x.lanes(at: i) * r)
        dotLow += gLow * xLow
        dotHigh += gHigh * xHigh
        i += 8
      }
      var dot = (dotLow + dotHigh).sum()
      while i < c {
        let g = scale.map { dy[i] * $0[i] } ?? dy[i]
        dot += Double(g) * Double(x[i] * r)
        i += 1
      }
      let meanDot = Float(dot / Double(c))
      i = 0
      while i + 8 <= c {
        let xhat = x.lanes(at: i) * r
        let dyLanes = dy.lanes(at: i)
        let g = dyLanes * (scale?.lanes(at: i) ?? ones)
        dx.store(dx.lanes(at: i) + r * (g - xhat * meanDot), at: i)
        if let dscale { dscale.store(dscale.lanes(at: i) + dyLanes * xhat, at: i) }
        i += 8
      }
      while i < c {
        let xhat = x[i] * r
        let g = scale.map { dy[i] * $0[i] } ?? dy[i]
        dx[i] += r * (g - xhat * meanDot)
        if let dscale { dscale[i] += dy[i] * xhat }
        i += 1
      }
      if roundToBFloat16 { BFloat16.roundWithoutProfiling(from: dx, into: dx, count: c) }
    }
  }
}
