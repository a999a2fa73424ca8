/// Where every token of a routing group goes: the interface between routing and the experts.
///
/// Admitted (token, expert) pairs are stored as *rows*, grouped by expert in slot order, so
/// expert e owns rows `expertOffsets[e] ..< expertOffsets[e+1]` of the gathered buffers and its
/// FFN is one GEMM per direction over contiguous rows (never over capacity padding).
/// Dispatch, combine and both of their backward passes read only this plan.
public struct RoutingPlan: Sendable, Equatable {
  /// N: tokens in the group; K: choices per token; E: experts.
  public var tokens: Int
  public var choices: Int
  public var experts: Int
  public var capacity: Int
  /// Per token and choice rank (N·K): the chosen expert (by descending probability).
  public var chosenExpert: [Int32]
  /// Per token and choice rank (N·K): the combine weight (renormalised gate, see
  /// ``TokensChooseTopK``), whether or not the choice was admitted.
  public var gate: [Float]
  /// Per token and choice rank (N·K): the row holding this assignment, or −1 if dropped.
  public var row: [Int32]
  /// Per row: the token it came from and its choice rank.
  public var rowToken: [Int32]
  public var rowRank: [Int32]
  /// E + 1 prefix offsets of each expert's rows; `load[e] = expertOffsets[e+1] − expertOffsets[e]`.
  public var expertOffsets: [Int]

  public var admittedCount: Int { expertOffsets[experts] }
  public func load(_ expert: Int) -> Int { expertOffsets[expert + 1] - expertOffsets[expert] }
  /// Fraction of the N·K (token, choice) assignments that found no room.
  public var droppedFraction: Double {
    Double(tokens * choices - admittedCount) / Double(max(1, tokens * choices))
  }
  /// Tokens with no admitted choice at all (they pass through the residual only).
  public var fullyDroppedTokenCount: Int {
    (0..<tokens).filter { t in (0..<choices).allSatisfy { row[t * choices + $0] < 0 } }.count
  }
  /// max_e load / mean_e load (1 = perfectly even; E when one expert takes everything).
  public var loadMaxOverMean: Double {
    let loads = (0..<experts).map(load)
    let mean = Double(loads.reduce(0, +)) / Double(experts)
    return mean > 0 ? Double(loads.max() ?? 0) / mean : 0
  }
}

/// Turns router probabilities into a ``RoutingPlan``: the one hook in the routing pipeline.
///
/// The pipeline around it (jitter, router logits, clipping, softmax, z-loss and balance loss)
/// is shared by every strategy; see ``Router``.
public protocol RoutingStrategy: Sendable {
  /// False when a token's placement depends on later tokens in the sequence, which in a
  /// decoder leaks the future (so such a strategy is for encoders or for study only).
  var isCausal: Bool { get }
  /// `probs` is (N, E), row-major.
  func plan(probs: UnsafePointer<Float>, tokens: Int, experts: Int, capacity: Int) -> RoutingPlan
}
