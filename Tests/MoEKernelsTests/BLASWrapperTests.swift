import MoEKernels
import Testing

/// The BLAS wrapper's flag and leading-dimension handling. (That `cblas_sgemm` binds to
/// OpenBLAS and not to GSL's CBLAS is checked on the shipped binary, in CLITests.)
@Suite("BLAS wrapper")
struct BLASWrapperTests {
  /// A 2×3 · 3×2 product by hand, once plain and once with both transposes folded into flags.
  @Test func gemmFlagsAndLeadingDimensions() {
    let a: [Float] = [1, 2, 3, 4, 5, 6]  // (2, 3)
    let b: [Float] = [7, 8, 9, 10, 11, 12]  // (3, 2)
    var c = [Float](repeating: 0, count: 4)
    BLAS.gemm(a, b, into: &c, m: 2, n: 2, k: 3, beta: 0)
    #expect(c == [58, 64, 139, 154])  // [1·7+2·9+3·11, 1·8+2·10+3·12; 4·7+5·9+6·11, 4·8+5·10+6·12]
    let aT: [Float] = [1, 4, 2, 5, 3, 6]  // aᵀ stored (3, 2)
    let bT: [Float] = [7, 9, 11, 8, 10, 12]  // bᵀ stored (2, 3)
    BLAS.gemm(aT, transposeA: true, bT, transposeB: true, into: &c, m: 2, n: 2, k: 3, beta: 1)
    #expect(c == [116, 128, 278, 308])  // accumulated twice
  }
}

/// The kernel-family override is taken only for OpenBLAS's generic fallback.
@Suite("OpenBLAS kernel selection")
struct BLASCoreSelectionTests {
  @Test func overridesOnlyTheGenericFallback() {
    let avx512: Set<Substring> = ["avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl"]
    #expect(BLASCoreSelection.preferredCore(flags: avx512, loadedCore: "Prescott") == "SkylakeX")
    #expect(
      BLASCoreSelection.preferredCore(flags: ["avx2", "fma"], loadedCore: "Prescott") == "Haswell")
    #expect(BLASCoreSelection.preferredCore(flags: ["sse3"], loadedCore: "Prescott") == nil)
    #expect(BLASCoreSelection.preferredCore(flags: avx512, loadedCore: "Cooperlake") == nil)
    #expect(BLASCoreSelection.preferredCore(flags: avx512, loadedCore: "Zen") == nil)
  }
}
