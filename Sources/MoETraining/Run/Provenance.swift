import Foundation
import MoEKernels

/// Where and with what a run was computed: enough to tell whether two results may differ in
/// their last bits (another BLAS kernel, another thread count, another commit).
public struct Provenance: Codable, Sendable, Equatable {
  public var tool: String
  public var toolVersion: String
  /// `git rev-parse HEAD` of the working directory's repository, "+dirty" when it has local
  /// changes, or nil outside a repository.
  public var gitCommit: String?
  public var configHash: String
  public var blasCore: String
  public var blasConfiguration: String
  public var blasThreads: Int
  public var host: String
  public var startTime: String
  public var endTime: String?

  public static let toolVersion = "0.1.0"

  public static func current(configHash: String, start: Date) -> Provenance {
    Provenance(
      tool: "stmoe-sweep", toolVersion: toolVersion, gitCommit: gitDescription(),
      configHash: configHash,
      blasCore: BLAS.coreName, blasConfiguration: BLAS.configuration, blasThreads: BLAS.threadCount,
      host: ProcessInfo.processInfo.hostName, startTime: timestamp(start), endTime: nil)
  }

  public static func timestamp(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: date)
  }

  nonisolated(unsafe) private static var cachedGit: String??

  /// The commit of the repository around the current directory (cached per process).
  static func gitDescription() -> String? {
    if let cachedGit { return cachedGit }
    func git(_ arguments: [String]) -> String? {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = ["git"] + arguments
      let pipe = Pipe()
      process.standardOutput = pipe
      process.standardError = FileHandle.nullDevice
      do { try process.run() } catch { return nil }
      let data = pipe.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      guard process.terminationStatus == 0 else { return nil }
      return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
    var description = git(["rev-parse", "HEAD"])
    if let commit = description,
      let status = git(["status", "--porcelain", "--untracked-files=no"]), !status.isEmpty
    {
      description = commit + "+dirty"
    }
    cachedGit = .some(description)
    return description
  }
}
