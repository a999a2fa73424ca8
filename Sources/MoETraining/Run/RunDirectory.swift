import Foundation
import MoEConfig

/// The files of one run, each written atomically:
/// `config.json` (the fully resolved config, every default explicit) first, `metrics.csv` as
/// rows accumulate, and `result.json` last, so a directory with a `result.json` holds a
/// finished run and one without it an interrupted one.
public struct RunDirectory: Sendable {
  public let url: URL
  public init(_ url: URL) { self.url = url }

  public var configURL: URL { url.appendingPathComponent("config.json") }
  public var metricsURL: URL { url.appendingPathComponent("metrics.csv") }
  public var resultURL: URL { url.appendingPathComponent("result.json") }

  public func writeConfig(_ config: RunConfig) throws {
    try AtomicFile.write(prettyJSON(config), to: configURL)
  }

  public func writeMetrics(_ table: MetricsTable) throws {
    try AtomicFile.write(table.csv, to: metricsURL)
  }

  public func writeResult(_ result: RunResult) throws {
    try AtomicFile.write(try Self.encoder.encode(result), to: resultURL)
  }

  /// Pretty, key-sorted JSON; non-finite numbers (a diverged loss) as "nan", "inf", "-inf".
  public static var encoder: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return encoder
  }

  public static var decoder: JSONDecoder {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return decoder
  }

  /// The finished run's result, or nil when the run has not finished (or never started).
  public func readResult() throws -> RunResult? {
    guard FileManager.default.fileExists(atPath: resultURL.path) else { return nil }
    let data = try Data(contentsOf: resultURL)
    return try Self.decoder.decode(RunResult.self, from: data)
  }
}
