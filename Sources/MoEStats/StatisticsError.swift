/// Why a statistic could not be computed.
///
/// Bad arguments are refused in Swift before any GSL call (``invalidArgument(_:)``); anything GSL
/// itself reports is turned into ``gsl(function:reason:code:)`` instead of aborting the process.
/// Statistics that are merely *undefined* for the data (no runs, one sample, constant groups) are
/// not errors: those APIs return `nil`.
public enum StatisticsError: Error, Equatable, Sendable, CustomStringConvertible {
  /// An argument refused in Swift before GSL saw it; the message names the argument and value.
  case invalidArgument(String)
  /// GSL reported an error through its error handler during `function`.
  ///
  /// `reason` is GSL's own text (e.g. "P must be in range 0 < P < 1") and `code` its `gsl_errno`
  /// value (`GSL_EDOM` = 1). When one call raises several errors, the first one is kept: later
  /// ones are usually consequences of it.
  case gsl(function: String, reason: String, code: Int)
  /// `function` returned NaN or an infinite value without reporting an error (e.g. an overflow).
  case nonFiniteResult(function: String)

  public var description: String {
    switch self {
    case .invalidArgument(let message):
      return "invalid argument: \(message)"
    case .gsl(let function, let reason, let code):
      return "\(function) failed: \(reason) (gsl_errno \(code))"
    case .nonFiniteResult(let function):
      return "\(function) returned a non-finite value"
    }
  }
}
