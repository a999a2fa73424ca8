import MoEKernels

/// A deterministic supply of next-token-prediction batches.
///
/// A batch is `batchSize` sequences of `sequenceLength` (T) tokens, written row-major as
/// (B, T) into `inputs` and `targets`; `targets[b, t]` is the token that follows
/// `inputs[b, t]`, so each sequence is a window of T + 1 consecutive tokens.
///
/// Batches are pure functions of (seed, step) or (seed, index): sequence b of training step s
/// is drawn from `RandomStream(seed: seed, RandomPurpose.data, s, b)` and held-out sequence b of
/// evaluation batch i from `RandomStream(seed: seed, RandomPurpose.evaluationData, i, b)`, so
/// a batch never depends on which batches were drawn before it, and a larger batch size keeps
/// the first sequences of a smaller one.
public protocol BatchSource: Sendable {
  var batchSize: Int { get }
  var sequenceLength: Int { get }
  /// Every token is in `0..<vocabularySize`.
  var vocabularySize: Int { get }
  /// The lowest cross-entropy (nats per target token) any model can be expected to reach on
  /// the held-out batches 0..<`evaluationBatches`, when it is known exactly; `nil` otherwise.
  func crossEntropyFloor(evaluationBatches: Int) -> Double?

  /// Writes training batch `step` (B·T tokens each) into `inputs` and `targets`.
  func trainingBatch(
    step: Int, into inputs: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>)
  /// Writes held-out batch `index` into `inputs` and `targets`.
  func evaluationBatch(
    index: Int, into inputs: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>)
}

/// Writes the T + 1 tokens of one sequence into its input row and its target row.
struct SequenceWriter {
  let inputs: UnsafeMutablePointer<Int32>
  let targets: UnsafeMutablePointer<Int32>
  let sequenceLength: Int
  private(set) var position = 0

  init(
    inputs: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>,
    sequenceLength: Int
  ) {
    self.inputs = inputs
    self.targets = targets
    self.sequenceLength = sequenceLength
  }

  /// Appends the next token: position p goes to `inputs[p]` (p < T) and `targets[p − 1]` (p ≥ 1).
  mutating func append(_ token: Int32) {
    precondition(position <= sequenceLength, "a sequence holds T + 1 tokens")
    if position < sequenceLength { inputs[position] = token }
    if position > 0 { targets[position - 1] = token }
    position += 1
  }

  /// Fills a whole batch, one independently seeded stream per sequence.
  ///
  /// `sample` must append exactly T + 1 tokens.
  static func fillBatch(
    seed: UInt64, purpose: RandomPurpose, index: Int, batchSize: Int, sequenceLength: Int,
    inputs: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>,
    sample: (inout RandomStream, inout SequenceWriter) -> Void
  ) {
    precondition(index >= 0, "batch index must be ≥ 0")
    for row in 0..<batchSize {
      var random = RandomStream(seed: seed, purpose.rawValue, UInt64(index), UInt64(row))
      var writer = SequenceWriter(
        inputs: inputs + row * sequenceLength, targets: targets + row * sequenceLength,
        sequenceLength: sequenceLength)
      sample(&random, &writer)
      precondition(writer.position == sequenceLength + 1, "a sequence holds T + 1 tokens")
    }
  }
}
