import Foundation

/// A command line of `stmoe-sweep` that this library starts as a process or writes into a job
/// script: ``TrainInvocation`` (a sweep's worker), ``RunInvocation`` (a Slurm array task),
/// ``SummarizeInvocation`` (the Slurm summary job) and ``SlurmInvocation`` (the command that
/// writes a sweep's job scripts again).
///
/// These types are the only place in the library that spells a flag of the executable; every
/// argument list is derived from their typed fields. `CLITests` parses each of them with the
/// executable's own parser and reads the parsed command back into the same value, so renaming a
/// flag in a command without changing it here fails the tests rather than a sweep at run time.
public protocol Invocation: Hashable, Sendable {
  /// The words after the executable's name, in order.
  var words: [CommandValue<String>] { get }
}

extension Invocation {
  /// The argument list of a process (without the executable).
  ///
  /// - Precondition: no word is a shell expansion (those exist only in job scripts).
  public var arguments: [String] {
    words.map { word in
      guard case .value(let text) = word else {
        preconditionFailure("\(word) has a value only inside a shell script")
      }
      return text
    }
  }

  /// The command as one line of a shell script: every value quoted so that the shell passes it
  /// through unchanged, every expansion in double quotes so that it stays one word.
  public func shellCommand(executable: String) -> String {
    ([.value(executable)] + words).map(\.shellWord).joined(separator: " ")
  }
}

/// A value on a command line: known when the line is built, or what the shell expands when a job
/// script runs it (`$task`, `$((4 + task))`).
public enum CommandValue<Value: Hashable & Sendable>: Hashable, Sendable {
  case value(Value)
  /// Shell text that expands to the value, written inside double quotes.
  case shellExpansion(String)

  /// The same value as text, for an argument list.
  func text(_ describe: (Value) -> String) -> CommandValue<String> {
    switch self {
    case .value(let value): return .value(describe(value))
    case .shellExpansion(let text): return .shellExpansion(text)
    }
  }
}

extension CommandValue<String> {
  /// One shell word: a value unchanged when it has only safe characters, else single-quoted;
  /// an expansion in double quotes.
  public var shellWord: String {
    switch self {
    case .value(let text): return Shell.quoted(text)
    case .shellExpansion(let text): return "\"\(text)\""
    }
  }
}

/// Quoting for POSIX shells.
public enum Shell {
  /// `text` as one shell word: unchanged when it has only safe characters, else single-quoted.
  public static func quoted(_ text: String) -> String {
    let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:@%+=,")
    if !text.isEmpty && text.allSatisfy(safe.contains) { return text }
    return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
