/// Inverted dropout: keep each element with probability 1 − rate and scale it by 1/(1 − rate).
///
/// Shapes: `inp`, `out`, `mask` (count). The mask stores the multiplier (0 or 1/(1 − rate)),
/// drawn from the given stream, so the backward pass is `dinp += dout ⊙ mask` and a run
/// replays the same mask from the same seed.
public enum Dropout {
  public static func forward(
    out: UnsafeMutablePointer<Float>, mask: UnsafeMutablePointer<Float>,
    inp: UnsafePointer<Float>, count: Int, rate: Float, random: inout RandomStream
  ) {
    let keepScale = 1 / (1 - rate)
    for i in 0..<count {
      let keep = random.uniformFloat() >= rate
      mask[i] = keep ? keepScale : 0
      out[i] = inp[i] * mask[i]
    }
  }

  public static func backward(
    dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, mask: UnsafePointer<Float>,
    count: Int
  ) {
    for i in 0..<count { dinp[i] += dout[i] * mask[i] }
  }
}
