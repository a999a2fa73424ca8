/// One named parameter tensor inside a flat arena, viewed as `stack` matrices of
/// `rows × columns` (per-layer or per-expert tensors stack on the leading axis).
///
/// Optimizers use the 2-D view: Adafactor factors its second moment over each (rows, columns)
/// matrix whose dimensions reach its threshold and clips its update per matrix; vectors have
/// `rows == 1`.
public struct ParameterSlice: Hashable, Sendable, Codable {
  public var name: String
  public var range: Range<Int>
  public var stack: Int
  public var rows: Int
  public var columns: Int

  public init(name: String, offset: Int, stack: Int, rows: Int, columns: Int) {
    self.name = name
    self.range = offset..<(offset + stack * rows * columns)
    self.stack = stack
    self.rows = rows
    self.columns = columns
  }

  public var count: Int { range.count }
}
