import MoEModel
import MoESweep
import MoETraining
import Testing

/// Comparing a run recomputed with another OpenBLAS kernel: which kernels must agree bit for
/// bit, and the first-row tolerance for the others, on hand-made rows.
@Suite("Kernel agreement")
struct KernelAgreementTests {
  /// A two-layer row (layer 1 MoE) with cross-entropy `crossEntropy` at `step`.
  static func row(step: Int, crossEntropy: Double, gradientNorm: Double = 2) -> MetricsRow {
    var row = MetricsRow()
    (row.step, row.loss, row.crossEntropy, row.gradientNorm) = (step, 4, crossEntropy, gradientNorm)
    row.updateRMS = 0.01
    var routing = RoutingStatistics.zero
    (routing.balanceLoss, routing.routerZLoss, routing.routerEntropy) = (1.1, 4.3, 2.0)
    row.layers = [LayerMetrics(maxAttentionLogit: 1), LayerMetrics(routing: routing)]
    return row
  }

  @Test func onlyKernelsSharingTheirSgemmAreExpectedToBeBitIdentical() {
    #expect(KernelAgreement.sharesSgemm("SkylakeX", "SkylakeX"))
    #expect(KernelAgreement.sharesSgemm("SkylakeX", "Cooperlake"))
    #expect(KernelAgreement.sharesSgemm("Cooperlake", "SkylakeX"))
    #expect(!KernelAgreement.sharesSgemm("SkylakeX", "Haswell"))
    #expect(!KernelAgreement.sharesSgemm("Zen", "Haswell"))
  }

  /// 4.0 against 4.0·(1 + 5e-4) is inside 1e-3; against 4.0·(1 + 2e-3) it is not, and the
  /// first column out of tolerance is named.
  @Test func theFirstRowMustAgreeWithinTheTolerance() {
    let committed = [Self.row(step: 0, crossEntropy: 4), Self.row(step: 10, crossEntropy: 3)]
    let close = [
      Self.row(step: 0, crossEntropy: 4 * (1 + 5e-4)), Self.row(step: 10, crossEntropy: 3.3),
    ]
    let agreeing = KernelAgreement.compareStart(committed: committed, recomputed: close)
    #expect(agreeing.agrees)
    #expect(abs(agreeing.maxRelativeDifference - 5e-4 / (1 + 5e-4)) < 1e-12)
    #expect(agreeing.agreesThroughStep == 0)  // 3.3 against 3 is not

    let far = [Self.row(step: 0, crossEntropy: 4, gradientNorm: 2 * (1 + 2e-3))]
    let differing = KernelAgreement.compareStart(committed: committed, recomputed: far)
    #expect(!differing.agrees)
    #expect(differing.firstDisagreement == "gradientNorm")
    #expect(differing.agreesThroughStep == 0)  // the cross-entropy itself still agreed
  }

  @Test func identicalRunsAgreeThroughTheirLastCommonStep() {
    let rows = [0, 10, 20].map { Self.row(step: $0, crossEntropy: 4 - Double($0) / 10) }
    let comparison = KernelAgreement.compareStart(committed: rows, recomputed: rows)
    #expect(comparison.agrees && comparison.maxRelativeDifference == 0)
    #expect(comparison.agreesThroughStep == 20)
  }

  /// A non-finite value agrees only with the same non-finite value; a missing first row or an
  /// update present on one side only is a disagreement.
  @Test func missingRowsAndNonFiniteValuesAreJudgedStrictly() {
    let committed = [Self.row(step: 0, crossEntropy: .nan)]
    #expect(
      KernelAgreement.compareStart(committed: committed, recomputed: committed).agrees)
    let finite = [Self.row(step: 0, crossEntropy: 4)]
    #expect(
      KernelAgreement.compareStart(committed: committed, recomputed: finite).firstDisagreement
        == "crossEntropy")
    #expect(!KernelAgreement.compareStart(committed: committed, recomputed: []).agrees)
    var noUpdate = Self.row(step: 0, crossEntropy: 4)
    noUpdate.updateRMS = nil
    #expect(
      KernelAgreement.compareStart(committed: finite, recomputed: [noUpdate]).firstDisagreement
        == "updateRMS")
  }
}
