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

extension RunDirectory {
  /// Trains `config` in this directory: the worker's side of the run protocol, and the one way
  /// a run is computed, whether by `train`, by a sweep's worker process or by a Slurm task
  /// (both of which start `train` on the run's directory).
  ///
  /// Builds the run first (so an unusable config writes nothing), then writes `config.json`,
  /// `metrics.csv` as rows accumulate (the first row at once, then at most every
  /// `metricsInterval`, and the whole table at the end) and `result.json` last. A run that
  /// diverges is a result like any other; this throws only for a run that cannot be built
  /// (a ``ConfigError``) or a file that cannot be written, and then `result.json` is not written.
  public func train(
    _ config: CheckedRunConfig, metricsInterval: Duration = .seconds(5),
    progress: ((Trainer.Progress) -> Void)? = nil
  ) throws -> RunResult {
    let trainer = try Trainer(config: config)
    try writeConfig(config.config)
    let clock = ContinuousClock()
    var lastWrite: ContinuousClock.Instant?
    let result = trainer.run(
      progress: progress,
      checkpointMetrics: { table in
        if let lastWrite, clock.now - lastWrite <= metricsInterval { return }
        try? writeMetrics(table)
        lastWrite = clock.now
      })
    try writeMetrics(trainer.metrics)
    try writeResult(result)
    return result
  }
}
