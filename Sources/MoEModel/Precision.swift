/// Arithmetic of a run. Master weights, optimizer state and weight gradients are float32 in
/// every mode; the bfloat16 modes emulate TPU-style mixed precision by exact rounding.
///
/// Where rounding to bfloat16 (nearest, ties to even) happens in the bfloat16 modes:
/// - **weights**: a rounded copy of every parameter is made at the start of each step and used
///   by the forward and backward passes (matmul inputs, norm scales, embeddings, expert bias);
/// - **activations**: every tensor a layer stores is rounded when written (embeddings sum,
///   norm outputs, q/k/v, attention logits and probabilities, head outputs, projections,
///   residual stream, FFN hidden states, expert outputs, output logits);
/// - **activation gradients**: every gradient flowing between layers is rounded before the
///   next backward kernel reads it (and the attention logit gradient inside the kernel);
/// - matmuls accumulate in float32 (OpenBLAS on rounded inputs: an exact emulation);
/// - reductions inside a kernel (norm statistics, softmax sums, losses) are float32/float64.
///
/// Exceptions, per mode:
/// - `bfloat16RouterFloat32` ("selective precision", Switch Table 2): the router weight is not
///   rounded, and the router logits and probabilities stay float32 (its input is the bfloat16
///   normalised activation, cast up, as on a TPU); combine weights are rounded back.
/// - `bfloat16ExpFloat32` (ST-MoE §3.4): additionally every exponentiated tensor and its input
///   stays float32: attention logits and probabilities, and output logits.
public enum Precision: String, Codable, CaseIterable, Sendable {
  case float32
  case bfloat16
  case bfloat16RouterFloat32 = "bfloat16-router-float32"
  case bfloat16ExpFloat32 = "bfloat16-exp-float32"

  /// True in every bfloat16 mode.
  public var roundsToBFloat16: Bool { self != .float32 }
  /// True when the router's weight, logits and probabilities stay float32.
  public var routerInFloat32: Bool {
    self == .float32 || self == .bfloat16RouterFloat32 || self == .bfloat16ExpFloat32
  }
  /// True when attention logits/probabilities and output logits stay float32.
  public var exponentiatedInFloat32: Bool { self == .float32 || self == .bfloat16ExpFloat32 }
}
