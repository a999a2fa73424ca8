import MoEKernels

/// Seeded test inputs.
public enum TestData {
  public static func floats(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
    var random = RandomStream(seed: seed)
    return (0..<count).map { _ in (2 * random.uniformFloat() - 1) * scale }
  }

  public static func tokens(_ count: Int, vocabulary: Int, seed: UInt64) -> [Int32] {
    var random = RandomStream(seed: seed)
    return (0..<count).map { _ in Int32(random.index(below: vocabulary)) }
  }
}
