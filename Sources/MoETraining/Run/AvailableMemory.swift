import Foundation

/// How much memory a run may use on this machine, and where that figure comes from.
///
/// The smaller of the kernel's estimate of memory available without swapping (`MemAvailable`
/// in `/proc/meminfo`, else `sysconf`'s available pages; the physical memory where neither
/// exists) and the memory limit of every cgroup (v1 or v2) the process belongs to, its
/// ancestors included: the limit a Slurm job's `--mem` or a container sets.
public struct AvailableMemory: Sendable, Equatable {
  public var bytes: Double
  /// Where ``bytes`` comes from, for messages ("MemAvailable in /proc/meminfo").
  public var source: String

  public init(bytes: Double, source: String) {
    self.bytes = bytes
    self.source = source
  }

  /// Read once per process, so that every validation of a config in one process sees the same
  /// figure; nil where none can be read.
  public static let current: AvailableMemory? = read { path in
    try? String(contentsOfFile: path, encoding: .utf8)
  }

  /// The figure from the files `contents` returns (nil for a missing file).
  static func read(_ contents: (String) -> String?) -> AvailableMemory? {
    var candidates = cgroupLimits(contents)
    if let system = systemAvailable(contents) { candidates.append(system) }
    return candidates.min { $0.bytes < $1.bytes }
  }

  private static func systemAvailable(_ contents: (String) -> String?) -> AvailableMemory? {
    if let meminfo = contents("/proc/meminfo") {
      for line in meminfo.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
        let fields = line.split(separator: " ")
        if fields.count >= 2, let kibibytes = Double(fields[1]) {
          return AvailableMemory(bytes: kibibytes * 1024, source: "MemAvailable in /proc/meminfo")
        }
      }
    }
    #if os(Linux)
      let pages = sysconf(Int32(_SC_AVPHYS_PAGES))
      let pageSize = sysconf(Int32(_SC_PAGESIZE))
      if pages > 0 && pageSize > 0 {
        return AvailableMemory(
          bytes: Double(pages) * Double(pageSize), source: "sysconf(_SC_AVPHYS_PAGES)")
      }
    #endif
    let physical = ProcessInfo.processInfo.physicalMemory
    return physical > 0 ? AvailableMemory(bytes: Double(physical), source: "physical memory") : nil
  }

  /// The memory limit of each cgroup in `/proc/self/cgroup` and of its ancestors: `memory.max`
  /// (v2, the line `0::path`) or `memory.limit_in_bytes` (v1, the `memory` controller's line).
  /// "max" and missing files set no limit.
  private static func cgroupLimits(_ contents: (String) -> String?) -> [AvailableMemory] {
    guard let table = contents("/proc/self/cgroup") else { return [] }
    var limits: [AvailableMemory] = []
    for line in table.split(separator: "\n") {
      let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
      guard fields.count == 3 else { continue }
      let (root, file): (String, String)
      if fields[0] == "0" && fields[1].isEmpty {
        (root, file) = ("/sys/fs/cgroup", "memory.max")
      } else if fields[1].split(separator: ",").contains("memory") {
        (root, file) = ("/sys/fs/cgroup/memory", "memory.limit_in_bytes")
      } else {
        continue
      }
      var components = fields[2].split(separator: "/").map(String.init)
      while true {
        let group = "/" + components.joined(separator: "/")
        let path = root + (components.isEmpty ? "" : group) + "/" + file
        if let text = contents(path),
          let bytes = Double(text.trimmingCharacters(in: .whitespacesAndNewlines))
        {
          let source = "the memory limit of cgroup \(group)"
          limits.append(AvailableMemory(bytes: bytes, source: source))
        }
        if components.isEmpty { break }
        components.removeLast()
      }
    }
    return limits
  }
}
