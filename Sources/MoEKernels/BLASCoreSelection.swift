#if canImport(Glibc)
  import Glibc
#endif

/// Chooses OpenBLAS's kernel family when OpenBLAS itself could not.
///
/// OpenBLAS picks its kernels once, when the library loads, from CPUID. Debian 12's 0.3.21
/// does not know CPUs newer than itself (e.g. Intel Emerald Rapids) and falls back to its
/// generic SSE3 kernels ("Prescott"), which run sgemm 3–4× slower than the AVX-512 ones the
/// CPU supports. Because the choice is made at load time, the only fix from inside the
/// process is to set `OPENBLAS_CORETYPE` and re-execute the same binary with the same
/// arguments; ``reexecuteIfNeeded()`` does exactly that, once, and only when
/// `OPENBLAS_CORETYPE` is unset and the fallback was taken. A user's own setting always wins.
/// The kernel in use is recorded with every run (it decides the last bits of every sum).
public enum BLASCoreSelection {
  /// The environment variable that marks a process as already re-executed.
  static let marker = "STMOE_BLAS_CORE_SELECTED"

  /// The kernel family to request on this CPU, or nil to keep OpenBLAS's own choice.
  public static func preferredCore(flags: Set<Substring>, loadedCore: String) -> String? {
    guard loadedCore == "Prescott" || loadedCore == "Core2" || loadedCore == "Nehalem" else {
      return nil
    }
    if ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains) {
      return "SkylakeX"
    }
    if ["avx2", "fma"].allSatisfy(flags.contains) { return "Haswell" }
    return nil
  }

  static func cpuFlags() -> Set<Substring> {
    guard let file = fopen("/proc/cpuinfo", "r") else { return [] }
    defer { fclose(file) }
    var line: UnsafeMutablePointer<CChar>?
    var capacity = 0
    defer { free(line) }
    while getline(&line, &capacity, file) > 0 {
      let text = String(cString: line!)
      if text.hasPrefix("flags") {
        return Set(text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }))
      }
    }
    return []
  }

  /// Re-executes this process with `OPENBLAS_CORETYPE` set when OpenBLAS fell back to its
  /// generic kernels on a CPU with AVX2 or AVX-512. Returns normally when nothing is to be done
  /// (or when `exec` fails, in which case the slow kernels are used).
  public static func reexecuteIfNeeded() {
    guard getenv("OPENBLAS_CORETYPE") == nil, getenv(marker) == nil,
      let core = preferredCore(flags: cpuFlags(), loadedCore: BLAS.coreName)
    else { return }
    setenv("OPENBLAS_CORETYPE", core, 1)
    setenv(marker, core, 1)
    var arguments = CommandLine.arguments.map { strdup($0) }
    arguments.append(nil)
    execv("/proc/self/exe", arguments)
  }
}
