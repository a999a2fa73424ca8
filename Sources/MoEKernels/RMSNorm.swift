/// Root-mean-square normalisation over the last axis, with an optional learnable scale.
///
/// Shapes: `inp`, `out` (N, C); `scale` (C) or nil; `rstd` (N).
/// `rstd[n] = 1 / sqrt(mean_c inp[n,c]² + eps)`, `out[n,c] = inp[n,c] · rstd[n] · scale[c]`.
/// The mean of squares is accumulated in Double, so a row of large activations does not lose
/// the small ones.
public enum RMSNorm {
  public static let epsilon: Double = 1e-6

  public static func forward(
    out: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
    inp: UnsafePointer<Float>, scale: UnsafePointer<Float>?, rows n: Int, channels c: Int
  ) {
    for row in 0..<n {
      let x = inp + row * c
      let y = out + row * c
      var sumSquares: Double = 0
      for i in 0..<c { sumSquares += Double(x[i]) * Double(x[i]) }
      let r = Float(1 / (sumSquares / Double(c) + epsilon).squareRoot())
      rstd[row] = r
      if let scale {
        for i in 0..<c { y[i] = x[i] * r * scale[i] }
      } else {
        for i in 0..<c { y[i] = x[i] * r }
      }
    }
  }

  /// Accumulates into `dinp` and (when the scale is learnable) `dscale`.
  ///
  /// With `x̂ = inp·rstd` and `g = dout ⊙ scale`:
  /// `dinp += rstd · (g − x̂ · mean_c(g ⊙ x̂))`, `dscale += Σ_n dout ⊙ x̂`.
  public static func backward(
    dinp: UnsafeMutablePointer<Float>, dscale: UnsafeMutablePointer<Float>?,
    dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, scale: UnsafePointer<Float>?,
    rstd: UnsafePointer<Float>, rows n: Int, channels c: Int
  ) {
    for row in 0..<n {
      let x = inp + row * c
      let dy = dout + row * c
      let dx = dinp + row * c
      let r = rstd[row]
      var dot: Double = 0
      for i in 0..<c {
        let g = scale.map { dy[i] * $0[i] } ?? dy[i]
        dot += Double(g) * Double(x[i] * r)
      }
      let meanDot = Float(dot / Double(c))
      for i in 0..<c {
        let xhat = x[i] * r
        let g = scale.map { dy[i] * $0[i] } ?? dy[i]
        dx[i] += r * (g - xhat * meanDot)
        if let dscale { dscale[i] += dy[i] * xhat }
      }
    }
  }
}
