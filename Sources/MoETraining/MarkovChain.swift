import Foundation
import MoEKernels

/// A finite, sparse, first-order Markov chain with its exact stationary distribution and
/// entropy rate.
///
///     π = π·P  (Σᵢ πᵢ = 1)           H = −Σᵢ πᵢ Σⱼ Pᵢⱼ ln Pᵢⱼ   (nats per transition)
///
/// π is found by power iteration in Double on the lazy chain ½(I + P), which has the same
/// stationary distribution and converges for every irreducible chain, periodic or not; it
/// stops when an iteration changes π by less than 1e-14 in L1 norm, and the residual
/// ‖π·P − π‖₁ is kept in ``stationaryResidual`` (well below 1e-12 for the chains built here).
/// The chain must be irreducible (otherwise π is not unique); ``random(stateCount:branching:using:)``
/// guarantees that and aperiodicity by construction.
public struct MarkovChain: Sendable {
  public let stateCount: Int
  /// Successors of state i are `successors[successorStart[i]..<successorStart[i + 1]]`.
  private let successorStart: [Int]
  private let successors: [Int32]
  private let probabilities: [Double]
  /// Running sums of `probabilities` per state, the last forced to exactly 1.
  private let cumulative: [Double]
  private let stationaryCumulative: [Double]
  public let stationaryDistribution: [Double]
  public let stationaryResidual: Double
  public let entropyRate: Double

  /// A chain from explicit successor lists and their probabilities (each list summing to 1).
  public init(successors: [[Int]], probabilities: [[Double]]) {
    precondition(!successors.isEmpty && successors.count == probabilities.count)
    let n = successors.count
    var start = [0]
    var flatSuccessors: [Int32] = []
    var flatProbabilities: [Double] = []
    var flatCumulative: [Double] = []
    for (next, weights) in zip(successors, probabilities) {
      precondition(!next.isEmpty && next.count == weights.count, "one probability per successor")
      precondition(next.allSatisfy { (0..<n).contains($0) }, "successor out of range")
      precondition(weights.allSatisfy { $0 > 0 && $0.isFinite }, "probabilities must be > 0")
      precondition(abs(weights.reduce(0, +) - 1) < 1e-9, "probabilities must sum to 1")
      var running = 0.0
      for (index, (state, weight)) in zip(next, weights).enumerated() {
        running += weight
        flatSuccessors.append(Int32(state))
        flatProbabilities.append(weight)
        flatCumulative.append(index == next.count - 1 ? 1 : running)
      }
      start.append(flatSuccessors.count)
    }
    stateCount = n
    successorStart = start
    self.successors = flatSuccessors
    self.probabilities = flatProbabilities
    cumulative = flatCumulative
    let (pi, residual) = MarkovChain.stationary(
      stateCount: n, start: start, successors: flatSuccessors, probabilities: flatProbabilities)
    precondition(residual < 1e-10, "power iteration did not converge; is the chain irreducible?")
    stationaryDistribution = pi
    stationaryResidual = residual
    var entropy = 0.0
    for i in 0..<n {
      var rowEntropy = 0.0
      for k in start[i]..<start[i + 1] {
        rowEntropy -= flatProbabilities[k] * log(flatProbabilities[k])
      }
      entropy += pi[i] * rowEntropy
    }
    entropyRate = entropy
    var running = 0.0
    stationaryCumulative = pi.enumerated().map { index, p in
      running += p
      return index == n - 1 ? 1 : running
    }
  }

  /// A random irreducible, aperiodic chain on `stateCount` states with `branching` successors
  /// each (fewer if there are fewer states), drawn from `random`.
  ///
  /// Construction: state i always links to (i + 1) mod n, so the states form one cycle and the
  /// chain is irreducible; state 0 also links to itself, so cycles of lengths n and 1 pass
  /// through it and the period is gcd(n, 1) = 1 (aperiodic). The remaining successors are
  /// distinct states drawn uniformly. Probabilities are Dirichlet(1, …, 1) (normalised
  /// exponential draws), uniform over the simplex; for k successors the expected row entropy is
  /// H_k − 1 nats (H_k the harmonic number: 1.083 for k = 4), and every probability is > 0.
  public static func random(
    stateCount n: Int, branching: Int, using random: inout RandomStream
  ) -> MarkovChain {
    precondition(n >= 1 && branching >= 2, "need ≥ 1 state and branching ≥ 2")
    let k = min(branching, n)
    var successors: [[Int]] = []
    var probabilities: [[Double]] = []
    for state in 0..<n {
      var next = [(state + 1) % n]
      if state == 0 && n > 1 { next.append(0) }
      while next.count < k {
        let candidate = random.index(below: n)
        if !next.contains(candidate) { next.append(candidate) }
      }
      // −ln(u) with u ∈ (0, 1) is Exp(1); normalised, k of them are Dirichlet(1, …, 1).
      let draws = next.map { _ in -log(random.uniformDouble() + 0x1p-54) }
      let total = draws.reduce(0, +)
      successors.append(next)
      probabilities.append(draws.map { $0 / total })
    }
    return MarkovChain(successors: successors, probabilities: probabilities)
  }

  /// A uniformly random permutation of 0..<n (Fisher–Yates), drawn from `random`.
  public static func randomPermutation(
    _ n: Int, using random: inout RandomStream
  ) -> [Int] {
    var permutation = Array(0..<n)
    for i in stride(from: n - 1, to: 0, by: -1) {
      permutation.swapAt(i, random.index(below: i + 1))
    }
    return permutation
  }

  /// The same chain with state i renamed `permutation[i]`: P′(σ(i), σ(j)) = P(i, j), and
  /// π′(σ(i)) = π(i), H′ = H (recomputed by the same power iteration).
  public func relabeled(by permutation: [Int]) -> MarkovChain {
    precondition(permutation.count == stateCount, "one new name per state")
    precondition(Set(permutation).count == stateCount, "the new names must be a permutation")
    var successorLists = [[Int]](repeating: [], count: stateCount)
    var probabilityLists = [[Double]](repeating: [], count: stateCount)
    for state in 0..<stateCount {
      let range = successorStart[state]..<successorStart[state + 1]
      successorLists[permutation[state]] = range.map { permutation[Int(successors[$0])] }
      probabilityLists[permutation[state]] = range.map { probabilities[$0] }
    }
    return MarkovChain(successors: successorLists, probabilities: probabilityLists)
  }

  /// P(from, to): the probability that `to` follows `from` (summed over repeated entries of
  /// the successor list), 0 if it is not a successor.
  public func transitionProbability(from state: Int, to next: Int) -> Double {
    var total = 0.0
    for k in successorStart[state]..<successorStart[state + 1] where Int(successors[k]) == next {
      total += probabilities[k]
    }
    return total
  }

  /// The successor of `state` for a uniform draw `u` in [0, 1).
  @inline(__always)
  public func nextState(after state: Int, uniform u: Double) -> Int {
    let end = successorStart[state + 1]
    var k = successorStart[state]
    while k < end - 1 && u >= cumulative[k] { k += 1 }
    return Int(successors[k])
  }

  /// A state drawn from π for a uniform draw `u` in [0, 1).
  public func stationaryState(uniform u: Double) -> Int {
    var state = 0
    while state < stateCount - 1 && u >= stationaryCumulative[state] { state += 1 }
    return state
  }

  private static func stationary(
    stateCount n: Int, start: [Int], successors: [Int32], probabilities: [Double]
  ) -> (distribution: [Double], residual: Double) {
    var pi = [Double](repeating: 1 / Double(n), count: n)
    var moved = [Double](repeating: 0, count: n)
    func transition(_ from: [Double], into to: inout [Double]) {
      for j in 0..<n { to[j] = 0 }
      for i in 0..<n {
        for k in start[i]..<start[i + 1] { to[Int(successors[k])] += from[i] * probabilities[k] }
      }
    }
    for _ in 0..<1_000_000 {
      transition(pi, into: &moved)
      var change = 0.0
      for j in 0..<n {
        let lazy = 0.5 * (pi[j] + moved[j])
        change += abs(lazy - pi[j])
        pi[j] = lazy
      }
      if change < 1e-14 { break }
    }
    let total = pi.reduce(0, +)
    for j in 0..<n { pi[j] /= total }
    transition(pi, into: &moved)
    var residual = 0.0
    for j in 0..<n { residual += abs(moved[j] - pi[j]) }
    return (pi, residual)
  }
}
