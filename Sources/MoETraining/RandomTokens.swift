import Foundation
import MoEKernels

/// Independent uniform tokens, for sanity checks at initialisation: no model can beat
/// ln V nats per token here, and a freshly initialised one should sit close to it.
public struct RandomTokens: BatchSource {
  public let batchSize: Int
  public let sequenceLength: Int
  public let vocabularySize: Int
  public let seed: UInt64
  /// ln V: every target is uniform and independent of the past.
  public func crossEntropyFloor(evaluationBatches: Int) -> Double? {
    log(Double(vocabularySize))
  }

  public init(vocabularySize: Int, batchSize: Int, sequenceLength: Int, seed: UInt64) {
    precondition(vocabularySize >= 1 && batchSize >= 1 && sequenceLength >= 1)
    self.vocabularySize = vocabularySize
    self.batchSize = batchSize
    self.sequenceLength = sequenceLength
    self.seed = seed
  }

  public func trainingBatch(
    step: Int, into inputs: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>
  ) {
    fill(purpose: .data, index: step, inputs: inputs, targets: targets)
  }

  public func evaluationBatch(
    index: Int, into inputs: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>
  ) {
    fill(purpose: .evaluationData, index: index, inputs: inputs, targets: targets)
  }

  private func fill(
    purpose: RandomPurpose, index: Int, inputs: UnsafeMutablePointer<Int32>,
    targets: UnsafeMutablePointer<Int32>
  ) {
    SequenceWriter.fillBatch(
      seed: seed, purpose: purpose, index: index, batchSize: batchSize,
      sequenceLength: sequenceLength, inputs: inputs, targets: targets
    ) { random, writer in
      for _ in 0...sequenceLength { writer.append(Int32(random.index(below: vocabularySize))) }
    }
  }
}
