import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An advisory `flock` on a file, released when this value is deinitialised or the process
/// dies (the kernel drops it), so a killed sweep never leaves a stale lock behind.
///
/// A whole-sweep `run` takes the sweep directory's lock exclusively, partial runs (`--index`,
/// `--shard`, Slurm array tasks) take it shared, so array tasks run side by side while a second
/// full sweep on the same directory is refused; and every run being computed holds its own run
/// directory's lock exclusively, so no run is ever computed twice at once.
public final class DirectoryLock {
  public enum Mode: Sendable { case shared, exclusive }
  let descriptor: Int32
  public let path: String

  /// Takes the lock without waiting; nil if another process holds it incompatibly.
  public init?(path: String, mode: Mode) throws {
    let directory = (path as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    guard flock(descriptor, (mode == .exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
      close(descriptor)
      return nil
    }
    if mode == .exclusive {
      // Leave the holder's pid for the error message a second sweep prints.
      _ = ftruncate(descriptor, 0)
      let text = "\(getpid())\n"
      _ = text.withCString { write(descriptor, $0, strlen($0)) }
    }
    self.descriptor = descriptor
    self.path = path
  }

  /// The pid recorded by the last exclusive holder, if any.
  public static func holder(of path: String) -> String? {
    (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(
      in: .whitespacesAndNewlines)
  }

  deinit {
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}
