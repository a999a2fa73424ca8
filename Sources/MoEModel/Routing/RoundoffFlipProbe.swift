import MoEKernels

/// The roundoff-flip metric of one MoE layer (ST-MoE §3.4): the fraction of tokens whose
/// routing decision in the run's precision differs from a float32 computation of the same
/// routing.
///
/// The float32 side reads the same router input the run's router projected (the bfloat16
/// activation, after the same jitter), the float32 master router weight instead of its
/// bfloat16 copy, applies the same clipping and a float32 softmax with nothing rounded, and
/// plans with the same strategy from the same random stream state (so the `random`
/// second-expert policy compares against the same uniforms). Only roundoff of the weight, the
/// logits and the probabilities can make the two differ.
///
/// A token counts as flipped when the *set* of experts it is sent to (its choices minus those
/// the second-expert policy declined, before capacity) differs: a swap of ranks is not a flip,
/// nor is a capacity drop. The value is a fraction of the N tokens, in [0, 1].
///
/// Only the plain `bfloat16` mode needs it: in `float32` and in the modes that keep the router
/// in float32, both computations are the same arithmetic and the fraction is exactly 0.
final class RoundoffFlipProbe {
  let rows: Int, channels: Int, experts: Int
  /// Float32 logits and probabilities (N, E) of the reference computation.
  let logits: FloatBuffer, probs: FloatBuffer

  init(rows: Int, channels: Int, experts: Int) {
    self.rows = rows
    self.channels = channels
    self.experts = experts
    logits = FloatBuffer(count: rows * experts)
    probs = FloatBuffer(count: rows * experts)
  }

  /// The flip fraction of `plan` (made in the run's precision by `strategy` from the stream
  /// state `random`), against the float32 routing of `routerInput` (N, C) with
  /// `masterWeight` (E, C) and clipping `clip` (0 = off).
  func flipFraction(
    plan: RoutingPlan, routerInput: UnsafePointer<Float>, masterWeight: UnsafePointer<Float>,
    clip: Float, strategy: any RoutingStrategy, random: RandomStream
  ) -> Double {
    let n = rows
    let e = experts
    precondition(plan.tokens == n && plan.experts == e, "plan of another layer shape")
    Linear.forward(
      out: logits.base, inp: routerInput, weight: masterWeight, rows: n, inFeatures: channels,
      outFeatures: e)
    if clip > 0 {
      for i in 0..<(n * e) { logits.base[i] = min(max(logits.base[i], -clip), clip) }
    }
    for t in 0..<n {
      _ = Softmax.row(out: probs.base + t * e, inp: logits.base + t * e, count: e)
    }
    var stream = random
    let reference = strategy.plan(
      probs: probs.base, tokens: n, experts: e, groupSize: plan.groupSize,
      capacity: plan.capacity, random: &stream)
    let flipped = (0..<n).count(where: { !plan.sendsSameExperts(as: reference, token: $0) })
    return Double(flipped) / Double(n)
  }
}

/// What one layer's probe reads, saved by the forward pass so the metric can be computed
/// later (only on the steps that log it). The pointers address buffers the model owns: the
/// router input the projection read and the float32 master router weight; the fraction is
/// the forward pass's only while neither has changed (before the optimizer step and the next
/// forward pass).
struct RoundoffFlipInputs {
  var routerInput: UnsafePointer<Float>
  var masterWeight: UnsafePointer<Float>
  var clip: Float
  /// The routing stream's state before the plan drew from it.
  var random: RandomStream
}
