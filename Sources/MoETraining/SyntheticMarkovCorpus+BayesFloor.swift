import Foundation

/// The Bayes-optimal next-token predictor of the synthetic corpus and its cross-entropy.
///
/// A sequence x₀…x_T is drawn from one latent domain d (prior w_d): x₀ ~ π_d, then
/// x_{t+1} ~ P_d(x_t, ·). Given x₀…x_t, the best prediction of x_{t+1} averages the domains'
/// transition rows by their posterior, which a forward filter keeps up to date:
///
///     b_d ∝ w_d·π_d(x₀)
///     p_t = Σ_d b_d·P_d(x_t, x_{t+1})          (the predictive probability of the target)
///     b_d ← b_d·P_d(x_t, x_{t+1}) / p_t        (Bayes' rule; b stays normalised)
///
/// so p_t = p(x₀…x_{t+1}) / p(x₀…x_t) with p(x₀…x_k) = Σ_d w_d·π_d(x₀)·Πᵢ P_d(x_{i−1}, xᵢ),
/// without the underflow of those products. A token outside a domain's slice (disjoint
/// vocabularies) has probability 0 in that domain. Everything is Double.
extension SyntheticMarkovCorpus {
  /// π_d(token): the probability that a sequence of domain `d` starts with `token`.
  public func startProbability(domain d: Int, token: Int) -> Double {
    let range = domainRanges[d]
    guard range.contains(token) else { return 0 }
    return chains[d].stationaryDistribution[token - range.lowerBound]
  }

  /// P_d(from, to): the probability that `to` follows `from` in domain `d`.
  public func transitionProbability(domain d: Int, from: Int, to: Int) -> Double {
    let range = domainRanges[d]
    guard range.contains(from), range.contains(to) else { return 0 }
    return chains[d].transitionProbability(from: from - range.lowerBound, to: to - range.lowerBound)
  }

  /// Σ over the T targets x₁…x_T of −ln p_Bayes(x_{t+1} | x₀…x_t), for `tokens` = x₀…x_T.
  ///
  /// +∞ if no domain can produce the sequence (never for the corpus's own sequences).
  public func bayesCrossEntropySum(of tokens: [Int]) -> Double {
    precondition(!tokens.isEmpty, "a sequence has at least its first token")
    var posterior = domainWeights.indices.map {
      domainWeights[$0] * startProbability(domain: $0, token: tokens[0])
    }
    var total = posterior.reduce(0, +)
    guard total > 0 else { return tokens.count > 1 ? .infinity : 0 }
    for d in posterior.indices { posterior[d] /= total }
    var crossEntropy = 0.0
    for t in 0..<(tokens.count - 1) {
      total = 0
      for d in posterior.indices where posterior[d] > 0 {
        posterior[d] *= transitionProbability(domain: d, from: tokens[t], to: tokens[t + 1])
        total += posterior[d]
      }
      guard total > 0 else { return .infinity }
      crossEntropy -= log(total)
      for d in posterior.indices { posterior[d] /= total }
    }
    return crossEntropy
  }

  /// The Bayes-optimal predictor's mean cross-entropy over every target of the held-out
  /// batches 0..<`evaluationBatches` (drawn exactly as ``evaluationBatch(index:into:targets:)``
  /// draws them), in nats per target token.
  public func bayesCrossEntropy(evaluationBatches: Int) -> Double {
    precondition(evaluationBatches >= 1, "need at least one held-out batch")
    let t = sequenceLength
    var inputs = [Int32](repeating: 0, count: batchSize * t)
    var targets = [Int32](repeating: 0, count: batchSize * t)
    var total = 0.0
    for index in 0..<evaluationBatches {
      inputs.withUnsafeMutableBufferPointer { i in
        targets.withUnsafeMutableBufferPointer { o in
          evaluationBatch(index: index, into: i.baseAddress!, targets: o.baseAddress!)
        }
      }
      for row in 0..<batchSize {
        let start = row * t
        let tokens = inputs[start..<(start + t)].map(Int.init) + [Int(targets[start + t - 1])]
        total += bayesCrossEntropySum(of: tokens)
      }
    }
    return total / Double(evaluationBatches * batchSize * t)
  }
}
