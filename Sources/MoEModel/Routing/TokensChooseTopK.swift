import MoEKernels

/// Token-choice top-K routing with fixed expert capacity per routing group, and the
/// second-expert policy of Mesh-TF / ST-MoE.
///
/// **Choices.** Each token picks its K most probable experts (ties to the lower index).
/// Combine weights: for K = 1 the raw probability p (Switch: the router learns from the task
/// loss through it); for K = 2 the chosen probabilities renormalised over both choices,
/// g_r = p_r / (p₁ + p₂), before capacity and the policy are applied (ST-MoE / Mesh-TF).
///
/// **Second-expert policy** (K = 2): `all` keeps every second choice; `threshold` declines it
/// when g₂ < τ; `random` keeps it when u < g₂/τ, one u ~ U[0, 1) per token drawn in token order
/// whatever the outcome. A declined second choice takes no slot and adds nothing; the first
/// gate stays g₁ = p₁/(p₁ + p₂) < 1, not renormalised to 1, as in Mesh-TF's `_top_2_gating`
/// (which multiplies g₂ by the policy mask after renormalising and leaves g₁ alone). A second
/// choice dropped for capacity likewise leaves g₁ as it is.
///
/// **Slots.** Within each group, slots are claimed rank by rank (every first choice before any
/// second choice). Within a rank, `tokenOrder` goes in position order (earlier tokens first:
/// causal), while `batchPrioritized` goes in order of descending top-1 probability (ties by
/// position), which lets a later token displace an earlier one: not causal.
///
/// **Gate derivative** (``backward(dprobs:dgate:probs:plan:)``): K = 1: g = p, so dp = dg.
/// K = 2: with S = p₁ + p₂, dp_j = dg_j / S − (Σ_i dg_i·p_i) / S², where a declined or dropped
/// choice has dg = 0 but still enters S.
public struct TokensChooseTopK: RoutingStrategy {
  public var k: Int
  public var priority: RoutingPriority
  public var secondExpertPolicy: SecondExpertPolicy
  /// τ of the `threshold` and `random` policies.
  public var secondExpertThreshold: Float

  public init(
    k: Int, priority: RoutingPriority = .tokenOrder, secondExpertPolicy: SecondExpertPolicy = .all,
    secondExpertThreshold: Float = 0.2
  ) {
    precondition(k >= 1 && (k == 2 || secondExpertPolicy == .all))
    self.k = k
    self.priority = priority
    self.secondExpertPolicy = secondExpertPolicy
    self.secondExpertThreshold = secondExpertThreshold
  }

  public var isCausal: Bool { priority == .tokenOrder }

  public func plan(
    probs: UnsafePointer<Float>, tokens n: Int, experts e: Int, groupSize: Int, capacity: Int,
    random: inout RandomStream
  ) -> RoutingPlan {
    precondition(k <= e && groupSize >= 1 && n % groupSize == 0)
    var chosen = [Int32](repeating: -1, count: n * k)
    var gate = [Float](repeating: 0, count: n * k)
    var declined = [Bool](repeating: false, count: n * k)
    for t in 0..<n {
      let p = probs + t * e
      // Top-k by repeated selection (k ≤ 2): strictly greater wins, so ties go to lower index.
      var total: Float = 0
      for r in 0..<k {
        var best = -1
        var bestValue = -Float.infinity
        for x in 0..<e {
          if (0..<r).contains(where: { chosen[t * k + $0] == Int32(x) }) { continue }
          if best < 0 || p[x] > bestValue {
            best = x
            bestValue = p[x]
          }
        }
        chosen[t * k + r] = Int32(best)
        gate[t * k + r] = bestValue
        total += bestValue
      }
      if k > 1 {
        for r in 0..<k { gate[t * k + r] /= total }
      }
      if k == 2 { declined[t * k + 1] = declinesSecond(gate: gate[t * k + 1], random: &random) }
    }
    // Slots, group by group; within a group, every first choice before any second choice.
    let groups = n / groupSize
    var load = [Int](repeating: 0, count: groups * e)  // per (group, expert)
    var slot = [Int32](repeating: -1, count: n * k)  // slot within the expert's group share
    for g in 0..<groups {
      var order = Array((g * groupSize)..<((g + 1) * groupSize))
      if priority == .batchPrioritized {
        let top1 = order.map { probs[$0 * e + Int(chosen[$0 * k])] }
        let start = g * groupSize
        order.sort { a, b in
          top1[a - start] != top1[b - start] ? top1[a - start] > top1[b - start] : a < b
        }
      }
      for r in 0..<k {
        for t in order where !declined[t * k + r] {
          let x = g * e + Int(chosen[t * k + r])
          if load[x] < capacity {
            slot[t * k + r] = Int32(load[x])
            load[x] += 1
          }
        }
      }
    }
    // Rows: expert-major, then group, then slot.
    var offsets = [Int](repeating: 0, count: e + 1)
    var groupStart = [Int](repeating: 0, count: groups * e)
    for x in 0..<e {
      var next = offsets[x]
      for g in 0..<groups {
        groupStart[g * e + x] = next
        next += load[g * e + x]
      }
      offsets[x + 1] = next
    }
    var row = [Int32](repeating: -1, count: n * k)
    var rowToken = [Int32](repeating: 0, count: offsets[e])
    var rowRank = [Int32](repeating: 0, count: offsets[e])
    for t in 0..<n {
      let g = t / groupSize
      for r in 0..<k where slot[t * k + r] >= 0 {
        let index = groupStart[g * e + Int(chosen[t * k + r])] + Int(slot[t * k + r])
        row[t * k + r] = Int32(index)
        rowToken[index] = Int32(t)
        rowRank[index] = Int32(r)
      }
    }
    return RoutingPlan(
      tokens: n, choices: k, experts: e, groupSize: groupSize, capacity: capacity,
      chosenExpert: chosen, gate: gate, declined: declined, row: row, rowToken: rowToken,
      rowRank: rowRank, expertOffsets: offsets)
  }

  /// Whether the policy declines a second choice of renormalised gate `gate` (g₂ ≤ ½).
  /// `random` draws exactly one uniform per call.
  func declinesSecond(gate: Float, random: inout RandomStream) -> Bool {
    switch secondExpertPolicy {
    case .all: return false
    case .threshold: return !(gate >= secondExpertThreshold)
    case .random: return !(random.uniformFloat() < gate / secondExpertThreshold)
    }
  }

  public func backward(
    dprobs: UnsafeMutablePointer<Float>, dgate: [Float], probs: UnsafePointer<Float>,
    plan: RoutingPlan
  ) {
    let n = plan.tokens
    let e = plan.experts
    for t in 0..<n {
      let p = probs + t * e
      let dp = dprobs + t * e
      if k == 1 {
        dp[Int(plan.chosenExpert[t])] += dgate[t]
        continue
      }
      var s: Float = 0
      var weighted: Float = 0
      for r in 0..<k {
        let x = Int(plan.chosenExpert[t * k + r])
        s += p[x]
        weighted += dgate[t * k + r] * p[x]
      }
      for r in 0..<k {
        let x = Int(plan.chosenExpert[t * k + r])
        dp[x] += dgate[t * k + r] / s - weighted / (s * s)
      }
    }
  }
}
