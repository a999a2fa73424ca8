/// A refused configuration: which file, which key path, what is wrong, and how to fix it.
///
/// Key paths use the Swift property names joined by dots, with array indices in brackets
/// (`model.expertsPerToken`, `axes[2].values`), exactly as they appear in config and sweep files.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
  public var file: String?
  public var keyPath: String
  public var message: String
  public var suggestion: String?

  public init(keyPath: String, _ message: String, suggestion: String? = nil, file: String? = nil) {
    self.keyPath = keyPath
    self.message = message
    self.suggestion = suggestion
    self.file = file
  }

  /// The same error seen from an enclosing object: `prefix.keyPath`.
  public func prefixed(by prefix: String) -> ConfigError {
    var copy = self
    if prefix.isEmpty { return copy }
    copy.keyPath =
      keyPath.isEmpty
      ? prefix : (keyPath.hasPrefix("[") ? prefix + keyPath : prefix + "." + keyPath)
    return copy
  }

  public func inFile(_ path: String) -> ConfigError {
    var copy = self
    copy.file = path
    return copy
  }

  public var description: String {
    var text = ""
    if let file { text += "\(file): " }
    text += keyPath.isEmpty ? message : "\(keyPath): \(message)"
    if let suggestion { text += " (\(suggestion))" }
    return text
  }
}

/// A configuration section that can check its own values after decoding.
public protocol ValidatedConfig {
  /// Throws the first impossible value, with its key path relative to this section.
  func validate() throws(ConfigError)
}

extension ValidatedConfig {
  /// The error ``validate()`` throws, or nil (avoids typed-throws catch sites in callers).
  public var validationError: ConfigError? {
    do throws(ConfigError) {
      try validate()
      return nil
    } catch {
      return error
    }
  }
}
