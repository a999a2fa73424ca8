import Foundation
import Testing

/// Validates JSON documents against a JSON Schema with python3's `jsonschema` package
/// (Draft202012Validator), an implementation independent of this code base.
enum PythonSchemaValidator {
  /// One way a document fails the schema.
  struct Violation: Hashable, CustomStringConvertible {
    /// Where, written as the loader writes key paths (`axes[0].values[2]`; "" for the whole
    /// document).
    var path: String
    var message: String

    var description: String { "\(path.isEmpty ? "(document)" : path): \(message)" }
  }

  /// Reads the schema file (argv[1]) and a file holding a JSON list of document texts
  /// (argv[2]); prints, per document, the sorted list of its violations as [path, message].
  static let script = """
    import json, sys
    import jsonschema
    def key_path(components):
        text = ""
        for c in components:
            text += f"[{c}]" if isinstance(c, int) else (f".{c}" if text else c)
        return text
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    report = []
    with open(sys.argv[2]) as f:
        documents = json.load(f)
    for text in documents:
        errors = validator.iter_errors(json.loads(text))
        report.append(sorted([key_path(e.absolute_path), e.message] for e in errors))
    print(json.dumps(report))
    """

  struct Unavailable: Error, CustomStringConvertible {
    var description: String
  }

  /// The schema violations of each document (empty when valid), in order.
  ///
  /// Throws ``Unavailable`` when python3 or its `jsonschema` package is missing, saying how to
  /// install it.
  static func errors(of documents: [String], schema: URL) throws -> [[Violation]] {
    let input = FileManager.default.temporaryDirectory
      .appendingPathComponent("stmoe-schema-documents-\(UUID()).json")
    try JSONSerialization.data(withJSONObject: documents).write(to: input)
    defer { try? FileManager.default.removeItem(at: input) }
    let (status, output, errorOutput) = try runPython(["-c", script, schema.path, input.path])
    guard status == 0 else {
      if errorOutput.contains("No module named 'jsonschema'") {
        throw Unavailable(
          description: "python3 has no jsonschema package: pip install jsonschema")
      }
      throw Unavailable(description: "python3 failed (status \(status)): \(errorOutput)")
    }
    guard let report = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[[String]]],
      report.allSatisfy({ $0.allSatisfy { $0.count == 2 } })
    else {
      throw Unavailable(description: "unexpected output from python3: \(output)")
    }
    return report.map { $0.map { Violation(path: $0[0], message: $0[1]) } }
  }

  private static func runPython(_ arguments: [String]) throws -> (Int32, String, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3"] + arguments
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    do {
      try process.run()
    } catch {
      throw Unavailable(
        description: "cannot start python3 (\(error)); install python3 and jsonschema")
    }
    // The report is small and a traceback smaller: neither pipe fills while the other is read.
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    let errorOutput = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    if process.terminationStatus == 127 {
      throw Unavailable(description: "python3 not found; install python3 and jsonschema")
    }
    return (
      process.terminationStatus, String(decoding: output, as: UTF8.self),
      String(decoding: errorOutput, as: UTF8.self)
    )
  }
}
