/// One float32 allocation that hands out views; owns its memory for the whole run.
///
/// Parameters, gradients, optimizer moments and activations each live in one arena, so a
/// training step allocates nothing and a whole tensor group can be zeroed or rounded in a loop.
public final class Arena: @unchecked Sendable {
  public let count: Int
  public let base: UnsafeMutablePointer<Float>

  public init(count: Int) {
    self.count = count
    base = .allocate(capacity: max(count, 1))
    base.initialize(repeating: 0, count: max(count, 1))
  }

  deinit { base.deallocate() }

  /// A view of `range` (offsets into the arena).
  @inline(__always)
  public subscript(range: Range<Int>) -> UnsafeMutablePointer<Float> {
    precondition(range.lowerBound >= 0 && range.upperBound <= count, "arena view out of bounds")
    return base + range.lowerBound
  }

  public var buffer: UnsafeMutableBufferPointer<Float> { .init(start: base, count: count) }

  public func zero() { base.update(repeating: 0, count: count) }

  public func copy(from other: Arena) {
    precondition(other.count == count)
    base.update(from: other.base, count: count)
  }

  public var array: [Float] { Array(buffer) }
}

/// An integer scratch allocation with the same lifetime rules as ``Arena``.
public final class IntArena: @unchecked Sendable {
  public let count: Int
  public let base: UnsafeMutablePointer<Int32>
  public init(count: Int) {
    self.count = count
    base = .allocate(capacity: max(count, 1))
    base.initialize(repeating: 0, count: max(count, 1))
  }
  deinit { base.deallocate() }
}
