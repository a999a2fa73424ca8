import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A worker: a child process running one training, with stdout and stderr sent to files.
///
/// Started with `posix_spawn` so the parent can wait for any child with `waitpid(-1)`; the
/// child gets `STMOE_PARENT_PID`, which makes it ask the kernel to kill it if the parent dies
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
      argv.forEach { free($0) }
      envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    let status = posix_spawnp(&pid, arguments[0], &actions, nil, &argv, &envp)
    guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EIO) }
    return WorkerProcess(pid: pid)
  }

  /// Waits for any child; nil when interrupted by a signal (the caller checks for Ctrl-C).
  public static func waitAny() -> (pid: pid_t, termination: Termination)? {
    var status: Int32 = 0
    let pid = waitpid(-1, &status, 0)
    guard pid > 0 else { return nil }
    // WIFEXITED / WEXITSTATUS / WTERMSIG are macros; decode the status word by hand.
    let signal = status & 0x7F
    return (pid, signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal))
  }

  public func kill(_ signal: Int32) { _ = Glibc.kill(pid, signal) }

  /// In a worker (STMOE_PARENT_PID set), asks the kernel to SIGKILL this process when its
  /// parent dies, and exits at once if the parent is already gone.
  public static func bindLifetimeToParentIfWorker() {
    guard let text = getenv(parentVariable), let parent = pid_t(String(cString: text)) else { return }
    // prctl is variadic in C and not imported by Swift's Glibc module: resolve it by name.
    typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
    let setParentDeathSignal: Int32 = 1  // PR_SET_PDEATHSIG, <linux/prctl.h>
    if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl") {
      _ = unsafeBitCast(symbol, to: Prctl.self)(setParentDeathSignal, UInt(SIGKILL), 0, 0, 0)
    }
    if getppid() != parent { exit(1) }
  }
}
