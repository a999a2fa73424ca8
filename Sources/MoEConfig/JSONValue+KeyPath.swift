/// Reading and writing inside a tree by key path (`model.expertCount`, `axes[2].values`).
extension JSONValue {
  /// The value at a key path; a key the object lacks is an error suggesting the nearest one.
  public func value(at keyPath: String) throws(ConfigError) -> JSONValue {
    var current = self
    var walked: [KeyPathComponent] = []
    for component in try KeyPathComponent.parse(keyPath) {
      current = try current.child(component, after: walked)
      walked.append(component)
    }
    return current
  }

  /// Replaces the value at a key path, strictly: every key on the path must exist in `reference`
  /// (by default `self`), else the error names it and suggests the nearest key.
  ///
  /// With a reference, `self` may be partial: a key the reference has and `self` lacks is first
  /// copied from the reference, so `{}` with `model.expertCount` set against the default config
  /// becomes `{"model": {…defaults…, "expertCount": 16}}`. Inside an array, keys are checked
  /// against the reference's element at that index, or else `self`'s element itself. Indices must
  /// be within `self`'s array. The new value replaces the old one whole (objects are not merged).
  public mutating func set(
    _ newValue: JSONValue, at keyPath: String, checkedAgainst reference: JSONValue? = nil
  ) throws(ConfigError) {
    let components = try KeyPathComponent.parse(keyPath)
    try Self.assign(
      newValue, into: &self, reference: reference ?? self, path: components[...], walked: [])
  }

  private static func assign(
    _ newValue: JSONValue, into target: inout JSONValue, reference: JSONValue,
    path: ArraySlice<KeyPathComponent>, walked: [KeyPathComponent]
  ) throws(ConfigError) {
    guard let component = path.first else {
      target = newValue
      return
    }
    let here = walked + [component]
    switch component {
    case .key(let key):
      let referenceChild = try reference.child(component, after: walked)
      guard case .object(var members) = target else {
        throw .typeMismatch(expected: .object, found: target, at: KeyPathComponent.render(walked))
      }
      var child = members[key] ?? referenceChild
      try assign(
        newValue, into: &child, reference: referenceChild, path: path.dropFirst(), walked: here)
      members[key] = child
      target = .object(members)
    case .index(let index):
      var child = try target.child(component, after: walked)
      let referenceChild = (try? reference.child(component, after: walked)) ?? child
      try assign(
        newValue, into: &child, reference: referenceChild, path: path.dropFirst(), walked: here)
      if case .array(var elements) = target {
        elements[index] = child
        target = .array(elements)
      }
    }
  }

  /// One step down; `walked` is the path to `self`, for errors.
  private func child(_ component: KeyPathComponent, after walked: [KeyPathComponent])
    throws(ConfigError) -> JSONValue
  {
    let here = KeyPathComponent.render(walked)
    switch (component, self) {
    case (.key(let key), .object(let members)):
      guard let child = members[key] else {
        throw .unknownKey(
          key, at: KeyPathComponent.render(walked + [component]), known: members.keys)
      }
      return child
    case (.index(let index), .array(let elements)):
      guard elements.indices.contains(index) else {
        let count = elements.count == 1 ? "1 element" : "\(elements.count) elements"
        throw ConfigError(
          keyPath: KeyPathComponent.render(walked + [component]),
          "index \(index) is out of range: the array has \(count)")
      }
      return elements[index]
    case (.key, _): throw .typeMismatch(expected: .object, found: self, at: here)
    case (.index, _): throw .typeMismatch(expected: .array, found: self, at: here)
    }
  }
}
