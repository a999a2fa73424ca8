import Foundation
import MoEKernels
import MoETraining
import Testing

/// The synthetic multi-domain Markov corpus and the chain arithmetic behind its entropy rate.
@Suite struct SyntheticCorpusTests {
  static func corpus(
    vocabulary: Int = 32, domains: Int = 2, branching: Int = 3, batchSize: Int = 64,
    sequenceLength: Int = 128, seed: UInt64 = 7, corpusSeed: UInt64 = 3,
    weighting: DomainWeighting = .uniform
  ) -> SyntheticMarkovCorpus {
    SyntheticMarkovCorpus(
      vocabularySize: vocabulary, domainCount: domains, branching: branching,
      domainWeighting: weighting, corpusSeed: corpusSeed, batchSize: batchSize,
      sequenceLength: sequenceLength, seed: seed)
  }

  /// A two-state chain has the hand-computed stationary distribution and entropy rate.
  ///
  /// P = [[0.9, 0.1], [0.5, 0.5]]: π solves π₁·0.1 = π₂·0.5, so π = (5/6, 1/6).
  /// H = 5/6·h(0.1) + 1/6·ln 2 with h(0.1) = −0.1·ln 0.1 − 0.9·ln 0.9 = 0.2302585 + 0.0948245
  /// = 0.3250830, so H = 0.2709025 + 0.1155245 = 0.3864270 nats.
  @Test func chainEntropyRateMatchesHandComputation() {
    let chain = MarkovChain(
      successors: [[0, 1], [0, 1]], probabilities: [[0.9, 0.1], [0.5, 0.5]])
    expectClose(chain.stationaryDistribution[0], 5.0 / 6, tolerance: 1e-12)
    expectClose(chain.stationaryDistribution[1], 1.0 / 6, tolerance: 1e-12)
    expectClose(chain.entropyRate, 0.3864270, tolerance: 1e-7)
  }

  /// A deterministic 3-cycle is periodic (period 3): plain power iteration from a non-uniform
  /// start would oscillate, the lazy iteration still finds π = (1/3, 1/3, 1/3); H = 0.
  @Test func stationaryDistributionOfAPeriodicChain() {
    let cycle = MarkovChain(successors: [[1], [2], [0]], probabilities: [[1], [1], [1]])
    for p in cycle.stationaryDistribution { expectClose(p, 1.0 / 3, tolerance: 1e-12) }
    #expect(cycle.entropyRate == 0)
  }

  /// The exact entropy rate agrees with a brute-force estimate from sampled batches.
  ///
  /// Brute force: count transitions (inputs[t] → targets[t]) over 30 batches of 64×128
  /// (245 760 transitions) and form the empirical conditional entropy
  /// Ĥ = −Σᵢⱼ (nᵢⱼ/N)·ln(nᵢⱼ/nᵢ). Its standard error is about √(Var(−ln P)/N) ≈ √(0.5/245 760)
  /// ≈ 0.0015 (plus a little for correlation along a chain) and its plug-in bias about
  /// −(cells − states)/(2N) ≈ −0.0003, so |Ĥ − H| < 0.01 is a > 5σ band. Token frequencies are
  /// checked against w_d·π_d too (standard error ≈ √(p/N) ≈ 4e-4 per token, band 0.004).
  @Test func entropyRateMatchesEmpiricalConditionalEntropy() {
    let source = Self.corpus()
    let v = source.vocabularySize
    var counts = [Double](repeating: 0, count: v * v)
    var tokenCounts = [Double](repeating: 0, count: v)
    for step in 0..<30 {
      let (inputs, targets) = batch(source, step)
      for (from, to) in zip(inputs, targets) {
        counts[Int(from) * v + Int(to)] += 1
        tokenCounts[Int(from)] += 1
      }
    }
    let total = counts.reduce(0, +)
    var empirical = 0.0
    for i in 0..<v {
      let row = counts[(i * v)..<((i + 1) * v)]
      let rowTotal = row.reduce(0, +)
      for n in row where n > 0 { empirical -= n / total * log(n / rowTotal) }
    }
    #expect(
      abs(empirical - source.entropyRate) < 0.01, "empirical \(empirical) vs \(source.entropyRate)")
    for (d, range) in source.domainRanges.enumerated() {
      for token in range {
        let expected =
          source.domainWeights[d]
          * source.chains[d].stationaryDistribution[token - range.lowerBound]
        #expect(abs(tokenCounts[token] / total - expected) < 0.004, "token \(token)")
      }
    }
  }

  /// Domains own disjoint vocabulary slices and sequences never leave theirs.
  ///
  /// Slices ⌊d·V/D⌋..<⌊(d+1)·V/D⌋: V = 32, D = 2 → 0..<16, 16..<32; V = 10, D = 3 →
  /// 0..<3, 3..<6, 6..<10. Every sequence stays inside the slice of its first token.
  @Test func domainsOwnDisjointVocabularySlices() {
    #expect(Self.corpus().domainRanges == [0..<16, 16..<32])
    let odd = Self.corpus(vocabulary: 10, domains: 3, batchSize: 32, sequenceLength: 16)
    #expect(odd.domainRanges == [0..<3, 3..<6, 6..<10])
    for source in [Self.corpus(batchSize: 16, sequenceLength: 64), odd] {
      var domainsSeen = Set<Int>()
      for step in 0..<4 {
        for row in sequences(batch(source, step), sequenceLength: source.sequenceLength) {
          let domain = source.domain(ofToken: Int(row[0]))
          domainsSeen.insert(domain)
          #expect(row.allSatisfy { source.domainRanges[domain].contains(Int($0)) })
        }
      }
      #expect(domainsSeen.count == source.domainRanges.count)
    }
  }

  /// targets[b, t] is the token after inputs[b, t]: inputs shifted left by one.
  @Test func targetsAreTheNextTokens() {
    let source = Self.corpus(batchSize: 4, sequenceLength: 16)
    let (inputs, targets) = batch(source, 5)
    for row in 0..<4 {
      for t in 0..<15 { #expect(targets[row * 16 + t] == inputs[row * 16 + t + 1]) }
    }
  }

  /// Same seeds → same batches; a different run seed, step or corpus seed → different ones.
  @Test func batchesAreDeterministicFunctionsOfSeedAndStep() {
    let a = Self.corpus(batchSize: 8, sequenceLength: 32)
    let b = Self.corpus(batchSize: 8, sequenceLength: 32)
    #expect(batch(a, 3) == batch(b, 3))
    #expect(batch(a, 3, evaluation: true) == batch(b, 3, evaluation: true))
    #expect(batch(a, 3) != batch(a, 4))
    #expect(batch(a, 3) != batch(Self.corpus(batchSize: 8, sequenceLength: 32, seed: 8), 3))
    let otherTask = Self.corpus(batchSize: 8, sequenceLength: 32, corpusSeed: 4)
    #expect(otherTask.entropyRate != a.entropyRate)
    // A larger batch keeps the sequences of a smaller one (one stream per sequence).
    let wide = Self.corpus(batchSize: 16, sequenceLength: 32)
    #expect(Array(batch(wide, 3).inputs.prefix(8 * 32)) == batch(a, 3).inputs)
  }

  /// Held-out batches come from other streams: no held-out sequence of 4 batches appears
  /// among the training sequences of the first 50 steps, or at the same index.
  @Test func evaluationBatchesDifferFromTrainingBatches() {
    let source = Self.corpus(batchSize: 8, sequenceLength: 32)
    var training = Set<[Int32]>()
    for step in 0..<50 { training.formUnion(sequences(batch(source, step), sequenceLength: 32)) }
    for index in 0..<4 {
      let held = sequences(batch(source, index, evaluation: true), sequenceLength: 32)
      #expect(held.allSatisfy { !training.contains($0) })
      #expect(batch(source, index, evaluation: true) != batch(source, index))
    }
  }

  /// Seeded domain weights are a probability vector that is not uniform; the floor is their
  /// mixture of the per-domain entropy rates.
  @Test func randomDomainWeightsFormAMixture() {
    let source = Self.corpus(domains: 4, weighting: .random)
    expectClose(source.domainWeights.reduce(0, +), 1, tolerance: 1e-12)
    #expect(source.domainWeights.contains { abs($0 - 0.25) > 1e-3 })
    let mixture = zip(source.domainWeights, source.chains).map { $0 * $1.entropyRate }
    let floor = source.crossEntropyFloor(evaluationBatches: 1)!
    expectClose(floor, mixture.reduce(0, +), tolerance: 1e-12)
  }
}
