#if canImport(Glibc)
  import Glibc
#endif

/// Ctrl-C / SIGTERM for the sweep process: set a flag the wait loop checks (the wait returns
/// EINTR), so in-flight workers are stopped and nothing half-done is recorded.
enum InterruptFlag {
  nonisolated(unsafe) static var flag: sig_atomic_t = 0
  static var isSet: Bool { flag != 0 }

  static func install() {
    flag = 0
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in InterruptFlag.flag = 1 }
    action.sa_flags = 0  // no SA_RESTART: the wait must return EINTR
    sigemptyset(&action.sa_mask)
    sigaction(SIGINT, &action, nil)
    sigaction(SIGTERM, &action, nil)
  }

  static func uninstall() {
    signal(SIGINT, SIG_DFL)
    signal(SIGTERM, SIG_DFL)
  }
}
