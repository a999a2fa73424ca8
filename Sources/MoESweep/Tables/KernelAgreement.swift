import MoETraining

/// How a run recomputed on this machine can be compared with its committed copy, given the
/// OpenBLAS kernels that made each.
///
/// A run is a pure function of its config, the sgemm kernel and the BLAS thread count, so runs
/// made with kernels that share their sgemm code reproduce bit for bit; with any other kernel
/// only the start of a run is comparable, and only within a tolerance.
///
/// **Kernel families.** OpenBLAS's `Cooperlake` target is `SkylakeX` plus bfloat16 dot-product
/// kernels; its sgemm is the `SkylakeX` one. Measured: nine committed `SkylakeX` runs (bfloat16
/// and float32, learning rates 0.003–0.375, completed and diverged) recomputed with
/// `Cooperlake` on an AMD EPYC gave byte-identical `metrics.csv`. Every other pair is assumed
/// to differ.
///
/// **Early agreement.** With another family the sums round differently in their last bits and,
/// because training is chaotic, the difference grows: the same nine runs recomputed with
/// `Haswell` agreed at step 0 to at most 4.6e-8 relative over the columns compared below (the
/// gradient norm differing most; the cross-entropy by ≤ 6.6e-9, and by 0 in most bfloat16 runs,
/// where rounding to bfloat16 absorbs last-bit differences), but their cross-entropy at step 10 by
/// 4e-7 … 4.5e-2, and by step 20–60 every run was more than 1% away. So the comparable part is
/// the first logged row: the initial model's forward pass, its gradients (through their global
/// norm) and the first optimizer update. It must agree within ``relativeTolerance`` on every
/// continuous column of that row.
///
/// The tolerance, 1e-3: continuous sums differ between kernels by about √K·2⁻²⁴ ≈ 1.4e-6
/// relative per sgemm output (K ≤ 512), which means over N ≥ 256 tokens average down (measured
/// ≤ 4.6e-8 above). What does not average down is a discrete decision taken on a rounded value:
/// a router choice at a near-tie that rounds the other way (the very roundoff flip the studies
/// measure; 0–1.6% of tokens at initialisation) sends one token to another expert and moved the
/// first row's gradient norm by 1.5e-5 in a run with router jitter. 1e-3 leaves room for a few
/// such flips and is still far below what a wrong gradient or a changed default does to the
/// first row (a relative change of order 1e-2 or more in the loss terms or the gradient norm).
/// Maxima of rounded values (`maxAttentionLogit`, `maxRouterLogit`) and discrete fractions
/// (dropped, clipped, flipped, second-expert) can jump by a quantum and are not compared.
public enum KernelAgreement {
  /// The relative tolerance on the first logged row, for runs made with another kernel family.
  public static let relativeTolerance = 1e-3

  /// The kernel families whose sgemm is the same code (see the type's documentation).
  static let families: [Set<String>] = [["SkylakeX", "Cooperlake"]]

  /// True when runs made with kernels `a` and `b` are expected to be bit-identical.
  public static func sharesSgemm(_ a: String, _ b: String) -> Bool {
    a == b || families.contains { $0.contains(a) && $0.contains(b) }
  }

  /// The outcome of comparing the start of two runs.
  public struct EarlyComparison: Sendable, Equatable {
    /// The first column of the first row that differs by more than the tolerance (nil: none).
    public var firstDisagreement: String?
    /// The largest relative difference over the compared columns of the first row.
    public var maxRelativeDifference: Double
    /// The last logged step up to which the cross-entropy agrees within the tolerance
    /// (informative: how long the two kernels stay together).
    public var agreesThroughStep: Int?

    public var agrees: Bool { firstDisagreement == nil }
  }

  /// The continuous columns of a row, by name (the values compared at the start of a run).
  static func continuousValues(_ row: MetricsRow) -> [(String, Double?)] {
    var values: [(String, Double?)] = [
      ("loss", row.loss), ("crossEntropy", row.crossEntropy), ("balanceLoss", row.balanceLoss),
      ("routerZLoss", row.routerZLoss), ("attentionZLoss", row.attentionZLoss),
      ("outputZLoss", row.outputZLoss), ("gradientNorm", row.gradientNorm),
      ("updateRMS", row.updateRMS),
    ]
    for (layer, metrics) in row.layers.enumerated() {
      guard let routing = metrics.routing else { continue }
      values.append(("layer\(layer)_balanceLoss", routing.balanceLoss))
      values.append(("layer\(layer)_routerZLoss", routing.routerZLoss))
      values.append(("layer\(layer)_routerEntropy", routing.routerEntropy))
    }
    return values
  }

  /// |a − b| / max(|a|, |b|), 0 when equal (NaN equals NaN; infinities equal by sign).
  static func relativeDifference(_ a: Double, _ b: Double) -> Double {
    if a == b || (a.isNaN && b.isNaN) { return 0 }
    if !a.isFinite || !b.isFinite { return .infinity }
    return abs(a - b) / max(abs(a), abs(b))
  }

  /// Compares the first logged row of `recomputed` with that of `committed` (each a run's
  /// metrics rows) within ``relativeTolerance``; a missing first row or a different step counts
  /// as a disagreement.
  public static func compareStart(
    committed: [MetricsRow], recomputed: [MetricsRow]
  ) -> EarlyComparison {
    guard let expected = committed.first, let actual = recomputed.first,
      expected.step == actual.step
    else {
      return EarlyComparison(
        firstDisagreement: "step", maxRelativeDifference: .infinity, agreesThroughStep: nil)
    }
    var comparison = EarlyComparison(
      firstDisagreement: nil, maxRelativeDifference: 0, agreesThroughStep: nil)
    let pairs = zip(continuousValues(expected), continuousValues(actual))
    for ((name, a), (otherName, b)) in pairs {
      let difference: Double
      switch (a, b) {
      case (nil, nil): difference = 0
      case (let a?, let b?) where name == otherName: difference = relativeDifference(a, b)
      default: difference = .infinity
      }
      comparison.maxRelativeDifference = max(comparison.maxRelativeDifference, difference)
      if difference > relativeTolerance, comparison.firstDisagreement == nil {
        comparison.firstDisagreement = name
      }
    }
    for (a, b) in zip(committed, recomputed) {
      guard a.step == b.step,
        relativeDifference(a.crossEntropy, b.crossEntropy) <= relativeTolerance
      else { break }
      comparison.agreesThroughStep = a.step
    }
    return comparison
  }
}
