import CGSL

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The only door between MoEStats and GSL's error machinery.
///
/// GSL's default handler prints a message and calls `abort()` on any domain error, and with the
/// handler switched off some routines (the inverse Beta with a shape parameter of 0) loop forever.
/// So MoEStats does three things:
///
/// 1. Every public entry point validates its arguments in Swift first, and special-cases the
///    edges GSL cannot handle; GSL only ever sees arguments it should accept.
/// 2. On first use it installs, once per process (Swift's lazy globals are initialised exactly
///    once, thread-safely), a *recording* handler instead of the aborting one. A C callback cannot
///    capture context, so the handler finds its destination through a thread-local slot:
///    ``call(_:_:)`` points that slot at a local variable for the duration of one call, the
///    handler stores the first report there, and ``call(_:_:)`` throws
///    ``StatisticsError/gsl(function:reason:code:)`` afterwards. GSL functions that report an
///    error return NaN (or an error code) after the handler returns, so nothing else happens.
///    Calls on other threads use their own slots and cannot see each other's errors.
/// 3. ``evaluate(_:_:)`` additionally refuses NaN results that GSL returned silently.
///
/// A GSL error raised outside ``call(_:_:)`` (by code that calls GSL directly) is written to
/// standard error and otherwise ignored rather than aborting. Anything that replaces the handler
/// later (`gsl_set_error_handler_off`) would defeat point 2: MoEStats is meant to be the only GSL
/// caller in the process.
enum GSL {
  /// One error as GSL reported it to the handler.
  struct Report: Sendable {
    var reason: String
    var file: String
    var line: Int
    var code: Int
  }

  /// Runs `body` (GSL calls only, no thread hops) and throws the first error GSL reported in it.
  static func call<T>(_ function: String, _ body: () -> T) throws(StatisticsError) -> T {
    _ = recordingHandlerInstallation
    var report: Report? = nil
    let result = withUnsafeMutablePointer(to: &report) { slot in
      let outer = pthread_getspecific(reportSlotKey)
      pthread_setspecific(reportSlotKey, slot)
      defer { pthread_setspecific(reportSlotKey, outer) }
      return body()
    }
    if let report {
      throw .gsl(function: function, reason: report.reason, code: report.code)
    }
    return result
  }

  /// ``call(_:_:)`` for a GSL function returning a number that must not be NaN.
  ///
  /// Infinities pass (a quantile of a heavy tail can legitimately be huge); callers that need a
  /// finite value check it themselves.
  static func evaluate(_ function: String, _ body: () -> Double) throws(StatisticsError) -> Double {
    let value = try call(function, body)
    guard !value.isNaN else { throw .nonFiniteResult(function: function) }
    return value
  }
}

/// The thread-local slot the recording handler writes to: a `GSL.Report?` on the stack of the
/// ``GSL/call(_:_:)`` running on this thread, or nil outside any call.
private let reportSlotKey: pthread_key_t = {
  var key = pthread_key_t()
  let status = pthread_key_create(&key, nil)
  precondition(status == 0, "pthread_key_create failed with \(status)")
  return key
}()

/// Evaluated once, on first use of ``GSL/call(_:_:)``.
private let recordingHandlerInstallation: Void = {
  _ = gsl_set_error_handler { reason, file, line, code in
    let report = GSL.Report(
      reason: reason.map { String(cString: $0) } ?? "unknown error",
      file: file.map { String(cString: $0) } ?? "?", line: Int(line), code: Int(code))
    guard let raw = pthread_getspecific(reportSlotKey) else {
      let message = "gsl: \(report.file):\(report.line): ERROR: \(report.reason) (ignored)\n"
      _ = message.withCString { write(2, $0, strlen($0)) }
      return
    }
    let slot = raw.assumingMemoryBound(to: GSL.Report?.self)
    if slot.pointee == nil { slot.pointee = report }
  }
}()
