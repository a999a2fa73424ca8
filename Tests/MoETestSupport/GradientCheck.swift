import MoEKernels

/// Central finite differences with Richardson extrapolation, for float32 code.
///
/// For one coordinate, `D(h) = (L(x+h) − L(x−h)) / 2h` has truncation error O(h²); the
/// extrapolation `(4·D(h/2) − D(h)) / 3` cancels it to O(h⁴). The remaining error is the
/// float32 noise of L divided by h: with L ≈ 1–5 summed in Double over float32 terms, noise
/// ≈ 1e-6 and h = 2e-2 give ≈ 1e-4 absolute (h = 4e-3, the fallback, ≈ 5e-4), so a comparison is made at
/// `|analytic − numeric| ≤ 2e-2 · max(|analytic|, |numeric|, 1e-2)`: a bug that drops or
/// doubles a term fails it by orders of magnitude, float32 noise does not reach it.
///
/// A coordinate is skipped (counted, not compared) when the function is not smooth there:
/// when `D(h)` and `D(h/2)` disagree by more than the tolerance (a ReLU kink, a clip boundary,
/// a routing decision flipping inside the interval) or when `isSmooth` says so.
public struct GradientCheck {
  /// Steps tried in order; a smaller one is used only where the larger straddles a kink.
  public var steps: [Float] = [2e-2, 4e-3]
  public var relativeTolerance: Double = 2e-2
  public var floor: Double = 1e-2

  public init() {}

  public struct Report: CustomStringConvertible, Sendable {
    public var name: String
    public var checked = 0
    public var skipped = 0
    public var failures: [String] = []
    public var maxError: Double = 0
    public var description: String {
      "\(name): checked \(checked), skipped \(skipped), max relative error \(maxError)"
        + (failures.isEmpty ? "" : ", failures: " + failures.prefix(5).joined(separator: "; "))
    }
  }

  /// Checks `analytic[i]` against finite differences of `loss` in `values[i]` for `indices`.
  ///
  /// `loss` re-evaluates the function after `values` was perturbed in place; `isSmooth`
  /// (optional) is asked after each evaluation whether the discrete state (routing) is the
  /// same as at the unperturbed point.
  public func check(
    name: String, values: UnsafeMutablePointer<Float>, analytic: [Float], indices: [Int],
    loss: () -> Double, isSmooth: () -> Bool = { true }
  ) -> Report {
    var report = Report(name: name)
    for i in indices {
      let original = values[i]
      func evaluate(_ delta: Float) -> (Double, Bool) {
        values[i] = original + delta
        let value = loss()
        let smooth = isSmooth()
        values[i] = original
        return (value, smooth)
      }
      // The first step at which the function is smooth around the point wins.
      var numeric: Double?
      for h in steps {
        let (plusH, s1) = evaluate(h)
        let (minusH, s2) = evaluate(-h)
        let (plusHalf, s3) = evaluate(h / 2)
        let (minusHalf, s4) = evaluate(-h / 2)
        let dh = (plusH - minusH) / Double(2 * h)
        let dHalf = (plusHalf - minusHalf) / Double(h)
        let consistent = abs(dh - dHalf) <= relativeTolerance * max(abs(dh), abs(dHalf), floor)
        if s1 && s2 && s3 && s4 && consistent {
          numeric = (4 * dHalf - dh) / 3
          break
        }
      }
      _ = loss()  // leave the model's saved state at the unperturbed point
      guard let numeric else {
        report.skipped += 1
        continue
      }
      let a = Double(analytic[i])
      report.checked += 1
      let error = abs(a - numeric) / max(abs(a), abs(numeric), floor)
      report.maxError = max(report.maxError, error)
      if error > relativeTolerance {
        report.failures.append("[\(i)] analytic \(a) numeric \(numeric)")
      }
    }
    return report
  }

  /// Up to `count` indices of `values.count` entries: the largest |analytic| ones and a seeded
  /// random spread, so both the dominant and the typical entries are exercised.
  public static func sampleIndices(analytic: [Float], count: Int, seed: UInt64) -> [Int] {
    if analytic.count <= count { return Array(analytic.indices) }
    var chosen = Set(
      analytic.indices.sorted { abs(analytic[$0]) > abs(analytic[$1]) }.prefix(count / 2))
    var random = RandomStream(seed: seed)
    while chosen.count < count { chosen.insert(random.index(below: analytic.count)) }
    return chosen.sorted()
  }
}
