import MoEKernels

/// Turns router probabilities into a ``RoutingPlan`` and carries the gradient of the plan's
/// gates back to the probabilities: the one hook in the routing pipeline, forward and backward.
///
/// The pipeline around it (jitter, router logits, clipping, softmax, z-loss and balance loss)
/// is shared by every strategy; see ``Router``.
public protocol RoutingStrategy: Sendable {
  /// False when a token's placement depends on later tokens in the sequence, which in a
  /// decoder leaks the future (so such a strategy is for encoders or for study only).
  var isCausal: Bool { get }
  /// `probs` is (N, E), row-major; the N tokens form N/`groupSize` contiguous routing groups,
  /// each with `capacity` slots per expert. Random decisions draw from `random` only, in a
  /// fixed order, so the same stream state gives the same decisions.
  func plan(
    probs: UnsafePointer<Float>, tokens: Int, experts: Int, groupSize: Int, capacity: Int,
    random: inout RandomStream
  ) -> RoutingPlan
  /// Accumulates into `dprobs` (N, E) the gradient reaching the probabilities through the
  /// plan's gates, given `dgate` (N·K, the gradient of each combine weight; 0 where the choice
  /// has no row). The plan's discrete decisions are constants here.
  func backward(
    dprobs: UnsafeMutablePointer<Float>, dgate: [Float], probs: UnsafePointer<Float>,
    plan: RoutingPlan)
}
