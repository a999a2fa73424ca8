import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A worker: a child process running one training, with stdout and stderr sent to files.
///
/// Started with `posix_spawn`, with no signal blocked and SIGINT / SIGTERM at their default
/// action whatever the spawning thread has (a worker must die when it is told to); the child
/// gets `STMOE_PARENT_PID`, which makes it ask the kernel to kill it if the parent dies
/// (see ``WorkerProcess/bindLifetimeToParentIfWorker()``): a SIGKILLed sweep leaves no
/// orphan still writing into its directory.
public struct WorkerProcess: Sendable {
  public let pid: pid_t

  /// How a worker ended.
  public enum Termination: Sendable, Equatable {
    case exited(Int32)
    case signalled(Int32)
  }

  public static let parentVariable = "STMOE_PARENT_PID"

  /// Spawns `arguments[0]` (searched in PATH when not a path) with `arguments`.
  public static func spawn(
    arguments: [String], environment: [String: String], stdout: String, stderr: String
  ) throws -> WorkerProcess {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    var argv = arguments.map { strdup($0) } + [nil]
    var envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in argv { free(pointer) }
      for pointer in envp { free(pointer) }
    }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    var stopSignals = sigset_t()
    sigemptyset(&noSignals)
    sigemptyset(&stopSignals)
    sigaddset(&stopSignals, SIGINT)
    sigaddset(&stopSignals, SIGTERM)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    posix_spawnattr_setsigdefault(&attributes, &stopSignals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid: pid_t = 0
    let status = posix_spawnp(&pid, arguments[0], &actions, &attributes, &argv, &envp)
    guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EIO) }
    return WorkerProcess(pid: pid)
  }

  /// Waits until one of `workers` ends and reaps it; nil when a signal interrupted the wait
  /// (the caller checks for Ctrl-C) or when a child that is not one of `workers` ended first.
  ///
  /// Other children of the process (a test's own subprocesses, say) are never reaped here: the
  /// wait only looks (`WNOWAIT`), and reaps by pid.
  public static func waitForAny(of workers: Set<pid_t>) -> (pid: pid_t, termination: Termination)? {
    var info = siginfo_t()
    guard waitid(P_ALL, 0, &info, WEXITED | WNOWAIT) == 0 else {
      // EINTR, or ECHILD if someone else reaped a worker: look at each without blocking.
      return workers.lazy.compactMap(reapIfEnded).first
    }
    let pid = info._sifields._sigchld.si_pid
    if workers.contains(pid) { return (pid, reap(pid)) }
    // Another part of the process owns that child and will reap it; meanwhile, poll ours.
    usleep(10_000)
    return workers.lazy.compactMap(reapIfEnded).first
  }

  /// Waits for `pid` to end and reaps it.
  @discardableResult
  public static func reap(_ pid: pid_t) -> Termination {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return termination(status)
  }

  private static func reapIfEnded(_ pid: pid_t) -> (pid: pid_t, termination: Termination)? {
    var status: Int32 = 0
    let result = waitpid(pid, &status, WNOHANG)
    if result == pid { return (pid, termination(status)) }
    // Not our child any more (reaped elsewhere): it ended, how is unknown.
    if result < 0 && errno == ECHILD { return (pid, .signalled(0)) }
    return nil
  }

  /// Decodes a wait status (WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot import).
  private static func termination(_ status: Int32) -> Termination {
    let signal = status & 0x7F
    return signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
  }

  public func kill(_ signal: Int32) { _ = Glibc.kill(pid, signal) }

  /// In a worker (STMOE_PARENT_PID set), asks the kernel to SIGKILL this process when its
  /// parent dies, and exits at once if the parent is already gone.
  public static func bindLifetimeToParentIfWorker() {
    guard let text = getenv(parentVariable), let parent = pid_t(String(cString: text)) else {
      return
    }
    // prctl is variadic in C and not imported by Swift's Glibc module: resolve it by name.
    typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
    let setParentDeathSignal: Int32 = 1  // PR_SET_PDEATHSIG, <linux/prctl.h>
    if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl") {
      _ = unsafeBitCast(symbol, to: Prctl.self)(setParentDeathSignal, UInt(SIGKILL), 0, 0, 0)
    }
    if getppid() != parent { exit(1) }
  }
}
