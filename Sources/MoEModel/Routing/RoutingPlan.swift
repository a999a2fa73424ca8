/// Where every token of a step goes: the interface between routing and the experts.
///
/// The N tokens split into N/G contiguous routing groups of G tokens; each expert has
/// `capacity` slots per group. Admitted (token, expert) pairs are stored as *rows*, grouped by
/// expert (then by group, then by slot), so expert e owns rows
/// `expertOffsets[e] ..< expertOffsets[e+1]` of the gathered buffers and its FFN is one GEMM per
/// direction over contiguous rows (never over capacity padding). Dispatch, combine and both of
/// their backward passes read only this plan.
public struct RoutingPlan: Sendable, Equatable {
  /// N: tokens in the step; K: choices per token; E: experts; G: tokens per routing group.
  public var tokens: Int
  public var choices: Int
  public var experts: Int
  public var groupSize: Int
  /// Slots per expert in each group.
  public var capacity: Int
  /// Per token and choice rank (N·K): the chosen expert (by descending probability).
  public var chosenExpert: [Int32]
  /// Per token and choice rank (N·K): the combine weight (renormalised gate, see
  /// ``TokensChooseTopK``), whether or not the choice was admitted.
  public var gate: [Float]
  /// Per token and choice rank (N·K): true when the second-expert policy declined this choice
  /// (it takes no slot and has no row, but its probability still renormalises the first gate).
  public var declined: [Bool]
  /// Per token and choice rank (N·K): the row holding this assignment, or −1 if declined or
  /// dropped for lack of capacity.
  public var row: [Int32]
  /// Per row: the token it came from and its choice rank.
  public var rowToken: [Int32]
  public var rowRank: [Int32]
  /// E + 1 prefix offsets of each expert's rows; `load[e] = expertOffsets[e+1] − expertOffsets[e]`.
  public var expertOffsets: [Int]

  public var admittedCount: Int { expertOffsets[experts] }
  public func load(_ expert: Int) -> Int { expertOffsets[expert + 1] - expertOffsets[expert] }
  /// (token, choice) assignments the strategy wanted to send (N·K minus declined ones).
  public var wantedCount: Int { tokens * choices - declined.count(where: { $0 }) }
  /// Fraction of the wanted (token, choice) assignments that found no room.
  public var droppedFraction: Double {
    Double(wantedCount - admittedCount) / Double(max(1, wantedCount))
  }
  /// Fraction of tokens whose second choice the second-expert policy kept (whether or not it
  /// then found room; see ``droppedFraction``): 1 under `all` with K = 2, 0 with K = 1.
  public var secondExpertFraction: Double {
    guard choices >= 2 else { return 0 }
    let kept = (0..<tokens).count(where: { !declined[$0 * choices + 1] })
    return Double(kept) / Double(max(1, tokens))
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

  /// Whether token `token` is sent to the same set of experts here as in `other` (its chosen
  /// experts minus the declined choices, before capacity; rank order does not matter).
  public func sendsSameExperts(as other: RoutingPlan, token: Int) -> Bool {
    let k = choices
    func sent(_ plan: RoutingPlan, _ r: Int) -> Int32? {
      plan.declined[token * k + r] ? nil : plan.chosenExpert[token * k + r]
    }
    var count = 0
    var otherCount = 0
    for r in 0..<k {
      if sent(other, r) != nil { otherCount += 1 }
      guard let expert = sent(self, r) else { continue }
      count += 1
      if !(0..<k).contains(where: { sent(other, $0) == expert }) { return false }
    }
    return count == otherCount
  }
}
