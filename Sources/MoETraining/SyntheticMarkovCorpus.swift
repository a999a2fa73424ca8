import Foundation
import MoEKernels

/// An endless multi-domain corpus: each domain is a random sparse order-1 Markov chain over its
/// own disjoint slice of the vocabulary, and each sequence comes from one domain.
///
/// Domain d owns tokens `domainRanges[d]` = ⌊d·V/D⌋ ..< ⌊(d + 1)·V/D⌋. A sequence picks its
/// domain with probability w_d, its first token from that chain's stationary distribution π_d
/// (so every position is stationary), and then T transitions. Because the slices are disjoint,
/// token 0 reveals the domain, and the best possible predictor of tokens 1…T given the
/// preceding ones is the domain's transition matrix; its expected cross-entropy per target is
///
///     entropyRate = Σ_d w_d·H_d,   H_d = −Σᵢ π_d,ᵢ Σⱼ P_d,ᵢⱼ ln P_d,ᵢⱼ
///
/// exactly (see ``MarkovChain``), which is ``crossEntropyFloor``.
///
/// The chains and domain weights come from `corpusSeed` (stream `RandomPurpose.corpus`), so a
/// sweep over run seeds trains on one fixed task. Training and held-out sequences are
/// independent draws from the same distribution under different stream labels (`.data` and
/// `.evaluationData`), not a split of a finite set: a held-out sequence equals a training
/// sequence only by chance (probability about e^(−T·entropyRate) per pair).
public struct SyntheticMarkovCorpus: BatchSource {
  public let batchSize: Int
  public let sequenceLength: Int
  public let vocabularySize: Int
  public let seed: UInt64
  public let chains: [MarkovChain]
  public let domainRanges: [Range<Int>]
  public let domainWeights: [Double]
  private let domainCumulative: [Double]
  public let entropyRate: Double
  public var crossEntropyFloor: Double? { entropyRate }

  /// - Parameters:
  ///   - vocabularySize: V ≥ `domainCount`; every token of the vocabulary belongs to a domain.
  ///   - domainCount: D, the number of domains.
  ///   - branching: successors per state (≥ 2; fewer in a domain with fewer tokens).
  ///   - domainWeighting: uniform weights, or Dirichlet(1) weights drawn from `corpusSeed`.
  ///   - corpusSeed: seeds the chains and weights.
  ///   - batchSize: B, sequences per batch.
  ///   - sequenceLength: T, input tokens per sequence.
  ///   - seed: the run seed, which seeds the sequences.
  public init(
    vocabularySize: Int, domainCount: Int, branching: Int, domainWeighting: DomainWeighting,
    corpusSeed: UInt64, batchSize: Int, sequenceLength: Int, seed: UInt64
  ) {
    precondition(domainCount >= 1 && vocabularySize >= domainCount, "need 1 ≤ D ≤ V")
    precondition(batchSize >= 1 && sequenceLength >= 1, "need B ≥ 1 and T ≥ 1")
    self.vocabularySize = vocabularySize
    self.batchSize = batchSize
    self.sequenceLength = sequenceLength
    self.seed = seed
    domainRanges = (0..<domainCount).map { d in
      (d * vocabularySize / domainCount)..<((d + 1) * vocabularySize / domainCount)
    }
    chains = domainRanges.enumerated().map { d, range in
      var random = RandomStream(seed: corpusSeed, RandomPurpose.corpus.rawValue, 1, UInt64(d))
      return MarkovChain.random(stateCount: range.count, branching: branching, using: &random)
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

  /// The domain that owns `token`.
  public func domain(ofToken token: Int) -> Int {
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
