import MoETraining

/// A run's metrics as the lines of a figure.
///
/// Non-finite and missing values are kept as NaN, so a line drawn from them breaks where the
/// run produced no finite value.
extension MetricsTable {
  /// The step of every row paired with `value` of the row (NaN where it has none).
  func series(_ value: (MetricsRow) -> Double?) -> (steps: [Double], values: [Double]) {
    (rows.map { Double($0.step) }, rows.map { value($0) ?? .nan })
  }

  /// The last (step, value) whose value is finite and, on a logarithmic axis, positive; `nil`
  /// if there is none.
  func lastDrawable(
    _ value: (MetricsRow) -> Double?, positive: Bool
  ) -> (step: Double, value: Double)? {
    for row in rows.reversed() {
      if let y = value(row), y.isFinite, !positive || y > 0 { return (Double(row.step), y) }
    }
    return nil
  }
}
