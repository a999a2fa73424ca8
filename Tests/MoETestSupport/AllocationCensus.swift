import MoEKernels

/// What an object graph actually holds in buffers, found by walking every stored property
/// (private ones included) with `Mirror`, each class instance once: the reference the memory
/// estimates are tested against.
public struct AllocationCensus {
  /// Bytes of every `FloatBuffer` and `Int32Buffer` reached (4·max(count, 1) each: what their
  /// initialisers allocate), plus what `extra` reports for other buffer types.
  public private(set) var bufferBytes: Double = 0
  /// Bytes of the stored Swift arrays of numbers reached ([Float], [Double], [Int32], [Int]):
  /// count × element size, capacity not included.
  public private(set) var arrayBytes: Double = 0
  private var visited: Set<ObjectIdentifier> = []
  private let extra: (Any) -> Double?

  /// Walks `roots`. `extra` returns the bytes of a buffer type the census does not know (nil for
  /// anything else); such a value is counted and not walked into.
  public init(of roots: Any..., extra: @escaping (Any) -> Double? = { _ in nil }) {
    self.extra = extra
    for root in roots { visit(root) }
  }

  private mutating func visit(_ value: Any) {
    let mirror = Mirror(reflecting: value)
    if mirror.displayStyle == .class {
      guard visited.insert(ObjectIdentifier(value as AnyObject)).inserted else { return }
    }
    if let buffer = value as? FloatBuffer {
      bufferBytes += 4 * Double(max(buffer.count, 1))
      return
    }
    if let buffer = value as? Int32Buffer {
      bufferBytes += 4 * Double(max(buffer.count, 1))
      return
    }
    if let bytes = extra(value) {
      bufferBytes += bytes
      return
    }
    if let array = value as? [Float] {
      arrayBytes += 4 * Double(array.count)
      return
    }
    if let array = value as? [Double] {
      arrayBytes += 8 * Double(array.count)
      return
    }
    if let array = value as? [Int32] {
      arrayBytes += 4 * Double(array.count)
      return
    }
    if let array = value as? [Int] {
      arrayBytes += 8 * Double(array.count)
      return
    }
    var level: Mirror? = mirror
    while let current = level {
      for child in current.children { visit(child.value) }
      level = current.superclassMirror
    }
  }
}
