/// Token-choice top-K routing with fixed expert capacity.
///
/// Each token picks its K most probable experts (ties to the lower index). Combine weights:
/// for K = 1 the raw probability p (Switch: the router learns from the task loss through it);
/// for K ≥ 2 the chosen probabilities renormalised to sum to 1 over the K choices, before
/// capacity is applied (ST-MoE / Mesh-TF), so a dropped second choice simply loses its share.
///
/// Slots are claimed rank by rank (every first choice before any second choice). Within a
/// rank, `tokenOrder` goes in position order (earlier tokens first: causal), while
/// `batchPrioritized` goes in order of descending top-1 probability (ties by position), which
/// lets a later token displace an earlier one: not causal.
public struct TokensChooseTopK: RoutingStrategy {
  public var k: Int
  public var priority: RoutingPriority

  public init(k: Int, priority: RoutingPriority = .tokenOrder) {
    precondition(k >= 1)
    self.k = k
    self.priority = priority
  }

  public var isCausal: Bool { priority == .tokenOrder }

  public func plan(probs: UnsafePointer<Float>, tokens n: Int, experts e: Int, capacity: Int)
    -> RoutingPlan
  {
    precondition(k <= e)
    var chosen = [Int32](repeating: -1, count: n * k)
    var gate = [Float](repeating: 0, count: n * k)
    for t in 0..<n {
      let p = probs + t * e
      // Top-k by repeated selection (k ≤ 2): strictly greater wins, so ties go to lower index.
      var total: Float = 0
      for r in 0..<k {
        var best = -1
        var bestValue = -Float.infinity
        for x in 0..<e {
          if (0..<r).contains(where: { chosen[t * k + $0] == Int32(x) }) { continue }
          if best < 0 || p[x] > bestValue { best = x; bestValue = p[x] }
        }
        chosen[t * k + r] = Int32(best)
        gate[t * k + r] = bestValue
        total += bestValue
      }
      if k > 1 {
        for r in 0..<k { gate[t * k + r] /= total }
      }
    }
    // Claim order within each rank.
    var order = Array(0..<n)
    if priority == .batchPrioritized {
      let top1 = (0..<n).map { probs[$0 * e + Int(chosen[$0 * k])] }
      order.sort { a, b in top1[a] != top1[b] ? top1[a] > top1[b] : a < b }
    }
    var load = [Int](repeating: 0, count: e)
    var slot = [Int32](repeating: -1, count: n * k)  // slot within the expert
    for r in 0..<k {
      for t in order {
        let x = Int(chosen[t * k + r])
        if load[x] < capacity {
          slot[t * k + r] = Int32(load[x])
          load[x] += 1
        }
      }
    }
    var offsets = [Int](repeating: 0, count: e + 1)
    for x in 0..<e { offsets[x + 1] = offsets[x] + load[x] }
    var row = [Int32](repeating: -1, count: n * k)
    var rowToken = [Int32](repeating: 0, count: offsets[e])
    var rowRank = [Int32](repeating: 0, count: offsets[e])
    for t in 0..<n {
      for r in 0..<k where slot[t * k + r] >= 0 {
        let index = offsets[Int(chosen[t * k + r])] + Int(slot[t * k + r])
        row[t * k + r] = Int32(index)
        rowToken[index] = Int32(t)
        rowRank[index] = Int32(r)
      }
    }
    return RoutingPlan(
      tokens: n, choices: k, experts: e, capacity: capacity, chosenExpert: chosen, gate: gate,
      row: row, rowToken: rowToken, rowRank: rowRank, expertOffsets: offsets)
  }
}
