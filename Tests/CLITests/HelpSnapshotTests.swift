import Foundation
import MoETestSupport
import Testing

/// Every command's `--help`, exactly as a user on an 80-column terminal reads it, equals the
/// committed text in `Tests/CLITests/Help/<command>.txt`.
///
/// ArgumentParser wraps help text to the terminal width (`COLUMNS`, fixed here), so the strings
/// in the source are unwrapped paragraphs; a hard line break in one shows up here as a line cut
/// mid-sentence.
@Suite("Help snapshots")
struct HelpSnapshotTests {
  /// The subcommands in the order the root command lists them.
  static let subcommands = [
    "run", "plan", "summarize", "compare", "tables", "plot", "slurm", "train", "model", "bench",
    "schema", "eligibility",
  ]
  /// The root command's snapshot is named after the executable.
  static let root = "stmoe-sweep"
  static let columns = 80
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Help")
  /// Set to 1 to rewrite the snapshots from the current binary instead of comparing.
  static let updateVariable = "UPDATE_HELP_SNAPSHOTS"
  static let howToUpdate = """
    If the new text is intended, rewrite the snapshots and review them before committing:
      \(updateVariable)=1 swift test --filter HelpSnapshotTests
      git diff Tests/CLITests/Help
    """

  /// `stmoe-sweep [command] --help`, with the one machine-dependent value (the core count,
  /// the default of `--jobs`) replaced by `<cores>`.
  static func help(_ command: String) throws -> String {
    let arguments = command == root ? ["--help"] : [command, "--help"]
    let outcome = try CommandRunner.run(arguments, environment: ["COLUMNS": "\(columns)"])
    try #require(outcome.status == 0, "\(arguments): \(outcome.stderr)")
    let cores = ProcessInfo.processInfo.activeProcessorCount
    return outcome.stdout.replacingOccurrences(
      of: #"one per core\.(\s+)\(default: \#(cores)\)"#, with: "one per core.$1(default: <cores>)",
      options: .regularExpression)
  }

  @Test(arguments: [root] + subcommands)
  func helpMatchesItsSnapshot(_ command: String) throws {
    let text = try Self.help(command)
    let file = Self.directory.appendingPathComponent("\(command).txt")
    if ProcessInfo.processInfo.environment[Self.updateVariable] == "1" {
      try FileManager.default.createDirectory(
        at: Self.directory, withIntermediateDirectories: true)
      try text.write(to: file, atomically: true, encoding: .utf8)
      return
    }
    guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
      Issue.record("No snapshot Tests/CLITests/Help/\(command).txt.\n\(Self.howToUpdate)")
      return
    }
    guard text != expected else { return }
    let (old, new) = (expected.components(separatedBy: "\n"), text.components(separatedBy: "\n"))
    let line = zip(old, new).prefix { $0 == $1 }.count
    func quoted(_ lines: [String]) -> String {
      lines.dropFirst(line).first.map { "`\($0)`" } ?? "(end)"
    }
    Issue.record(
      """
      `\(command == Self.root ? "" : command + " ")--help` differs from \
      Tests/CLITests/Help/\(command).txt at line \(line + 1):
        expected \(quoted(old))
        got      \(quoted(new))
      \(Self.howToUpdate)
      """)
  }

  /// A new command gets a snapshot, and a removed one loses it.
  @Test func theSnapshotsCoverEveryCommand() throws {
    let lines = try Self.help(Self.root).components(separatedBy: "\n")
    let listed = lines.drop { $0 != "SUBCOMMANDS:" }.dropFirst()
      .prefix { !$0.isEmpty }
      .filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
      .compactMap { $0.split(separator: " ").first.map(String.init) }
    #expect(listed == Self.subcommands)
    if ProcessInfo.processInfo.environment[Self.updateVariable] == "1" { return }
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
    #expect(Set(files) == Set(([Self.root] + Self.subcommands).map { "\($0).txt" }))
  }
}
