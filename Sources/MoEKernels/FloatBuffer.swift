/// One float32 allocation, zero-initialised, that owns its memory for the whole run and hands
/// out views into it.
///
/// Each activation tensor is one buffer; parameters, gradients and optimizer moments are each
/// one flat buffer (the parameter arena laid out by `ParameterLayout`), so a training step
/// allocates nothing and a whole tensor group can be zeroed or rounded in one loop.
public final class FloatBuffer: @unchecked Sendable {
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
    precondition(range.lowerBound >= 0 && range.upperBound <= count, "buffer view out of bounds")
    return base + range.lowerBound
  }

  public var buffer: UnsafeMutableBufferPointer<Float> { .init(start: base, count: count) }

  public func zero() { base.update(repeating: 0, count: count) }

  public func copy(from other: FloatBuffer) {
    precondition(other.count == count)
    base.update(from: other.base, count: count)
  }

  public var array: [Float] { Array(buffer) }
}

/// An integer scratch allocation with the same lifetime rules as ``FloatBuffer``.
public final class Int32Buffer: @unchecked Sendable {
  public let count: Int
  public let base: UnsafeMutablePointer<Int32>
  public init(count: Int) {
    self.count = count
    base = .allocate(capacity: max(count, 1))
    base.initialize(repeating: 0, count: max(count, 1))
  }
  deinit { base.deallocate() }
}
