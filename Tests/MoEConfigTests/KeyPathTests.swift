import MoEConfig
import Testing

/// Key-path reads and strict writes on `JSONValue`, as the sweep engine uses them.
@Suite struct KeyPathTests {
  let tree: JSONValue = [
    "model": ["expertCount": 8], "axes": [["values": [1, 2]], ["values": [3]]],
  ]

  @Test func valuesAreReadByKeyPath() throws {
    #expect(try tree.value(at: "model.expertCount") == 8)
    #expect(try tree.value(at: "axes[1].values[0]") == 3)
    #expect(try JSONValue.array([10, 20]).value(at: "[1]") == 20)
  }

  @Test func setReplacesTheValueAtAPath() throws {
    var value = tree
    try value.set([4, 8], at: "axes[1].values")
    try value.set(16, at: "model.expertCount")
    #expect(
      value == ["model": ["expertCount": 16], "axes": [["values": [1, 2]], ["values": [4, 8]]]])
  }

  /// Against a reference, a partial tree gains the missing levels from the reference.
  @Test func setOnAPartialTreeCopiesMissingLevelsFromTheReference() throws {
    let reference: JSONValue = ["model": ["expertCount": 8, "channels": 128], "seed": 0]
    var partial: JSONValue = ["seed": 3]
    try partial.set(16, at: "model.expertCount", checkedAgainst: reference)
    #expect(partial == ["seed": 3, "model": ["expertCount": 16, "channels": 128]])
  }

  @Test(arguments: [
    Refusal(
      "model.expertCnt", #"model.expertCnt: unknown key "expertCnt" (did you mean "expertCount"?)"#),
    Refusal("axes[2].values", "axes[2]: index 2 is out of range: the array has 2 elements"),
    Refusal(
      "axes[0].values[5]", "axes[0].values[5]: index 5 is out of range: the array has 2 elements"),
    Refusal("model[0]", "model: expected an array, found an object"),
    Refusal("axes.values", "axes: expected an object, found an array"),
    Refusal("", "malformed key path: it is empty"),
    Refusal("model.", "model.: malformed key path: empty key"),
    Refusal(
      "axes[x]",
      #"axes[x]: malformed key path: index "x" in "axes[x]" is not a non-negative integer"#),
    Refusal(
      "axes[-1]",
      #"axes[-1]: malformed key path: index "-1" in "axes[-1]" is not a non-negative integer"#),
    Refusal("axes[0", #"axes[0: malformed key path: expected [index] in "axes[0""#),
    Refusal("axes]0", #"axes]0: malformed key path: unmatched ']' in "axes]0""#),
  ])
  func badPathsAreRefusedWithTheirPlace(_ refusal: Refusal) {
    var value = tree
    #expect {
      try value.set(1, at: refusal.json)
    } throws: { error in
      (error as? ConfigError)?.description == refusal.message
    }
  }

  @Test func aReferenceChecksKeysTheTreeLacks() {
    var partial: JSONValue = [:]
    #expect(
      throws: ConfigError(
        keyPath: "modle", #"unknown key "modle""#, suggestion: #"did you mean "model"?"#)
    ) {
      try partial.set(1, at: "modle.expertCount", checkedAgainst: tree)
    }
  }

  @Test func overlayMergesObjectsAndReplacesEverythingElse() {
    let base: JSONValue = ["a": ["x": 1, "y": 2], "b": [1, 2], "c": 3]
    let top: JSONValue = ["a": ["y": 20], "b": [9], "d": nil]
    #expect(top.overlaid(on: base) == ["a": ["x": 1, "y": 20], "b": [9], "c": 3, "d": nil])
  }
}
