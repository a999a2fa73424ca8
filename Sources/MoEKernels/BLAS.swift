import CBLAS

/// The only caller of CBLAS in the project: row-major single-precision GEMM and the
/// OpenBLAS runtime queries that a run record needs.
public enum BLAS {
  /// `c (m×n) = op(a) (m×k) · op(b) (k×n) + beta · c`, all row-major.
  ///
  /// `op(a)` is `a` stored (m, k) or, with `transposeA`, `a` stored (k, m); likewise `b`.
  /// Leading dimensions default to the dense ones and can be widened to address a column block
  /// of a wider matrix (one attention head inside a (T, C) activation, say). Transposes are
  /// folded into the BLAS flags: nothing is copied. `beta: 1` is how backward passes accumulate.
  @inline(__always)
  public static func gemm(
    _ a: UnsafePointer<Float>, transposeA: Bool = false, lda: Int? = nil,
    _ b: UnsafePointer<Float>, transposeB: Bool = false, ldb: Int? = nil,
    into c: UnsafeMutablePointer<Float>, ldc: Int? = nil,
    m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float
  ) {
    if m == 0 || n == 0 { return }
    if k == 0 {
      // BLAS leaves c untouched for k == 0 only when beta == 1; make the other cases explicit.
      let ldcValue = ldc ?? n
      for row in 0..<m {
        let rowPointer = c + row * ldcValue
        for column in 0..<n { rowPointer[column] = beta == 0 ? 0 : beta * rowPointer[column] }
      }
      return
    }
    cblas_sgemm(
      CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha,
      a, Int32(lda ?? (transposeA ? m : k)),
      b, Int32(ldb ?? (transposeB ? k : n)),
      beta, c, Int32(ldc ?? n))
  }

  /// Number of threads OpenBLAS uses for one call.
  public static var threadCount: Int {
    get { Int(openblas_get_num_threads()) }
    set { openblas_set_num_threads(Int32(max(1, newValue))) }
  }

  /// The kernel family OpenBLAS selected at load time (e.g. "Cooperlake", "Haswell").
  public static var coreName: String {
    guard let name = openblas_get_corename() else { return "unknown" }
    return String(cString: name)
  }

  /// OpenBLAS's build description (version, threading model, architecture).
  public static var configuration: String {
    guard let text = openblas_get_config() else { return "unknown" }
    return String(cString: text)
  }
}
