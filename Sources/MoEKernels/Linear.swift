/// A bias-free linear layer, `out = inp · weightᵀ`.
///
/// Shapes: `inp` (N, C), `weight` (OC, C) (PyTorch/llm.c layout), `out` (N, OC).
/// Both passes are single GEMMs over all N rows with the transposes in the BLAS flags.
public enum Linear {
  @inline(__always)
  public static func forward(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    rows n: Int, inFeatures c: Int, outFeatures oc: Int
  ) {
    BLAS.gemm(inp, weight, transposeB: true, into: out, m: n, n: oc, k: c, beta: 0)
  }

  /// Accumulates: `dinp (N, C) += dout · weight`, `dweight (OC, C) += doutᵀ · inp`.
  /// Either gradient may be skipped by passing nil. With `accumulateInputGradient: false`,
  /// `dinp` is written instead (no zeroing needed; the same values as accumulating into zeros).
  @inline(__always)
  public static func backward(
    dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>?,
    dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    rows n: Int, inFeatures c: Int, outFeatures oc: Int, accumulateInputGradient: Bool = true
  ) {
    if let dinp {
      BLAS.gemm(dout, weight, into: dinp, m: n, n: c, k: oc, beta: accumulateInputGradient ? 1 : 0)
    }
    if let dweight {
      BLAS.gemm(dout, transposeA: true, inp, into: dweight, m: oc, n: c, k: n, beta: 1)
    }
  }
}
