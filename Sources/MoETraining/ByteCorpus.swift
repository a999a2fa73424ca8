import Foundation
import MoEConfig
import MoEKernels

/// Byte-level language modelling on one text file (vocabulary 256, token = byte value).
///
/// The first 90 % of the bytes (⌊0.9·count⌋) are the training region, the last 10 % the
/// held-out region. A training sequence is a window of T + 1 consecutive bytes starting at a
/// uniformly drawn offset inside the training region; a held-out sequence is one inside the
/// held-out region. Windows never straddle the boundary, so no held-out byte is ever trained on.
public struct ByteCorpus: BatchSource {
  public let batchSize: Int
  public let sequenceLength: Int
  public var vocabularySize: Int { 256 }
  public func crossEntropyFloor(evaluationBatches: Int) -> Double? { nil }
  public let seed: UInt64
  public let bytes: [UInt8]
  public let trainingRange: Range<Int>
  public let evaluationRange: Range<Int>

  /// Reads the corpus from `path`; throws (key path `textPath`) if the file cannot be read or
  /// either region is shorter than one window of T + 1 bytes.
  public init(
    contentsOf path: String, batchSize: Int, sequenceLength: Int, seed: UInt64
  ) throws(ConfigError) {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConfigError(keyPath: "textPath", "cannot read the text file '\(path)'")
    }
    try self.init(
      bytes: [UInt8](data), batchSize: batchSize, sequenceLength: sequenceLength, seed: seed)
  }

  /// A corpus over `bytes`; throws (key path `textPath`) if either region is shorter than one
  /// window of T + 1 bytes.
  public init(
    bytes: [UInt8], batchSize: Int, sequenceLength: Int, seed: UInt64
  ) throws(ConfigError) {
    precondition(batchSize >= 1 && sequenceLength >= 1, "need B ≥ 1 and T ≥ 1")
    let split = bytes.count * 9 / 10
    guard split >= sequenceLength + 1, bytes.count - split >= sequenceLength + 1 else {
      throw ConfigError(
        keyPath: "textPath",
        "the text has \(bytes.count) bytes; its last 10 % must hold one window of "
          + "\(sequenceLength + 1) bytes",
        suggestion: "use a file of at least \(10 * (sequenceLength + 1)) bytes")
    }
    self.bytes = bytes
    self.batchSize = batchSize
    self.sequenceLength = sequenceLength
    self.seed = seed
    trainingRange = 0..<split
    evaluationRange = split..<bytes.count
  }

  public func trainingBatch(
    step: Int, into inputs: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>
  ) {
    fill(region: trainingRange, purpose: .data, index: step, inputs: inputs, targets: targets)
  }

  public func evaluationBatch(
    index: Int, into inputs: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>
  ) {
    fill(
      region: evaluationRange, purpose: .evaluationData, index: index, inputs: inputs,
      targets: targets)
  }

  private func fill(
    region: Range<Int>, purpose: RandomPurpose, index: Int, inputs: UnsafeMutablePointer<Int32>,
    targets: UnsafeMutablePointer<Int32>
  ) {
    // Windows of T + 1 bytes start at lowerBound ... upperBound − T − 1.
    let startCount = region.count - sequenceLength
    SequenceWriter.fillBatch(
      seed: seed, purpose: purpose, index: index, batchSize: batchSize,
      sequenceLength: sequenceLength, inputs: inputs, targets: targets
    ) { random, writer in
      let start = region.lowerBound + random.index(below: startCount)
      for position in start...(start + sequenceLength) { writer.append(Int32(bytes[position])) }
    }
  }
}
