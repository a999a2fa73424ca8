import MoEConfig

extension SweepPlan {
  /// Point labels for figures, where legends and panel titles have little room: only what
  /// tells the points of this sweep apart, one per point in plan order.
  ///
  /// A short label is the point's label (``SweepPoint/label``) without the parts that are the
  /// same for every point:
  /// - the variant label is kept only when the sweep has two or more variants;
  /// - an axis key is kept only when it takes two or more values, and not when an earlier
  ///   kept key already determines its value: of a zip (`learningRate` paired with
  ///   `warmupSteps`) only the first member stays;
  /// - names and values are written as in the full labels (`routerZLossCoefficient=0.001`).
  ///
  /// A sweep of one point keeps its full label. Should the short labels ever collide, the full
  /// labels are returned instead.
  ///
  /// ```
  /// Baseline, routerZLossCoefficient=0, learningRate=0.003, warmupSteps=50
  ///   → Baseline, routerZLossCoefficient=0, learningRate=0.003
  /// ```
  public var shortPointLabels: [String] {
    let full = points.map(\.label)
    guard points.count > 1 else { return full }
    let showsVariant = Set(points.map(\.variantLabel)).count > 1
    let names = SweepExpansion.axisNames(definition.axes)
    let keyPaths = points[0].axisValues.map(\.keyPath)
    var kept: [String] = []
    for keyPath in keyPaths {
      let values = points.map { $0.axisValue(keyPath) }
      guard Set(values).count > 1 else { continue }
      let isDetermined = kept.contains { earlier in
        var implied: [JSONValue?: JSONValue?] = [:]
        for point in points {
          let key = point.axisValue(earlier)
          let value = point.axisValue(keyPath)
          if let seen = implied[key], seen != value { return false }
          implied[key] = value
        }
        return true
      }
      if !isDetermined { kept.append(keyPath) }
    }
    let short = points.map { point -> String in
      var parts = showsVariant ? [point.variantLabel ?? ""] : []
      for keyPath in kept {
        let value = point.axisValue(keyPath).map(Self.labelText) ?? "–"
        parts.append("\(names[keyPath] ?? keyPath)=\(value)")
      }
      return parts.joined(separator: ", ")
    }
    let isUsable = Set(short).count == short.count && !short.contains("")
    return isUsable ? short : full
  }

  /// Point labels that keep only the variant and the value of `keyPath`, one per point in plan
  /// order: the names of a figure's colours when its runs are grouped by what sets `keyPath`.
  ///
  /// A label is the variant label when the sweep has two or more variants, followed by
  /// `name=value` of `keyPath` when that is an axis with two or more values (written as in the
  /// full labels); points that differ only in other axes share a label. When that leaves a
  /// label empty (`keyPath` is not what tells the points apart), the short labels are returned.
  ///
  /// ```
  /// variants Baseline, Router z-loss × axis learningRate → Baseline, Router z-loss
  /// axis routerZLossCoefficient [0, 0.001] → routerZLossCoefficient=0, …=0.001
  /// ```
  public func labels(keepingAxis keyPath: String) -> [String] {
    let showsVariant = Set(points.map(\.variantLabel)).count > 1
    let isAxis = Set(points.map { $0.axisValue(keyPath) }).count > 1
    let name = SweepExpansion.axisNames(definition.axes)[keyPath] ?? keyPath
    let labels = points.map { point -> String in
      var parts = showsVariant ? [point.variantLabel ?? ""] : []
      if isAxis, let value = point.axisValue(keyPath) {
        parts.append("\(name)=\(Self.labelText(value))")
      }
      return parts.joined(separator: ", ")
    }
    return labels.contains("") ? shortPointLabels : labels
  }

  /// A value as point labels show it: strings without quotes, anything else as canonical JSON.
  private static func labelText(_ value: JSONValue) -> String {
    if case .string(let text) = value { return text }
    return value.canonicalText
  }
}
