import Foundation

/// An axis ready to draw: a concrete domain, its ticks and the map from data to a fraction.
struct ResolvedAxis {
  let scale: AxisScale
  let domain: ClosedRange<Double>
  let ticks: AxisTicks

  /// Fits `axis` to the finite `values` (positive ones only, on a log axis) of magnitude
  /// 1e-300…1e300 (0 allowed on a linear axis).
  ///
  /// Linear, fitted: the domain runs from the first to the last nice tick covering the data.
  /// Logarithmic, fitted: the data range widened by 3 % of its log span on each side (a single
  /// value by half a decade), with powers of ten or 1-2-5 ticks inside; when there are too few
  /// of those, the domain runs between covering linear nice ticks instead (if both are > 0). A fixed domain is used as given, ticks inside.
  /// Without drawable data the domain is 0…1 (linear) or 1…10 (logarithmic).
  init(_ axis: Axis, values: [Double], targetTickCount: Int) {
    scale = axis.scale
    // Magnitudes beyond 1e±300 are drawn (clipped) but not fitted: padding and tick
    // arithmetic on them would overflow to infinity.
    let usable = values.filter {
      abs($0) <= Self.largestFitted && (axis.scale == .linear || $0 >= 1 / Self.largestFitted)
    }
    switch axis.scale {
    case .linear:
      if let fixed = axis.domain, fixed.lowerBound.isFinite, fixed.upperBound.isFinite {
        let ticks = AxisTicks.linear(within: fixed, targetCount: targetTickCount)
        let opened =
          fixed.lowerBound < fixed.upperBound ? fixed : ticks.values[0]...ticks.values.last!
        (domain, self.ticks) = (opened, ticks)
        return
      }
      let fitted = usable.isEmpty ? 0...1 : usable.min()!...usable.max()!
      ticks = AxisTicks.linear(covering: fitted, targetCount: targetTickCount)
      domain = ticks.values[0]...ticks.values.last!
    case .logarithmic:
      if let fixed = axis.domain, fixed.lowerBound > 0, fixed.upperBound.isFinite,
        fixed.lowerBound < fixed.upperBound
      {
        (domain, ticks) = (fixed, AxisTicks.logarithmic(within: fixed))
        return
      }
      guard let low = usable.min(), let high = usable.max() else {
        (domain, ticks) = (1...10, AxisTicks.logarithmic(within: 1...10))
        return
      }
      let logSpan = log10(high) - log10(low)
      let pad = logSpan > 0 ? pow(10, 0.03 * logSpan) : pow(10, 0.5)
      let padded = max(low / pad, 1e-305)...min(high * pad, 1e305)
      if let logTicks = AxisTicks.decades(within: padded) ?? AxisTicks.oneTwoFive(within: padded) {
        (domain, ticks) = (padded, logTicks)
        return
      }
      // Less than about half a decade: linear nice ticks, and the domain widened to the
      // covering ones (2…10 for data 2.4…10) so both ends are labelled.
      let covering = AxisTicks.linear(covering: padded, targetCount: targetTickCount)
      if covering.values[0] > 0 {
        (domain, ticks) = (covering.values[0]...covering.values.last!, covering)
      } else {
        (domain, ticks) = (padded, AxisTicks.linear(within: padded))
      }
    }
  }

  /// The largest magnitude (and, on a log axis, the reciprocal of the smallest) used to fit a
  /// domain.
  static let largestFitted = 1e300

  /// Where `value` lies along the axis: 0 at the domain's lower end, 1 at its upper end,
  /// outside 0…1 beyond them; `nil` for values that cannot be drawn (non-finite, or ≤ 0 on a
  /// logarithmic axis).
  func fraction(of value: Double) -> Double? {
    guard value.isFinite else { return nil }
    switch scale {
    case .linear:
      return (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
    case .logarithmic:
      guard value > 0 else { return nil }
      let low = log10(domain.lowerBound)
      return (log10(value) - low) / (log10(domain.upperBound) - low)
    }
  }

  /// The tick labels that fall inside the domain, with their fractions.
  var visibleTicks: [(fraction: Double, label: String)] {
    zip(ticks.values, ticks.labels).compactMap { value, label in
      guard let fraction = fraction(of: value), (-1e-9...(1 + 1e-9)).contains(fraction) else {
        return nil
      }
      return (fraction, label)
    }
  }
}
