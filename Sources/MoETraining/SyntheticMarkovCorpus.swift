import Foundation
import MoEKernels

/// An endless multi-domain corpus: each domain is a random sparse order-1 Markov chain, and each
/// sequence comes from one domain. The domains either own disjoint slices of the vocabulary
/// (the default) or all share the whole vocabulary.
///
/// A sequence picks its domain d with probability w_d, its first token from that chain's
/// stationary distribution π_d (so every position is stationary), and then T transitions.
///
/// **Disjoint vocabularies** (default). Domain d owns tokens `domainRanges[d]` =
/// ⌊d·V/D⌋ ..< ⌊(d + 1)·V/D⌋. Token 0 reveals the domain, so the best possible predictor of
/// tokens 1…T given the preceding ones is the domain's transition matrix (a bigram table is
/// optimal); its expected cross-entropy per target is
///
///     entropyRate = Σ_d w_d·H_d,   H_d = −Σᵢ π_d,ᵢ Σⱼ P_d,ᵢⱼ ln P_d,ᵢⱼ
///
/// exactly (see ``MarkovChain``), which is ``crossEntropyFloor(evaluationBatches:)``.
///
/// **Shared vocabulary** (`sharedVocabulary`). Every domain is a chain over all V tokens, its
/// states renamed by a random permutation of the vocabulary (so even the cycle that makes a
/// random chain irreducible differs between domains): domains differ in their transitions only
/// and the domain must be inferred from the context. A bigram table then predicts a mixture of
/// the domains' rows, and the Bayes-optimal predictor is a forward filter over the latent
/// domain (``bayesCrossEntropySum(of:)``). Its expected cross-entropy has no closed
/// form (it is highest at the first positions, while the domain is uncertain, and tends to
/// `entropyRate` along the sequence), so the floor is computed exactly *on the held-out
/// batches*: the mean over their targets of −ln p_Bayes(target | preceding tokens), what a
/// perfect model scores on the very tokens a run is evaluated on.
///
/// The chains, permutations and domain weights come from `corpusSeed` (stream
/// `RandomPurpose.corpus`), so a sweep over run seeds trains on one fixed task. Training and
/// held-out sequences are independent draws from the same distribution under different stream
/// labels (`.data` and `.evaluationData`), not a split of a finite set: a held-out sequence
/// equals a training sequence only by chance (probability about e^(−T·entropyRate) per pair).
public struct SyntheticMarkovCorpus: BatchSource {
  public let batchSize: Int
  public let sequenceLength: Int
  public let vocabularySize: Int
  public let seed: UInt64
  public let chains: [MarkovChain]
  public let domainRanges: [Range<Int>]
  public let domainWeights: [Double]
  /// Whether every domain is a chain over the whole vocabulary (else disjoint slices).
  public let sharedVocabulary: Bool
  private let domainCumulative: [Double]
  /// Σ_d w_d·H_d: the floor when the domain is known (exact for disjoint vocabularies).
  public let entropyRate: Double

  /// - Parameters:
  ///   - vocabularySize: V ≥ `domainCount` (disjoint vocabularies: every token belongs to a
  ///     domain); V ≥ 1 with a shared vocabulary.
  ///   - domainCount: D, the number of domains.
  ///   - branching: successors per state (≥ 2; fewer in a domain with fewer tokens).
  ///   - domainWeighting: uniform weights, or Dirichlet(1) weights drawn from `corpusSeed`.
  ///   - sharedVocabulary: every domain a chain over all V tokens instead of its own slice.
  ///   - corpusSeed: seeds the chains, the permutations and the weights.
  ///   - batchSize: B, sequences per batch.
  ///   - sequenceLength: T, input tokens per sequence.
  ///   - seed: the run seed, which seeds the sequences.
  public init(
    vocabularySize: Int, domainCount: Int, branching: Int, domainWeighting: DomainWeighting,
    sharedVocabulary: Bool = false, corpusSeed: UInt64, batchSize: Int, sequenceLength: Int,
    seed: UInt64
  ) {
    precondition(domainCount >= 1 && vocabularySize >= 1, "need D ≥ 1 and V ≥ 1")
    precondition(sharedVocabulary || vocabularySize >= domainCount, "need D ≤ V")
    precondition(batchSize >= 1 && sequenceLength >= 1, "need B ≥ 1 and T ≥ 1")
    self.vocabularySize = vocabularySize
    self.batchSize = batchSize
    self.sequenceLength = sequenceLength
    self.seed = seed
    self.sharedVocabulary = sharedVocabulary
    if sharedVocabulary {
      domainRanges = Array(repeating: 0..<vocabularySize, count: domainCount)
      chains = (0..<domainCount).map { d in
        var random = RandomStream(seed: corpusSeed, RandomPurpose.corpus.rawValue, 3, UInt64(d))
        let chain = MarkovChain.random(
          stateCount: vocabularySize, branching: branching, using: &random)
        return chain.relabeled(
          by: MarkovChain.randomPermutation(vocabularySize, using: &random))
      }
    } else {
      domainRanges = (0..<domainCount).map { d in
        (d * vocabularySize / domainCount)..<((d + 1) * vocabularySize / domainCount)
      }
      chains = domainRanges.enumerated().map { d, range in
        var random = RandomStream(seed: corpusSeed, RandomPurpose.corpus.rawValue, 1, UInt64(d))
        return MarkovChain.random(stateCount: range.count, branching: branching, using: &random)
      }
    }
    switch domainWeighting {
    case .uniform:
      domainWeights = Array(repeating: 1 / Double(domainCount), count: domainCount)
    case .random:
      // Dirichlet(1, …, 1) weights, as for the transition probabilities.
      var random = RandomStream(seed: corpusSeed, RandomPurpose.corpus.rawValue, 2)
      let draws = (0..<domainCount).map { _ in -log(random.uniformDouble() + 0x1p-54) }
      let total = draws.reduce(0, +)
      domainWeights = draws.map { $0 / total }
    }
    var running = 0.0
    domainCumulative = domainWeights.enumerated().map { d, weight in
      running += weight
      return d == domainCount - 1 ? 1 : running
    }
    entropyRate = zip(domainWeights, chains).reduce(0) { $0 + $1.0 * $1.1.entropyRate }
  }

  /// The lowest expected cross-entropy on the held-out batches 0..<`evaluationBatches`:
  /// ``entropyRate`` for disjoint vocabularies (the exact expectation), the Bayes-optimal
  /// predictor's mean cross-entropy on exactly those batches for a shared vocabulary.
  public func crossEntropyFloor(evaluationBatches: Int) -> Double? {
    guard sharedVocabulary else { return entropyRate }
    return bayesCrossEntropy(evaluationBatches: evaluationBatches)
  }

  /// The domain that owns `token` (disjoint vocabularies only).
  public func domain(ofToken token: Int) -> Int {
    precondition(!sharedVocabulary, "in a shared vocabulary no token reveals its domain")
    precondition((0..<vocabularySize).contains(token), "token out of range")
    return domainRanges.firstIndex { $0.contains(token) }!
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
      let u = random.uniformDouble()
      var domain = 0
      while domain < domainCumulative.count - 1 && u >= domainCumulative[domain] { domain += 1 }
      let chain = chains[domain]
      let offset = Int32(domainRanges[domain].lowerBound)
      var state = chain.stationaryState(uniform: random.uniformDouble())
      writer.append(offset + Int32(state))
      for _ in 0..<sequenceLength {
        state = chain.nextState(after: state, uniform: random.uniformDouble())
        writer.append(offset + Int32(state))
      }
    }
  }
}
