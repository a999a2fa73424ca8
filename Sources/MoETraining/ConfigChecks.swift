import MoEConfig

/// Small guards shared by the `validate()` methods of this module's config sections.
///
/// Each throws a ``ConfigError`` whose key path is the property name relative to the section
/// being validated; enclosing sections prefix it with ``ConfigError/prefixed(by:)``.
enum ConfigChecks {
  /// Throws unless `value` is finite and inside `range`.
  static func require(
    _ value: Double, in range: ClosedRange<Double>, key: String, suggestion: String? = nil
  ) throws(ConfigError) {
    guard value.isFinite, range.contains(value) else {
      throw ConfigError(
        keyPath: key, "must be a finite number in \(range), got \(value)", suggestion: suggestion)
    }
  }

  /// Throws unless `value` is finite and inside the half-open `range`.
  static func require(
    _ value: Double, in range: Range<Double>, key: String, suggestion: String? = nil
  ) throws(ConfigError) {
    guard value.isFinite, range.contains(value) else {
      throw ConfigError(
        keyPath: key, "must be a finite number in \(range), got \(value)", suggestion: suggestion)
    }
  }

  /// Throws unless `value` is finite and strictly positive.
  static func requirePositive(
    _ value: Double, key: String, suggestion: String? = nil
  ) throws(ConfigError) {
    guard value.isFinite, value > 0 else {
      throw ConfigError(
        keyPath: key, "must be a finite number > 0, got \(value)", suggestion: suggestion)
    }
  }

  /// Throws unless `value` is finite and not negative.
  static func requireNonNegative(
    _ value: Double, key: String, suggestion: String? = nil
  ) throws(ConfigError) {
    guard value.isFinite, value >= 0 else {
      throw ConfigError(
        keyPath: key, "must be a finite number ≥ 0, got \(value)", suggestion: suggestion)
    }
  }

  /// Throws unless `value` is at least `minimum`.
  static func require(
    _ value: Int, atLeast minimum: Int, key: String, suggestion: String? = nil
  ) throws(ConfigError) {
    guard value >= minimum else {
      throw ConfigError(keyPath: key, "must be ≥ \(minimum), got \(value)", suggestion: suggestion)
    }
  }
}
