#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What part of a training step a stretch of time belongs to (see ``StepProfile``).
public enum StepPhase: Int, CaseIterable, Sendable, Codable {
  case forward, backward, optimizer, routing, rounding

  public var name: String { "\(self)" }
}

/// Where a training step's time goes: wall time attributed to nested phases.
///
/// A phase is entered and left around a piece of work; time is charged to the innermost open
/// phase only (exclusive time), so a bfloat16 rounding pass inside the forward pass counts as
/// rounding, not forward, and the phases never double-count. Time outside every phase (data
/// loading, the gradient norm, divergence rules, bookkeeping) is what the caller's total minus
/// ``total`` leaves: "the rest".
///
/// The hooks cost one load and one branch when no profile is installed. Install one with
/// ``install()`` only in a single-threaded program (the benchmark): the hooks on every thread
/// report into it.
public final class StepProfile: @unchecked Sendable {
  /// The installed profile, or nil (the default: the hooks do nothing). Unchecked
  /// exclusivity: without it every hook would call the runtime's access check.
  @exclusivity(unchecked) nonisolated(unsafe)
    public private(set) static var current: StepProfile?

  /// Seconds charged to each phase since the last ``reset()``, indexed by `StepPhase.rawValue`.
  public private(set) var seconds: [Double]
  private var open: [StepPhase] = []
  private var mark: Double = 0
  private let clock: () -> Double

  /// `clock` reads seconds (the monotonic wall clock unless a test supplies its own).
  public init(clock: @escaping () -> Double = StepProfile.now) {
    seconds = Array(repeating: 0, count: StepPhase.allCases.count)
    open.reserveCapacity(16)
    self.clock = clock
  }

  /// Seconds charged to `phase`.
  public subscript(phase: StepPhase) -> Double { seconds[phase.rawValue] }

  /// Seconds charged to all phases.
  public var total: Double { seconds.reduce(0, +) }

  public func reset() {
    for index in seconds.indices { seconds[index] = 0 }
  }

  /// Makes this the profile the hooks report to.
  public func install() { StepProfile.current = self }

  /// Stops profiling (the hooks return to doing nothing).
  public static func uninstall() { current = nil }

  /// Opens `phase` in the installed profile, inside whatever phase is open.
  @inline(__always)
  public static func enter(_ phase: StepPhase) {
    if let profile = current { profile.enter(phase) }
  }

  /// Closes the installed profile's innermost open phase.
  @inline(__always)
  public static func leave() {
    if let profile = current { profile.leave() }
  }

  /// Charges the time since the last event to the open phase, then opens `phase`.
  @inline(never)
  public func enter(_ phase: StepPhase) {
    chargeOpenPhase()
    open.append(phase)
  }

  /// Charges the time since the last event to the open phase, then closes it.
  @inline(never)
  public func leave() {
    chargeOpenPhase()
    if !open.isEmpty { open.removeLast() }
  }

  private func chargeOpenPhase() {
    let now = clock()
    if let phase = open.last { seconds[phase.rawValue] += now - mark }
    mark = now
  }

  /// Monotonic wall-clock seconds.
  public static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
  }
}
