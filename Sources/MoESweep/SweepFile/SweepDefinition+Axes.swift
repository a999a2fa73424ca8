import MoEConfig

/// Checking the `axes` section: shapes, keys, values, zips.
extension SweepDefinition {
  static func checkedAxes(_ written: [SweepFile.Axis]?) throws(ConfigError) -> [SweepAxis] {
    guard let written else { return [] }
    guard !written.isEmpty else {
      throw ConfigError(
        keyPath: "axes", "must not be empty", suggestion: #"leave "axes" out for no grid"#)
    }
    var setBy: [String: String] = [:]
    var axes: [SweepAxis] = []
    for (index, axis) in written.enumerated() {
      let location = "axes[\(index)]"
      switch (axis.key, axis.values, axis.zip) {
      case (nil, nil, let members?):
        axes.append(try checkedZip(members, at: location, setBy: &setBy))
      case (let key?, let values?, nil):
        let column = try checkedColumn(key: key, values: values, at: location, setBy: &setBy)
        if let (first, repeated) = firstRepetition(in: values) {
          throw ConfigError(
            keyPath: "\(location).values[\(repeated)]",
            "\(values[repeated].canonicalText) is already at \(location).values[\(first)]",
            suggestion: "the values of an axis must differ")
        }
        axes.append(SweepAxis(columns: [column], isZip: false))
      case (_, _, .some):
        throw ConfigError(
          keyPath: location, #"an axis has either "key" and "values", or "zip", not both"#)
      case (nil, _, nil):
        throw ConfigError(
          keyPath: "\(location).key", "required key is missing",
          suggestion: #"an axis is {"key": "model.expertCount", "values": [4, 8]} or {"zip": […]}"#)
      case (_, nil, nil):
        throw ConfigError(keyPath: "\(location).values", "required key is missing")
      }
    }
    return axes
  }

  /// Two or more columns of equal length whose rows differ.
  private static func checkedZip(
    _ members: [SweepFile.Column], at location: String, setBy: inout [String: String]
  ) throws(ConfigError) -> SweepAxis {
    guard members.count >= 2 else {
      throw ConfigError(
        keyPath: "\(location).zip", "a zip pairs two or more axes, found \(members.count)",
        suggestion: #"write a single axis as {"key": …, "values": […]}"#)
    }
    var columns: [SweepAxis.Column] = []
    for (index, member) in members.enumerated() {
      columns.append(
        try checkedColumn(
          key: member.key, values: member.values, at: "\(location).zip[\(index)]", setBy: &setBy))
    }
    let count = columns[0].values.count
    for (index, column) in columns.enumerated() where column.values.count != count {
      throw ConfigError(
        keyPath: "\(location).zip[\(index)].values",
        "has \(column.values.count) values, but \(location).zip[0].values has \(count)",
        suggestion: "zipped axes pair their values by position, so each needs as many")
    }
    let rows = (0..<count).map { position in columns.map { $0.values[position] } }
    if let (first, repeated) = firstRepetition(in: rows) {
      throw ConfigError(
        keyPath: "\(location).zip",
        "the values at position \(repeated) are already at position \(first)",
        suggestion: "the points of a zip must differ")
    }
    return SweepAxis(columns: columns, isZip: true)
  }

  /// A settable key no other axis sets, with at least one value, each of the key's type.
  private static func checkedColumn(
    key keyPath: String, values: [JSONValue], at location: String,
    setBy: inout [String: String]
  ) throws(ConfigError) -> SweepAxis.Column {
    let key = try SweepKeys.settableKey(keyPath, at: "\(location).key")
    if let owner = setBy[keyPath] {
      throw ConfigError(
        keyPath: "\(location).key", "\(quoted(keyPath)) is already set by \(owner)",
        suggestion: "give a key one axis with all its values; zip keys that change together")
    }
    setBy[keyPath] = location
    guard !values.isEmpty else {
      throw ConfigError(
        keyPath: "\(location).values", "must not be empty",
        suggestion: "an axis needs at least one value")
    }
    for (position, value) in values.enumerated() {
      try SweepKeys.checkValue(value, for: key, at: "\(location).values[\(position)]")
    }
    return SweepAxis.Column(keyPath: keyPath, values: values)
  }

  /// The positions of the first element equal to an earlier one, and of that earlier one.
  private static func firstRepetition<Element: Hashable>(in elements: [Element]) -> (Int, Int)? {
    var firstPosition: [Element: Int] = [:]
    for (position, element) in elements.enumerated() {
      if let first = firstPosition[element] { return (first, position) }
      firstPosition[element] = position
    }
    return nil
  }
}
