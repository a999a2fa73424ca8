/// A small, fast, seedable generator (SplitMix64) with labelled sub-streams.
///
/// Every random draw in a run comes from a stream derived from the run seed and a label path
/// (for example `seed → "dropout" → step → layer`), so the numbers a kernel sees depend only on
/// the seed and where it is, never on how many draws happened elsewhere: runs are reproducible
/// bit for bit and adding a knob does not perturb the others' noise.
public struct RandomStream: RandomNumberGenerator, Sendable {
  public private(set) var state: UInt64

  public init(seed: UInt64) { state = seed }

  /// A stream for `labels` under `seed`; distinct label paths give independent streams.
  public init(seed: UInt64, _ labels: UInt64...) {
    var mixed = RandomStream.mix(seed &+ 0x9E37_79B9_7F4A_7C15)
    for label in labels { mixed = RandomStream.mix(mixed ^ RandomStream.mix(label &+ 0x632B_E59B)) }
    state = mixed
  }

  /// A stream derived from this one's current state and `label`, without advancing this one.
  public func derived(_ label: UInt64) -> RandomStream {
    RandomStream(seed: state, label)
  }

  @inline(__always)
  static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  @inline(__always)
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    return RandomStream.mix(state)
  }

  /// Uniform in [0, 1) with 24 random bits (every float32 in the grid 2⁻²⁴·i is reachable).
  @inline(__always)
  public mutating func uniformFloat() -> Float {
    Float(next() >> 40) * 0x1p-24
  }

  /// Uniform in [0, 1) with 53 random bits.
  @inline(__always)
  public mutating func uniformDouble() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// Standard normal by the Box–Muller transform (in Double, then rounded).
  public mutating func normal() -> Double {
    let u1 = 1 - uniformDouble()  // (0, 1]
    let u2 = uniformDouble()
    return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
  }

  /// Normal with standard deviation `std`, resampled until within ±2·std (Switch/TF convention).
  public mutating func truncatedNormal(std: Double) -> Float {
    while true {
      let value = normal()
      if abs(value) <= 2 { return Float(value * std) }
    }
  }

  /// An integer uniform in `0..<bound`.
  public mutating func index(below bound: Int) -> Int {
    Int(next() % UInt64(bound))
  }
}

/// Stable numeric labels for the random streams of one run.
public enum RandomPurpose: UInt64, Sendable {
  case initialization = 1
  case jitter, dropout, expertDropout, data, evaluationData, corpus, routing
}
