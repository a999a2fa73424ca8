import Foundation

/// Runs programs as a user would, for the tests that exercise the command line.
public enum CommandRunner {
  /// What a finished process printed and returned.
  public struct Outcome: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
  }

  /// The `stmoe-sweep` binary, which SwiftPM builds next to the test bundle (the `CLITests`
  /// target depends on it).
  public static var stmoeSweep: URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      .appendingPathComponent("stmoe-sweep")
  }

  /// Runs `executable` (default: `stmoe-sweep`) to completion with `environment` added to this
  /// process's, capturing both output streams.
  public static func run(
    _ arguments: [String], executable: URL = stmoeSweep, in directory: URL? = nil,
    environment: [String: String] = [:]
  ) throws -> Outcome {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Drain stderr concurrently: a child that fills one pipe while the other is being read
    // (LD_DEBUG output, say) would otherwise block forever.
    let stderrBox = DataBox()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) {
      stderrBox.data = err.fileHandleForReading.readDataToEndOfFile()
    }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    let stderr = stderrBox.data
    process.waitUntilExit()
    return Outcome(
      status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
      stderr: String(decoding: stderr, as: UTF8.self))
  }
}

/// Bytes handed from the reading thread to the caller; written once, read after the wait.
private final class DataBox: @unchecked Sendable {
  var data = Data()
}
