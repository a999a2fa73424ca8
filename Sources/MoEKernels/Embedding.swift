/// Token plus learned absolute position embedding.
///
/// Shapes: `tokens` (B·T), `tokenEmbedding` (V, C), `positionEmbedding` (maxT, C), `out` (B·T, C).
/// `out[b, t] = tokenEmbedding[tokens[b, t]] + positionEmbedding[t]`.
public enum Embedding {
  /// With `roundToBFloat16`, each output row is rounded as it is written.
  public static func forward(
    out: UnsafeMutablePointer<Float>, tokens: UnsafePointer<Int32>,
    tokenEmbedding: UnsafePointer<Float>, positionEmbedding: UnsafePointer<Float>,
    batch: Int, time: Int, channels c: Int, roundToBFloat16: Bool = false
  ) {
    for b in 0..<batch {
      for t in 0..<time {
        let row = b * time + t
        let tokenRow = tokenEmbedding + Int(tokens[row]) * c
        let outRow = out + row * c
        Elementwise.add(out: outRow, tokenRow, positionEmbedding + t * c, count: c)
        if roundToBFloat16 { BFloat16.roundWithoutProfiling(from: outRow, into: outRow, count: c) }
      }
    }
  }

  /// Accumulates into `dTokenEmbedding` and `dPositionEmbedding`.
  public static func backward(
    dTokenEmbedding: UnsafeMutablePointer<Float>, dPositionEmbedding: UnsafeMutablePointer<Float>,
    dout: UnsafePointer<Float>, tokens: UnsafePointer<Int32>,
    batch: Int, time: Int, channels c: Int
  ) {
    for b in 0..<batch {
      for t in 0..<time {
        let row = b * time + t
        let doutRow = dout + row * c
        let tokenRow = dTokenEmbedding + Int(tokens[row]) * c
        let positionRow = dPositionEmbedding + t * c
        for i in 0..<c {
          tokenRow[i] += doutRow[i]
          positionRow[i] += doutRow[i]
        }
      }
    }
  }
}
