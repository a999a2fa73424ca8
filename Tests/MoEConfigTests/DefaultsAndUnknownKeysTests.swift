import Foundation
import MoEConfig
import Testing

/// A partial file is complete after decoding; a key nobody knows is refused at its full path.
@Suite struct DefaultsAndUnknownKeysTests {
  @Test func anEmptyObjectIsTheDefaultConfig() throws {
    #expect(try decodeTrial("{}") == TrialConfig())
  }

  @Test func absentKeysKeepTheirDefaultsAtEveryDepth() throws {
    let config = try decodeTrial(
      #"{"seed": 7, "router": {"expertsPerToken": 3}, "experts": [{"width": 32}, {}, {"activation": "relu"}]}"#
    )
    var expected = TrialConfig()
    expected.seed = 7
    expected.router.expertsPerToken = 3
    expected.experts = [ExpertConfig(width: 32), ExpertConfig(), ExpertConfig(activation: .relu)]
    #expect(config == expected)
  }

  /// `TrialConfig()` sets `router.expertCount` to 4; `RouterConfig()` would say 8.
  @Test func theEnclosingDefaultWinsOverTheNestedTypesOwn() throws {
    #expect(try decodeTrial(#"{"router": {"jitter": 0}}"#).router.expertCount == 4)
  }

  /// Only `DefaultConstructible` types are filled: a dictionary or `JSONValue` is taken as
  /// written, and a section whose default is `nil` gets its own type's defaults.
  @Test func onlyTypesWithDefaultsAreFilled() throws {
    struct Extras: Codable, DefaultConstructible {
      var weights: [String: Double] = ["a": 1]
      var raw: JSONValue = ["k": 1]
      var router: RouterConfig?
    }
    let extras = try ConfigDecoder.decode(
      Extras.self,
      from: Data(#"{"weights": {"b": 2}, "raw": {"j": 2}, "router": {"jitter": 0}}"#.utf8))
    #expect(extras.weights == ["b": 2])
    #expect(extras.raw == ["j": 2])
    #expect(extras.router == RouterConfig(jitter: 0))
  }

  @Test func optionalsTakeNullOrAValue() throws {
    #expect(try decodeTrial(#"{"resumeFrom": "ckpt.bin"}"#).resumeFrom == "ckpt.bin")
    #expect(try decodeTrial(#"{"resumeFrom": null}"#).resumeFrom == nil)
  }

  @Test func integralNumbersAreIntegers() throws {
    #expect(try decodeTrial(#"{"seed": 8.0}"#).seed == 8)
    #expect(try decodeTrial(#"{"seed": 1e3}"#).seed == 1000)
  }

  @Test(arguments: [
    // top level, one edit away
    Refusal(#"{"sed": 1}"#, #"trial.json: sed: unknown key "sed" (did you mean "seed"?)"#),
    // nested, a deleted letter
    Refusal(
      #"{"router": {"expertsPerTokn": 1}}"#,
      #"trial.json: router.expertsPerTokn: unknown key "expertsPerTokn" (did you mean "expertsPerToken"?)"#
    ),
    // inside an array element, two letters swapped
    Refusal(
      #"{"experts": [{}, {"widht": 3}]}"#,
      #"trial.json: experts[1].widht: unknown key "widht" (did you mean "width"?)"#),
    // case is ignored when looking for the nearest key
    Refusal(
      #"{"learningrate": 0.1}"#,
      #"trial.json: learningrate: unknown key "learningrate" (did you mean "learningRate"?)"#),
    // an optional whose default is nil is still a known key
    Refusal(
      #"{"resumeFrm": "x"}"#,
      #"trial.json: resumeFrm: unknown key "resumeFrm" (did you mean "resumeFrom"?)"#),
    // nothing close: list what is there
    Refusal(
      #"{"router": {"capacity": 2}}"#,
      #"trial.json: router.capacity: unknown key "capacity" (known keys are "expertCount", "expertsPerToken", "jitter", "useZLoss")"#
    ),
  ])
  func unknownKeysAreNamedWithTheNearestKnownKey(_ refusal: Refusal) {
    #expect(errorText(TrialConfig.self, refusal.json) == refusal.message)
  }

  /// Two unknown keys in one object: the alphabetically first is reported.
  @Test func theFirstUnknownKeyIsReported() {
    #expect(
      errorText(TrialConfig.self, #"{"zz": 1, "sed": 1}"#)
        == #"trial.json: sed: unknown key "sed" (did you mean "seed"?)"#)
  }

  /// A type without defaults requires every key; a misspelt key is reported rather than the
  /// key it was meant to be.
  @Test(arguments: [
    Refusal(#"{"axes": [{"key": "seed"}]}"#, "trial.json: axes[0].values: required key is missing"),
    Refusal(
      #"{"axes": [{"key": "seed", "valus": [1]}]}"#,
      #"trial.json: axes[0].valus: unknown key "valus" (did you mean "values"?)"#),
  ])
  func keysOfTypesWithoutDefaultsAreRequired(_ refusal: Refusal) {
    #expect(errorText(SweepSpec.self, refusal.json) == refusal.message)
  }

  /// `JSONValue` members take any JSON, unchecked.
  @Test func jsonValueMembersTakeAnything() throws {
    let spec = try ConfigDecoder.decode(
      SweepSpec.self,
      from: Data(
        #"{"base": {"anything": [1, "two"]}, "axes": [{"key": "seed", "values": [1, 2.5]}]}"#.utf8))
    #expect(spec.base == ["anything": [1, "two"]])
    #expect(spec.axes == [Axis(key: "seed", values: [1, 2.5])])
  }
}

/// `validate()` runs on every section once it is decoded, its errors at the section's path.
@Suite struct ValidationTests {
  @Test(arguments: [
    Refusal(#"{"learningRate": -1}"#, "trial.json: learningRate: must be positive, got -1.0"),
    Refusal(
      #"{"router": {"expertsPerToken": 9}}"#,
      "trial.json: router.expertsPerToken: must be in 1...4, got 9"),
    Refusal(
      #"{"experts": [{}, {"width": 0}]}"#, "trial.json: experts[1].width: must be positive, got 0"),
  ])
  func validationErrorsArePrefixedByTheSectionPath(_ refusal: Refusal) {
    #expect(errorText(TrialConfig.self, refusal.json) == refusal.message)
  }

  @Test func theErrorKeepsItsParts() {
    #expect(
      throws: ConfigError(
        keyPath: "router.expertsPerToken", "must be in 1...4, got 9", file: "trial.json")
    ) {
      try decodeTrial(#"{"router": {"expertsPerToken": 9}}"#)
    }
  }

  @Test func anUnreadableFileIsNamed() {
    #expect {
      try ConfigDecoder.decode(TrialConfig.self, contentsOfFile: "/nonexistent/trial.json")
    } throws: { error in
      (error as? ConfigError)?.file == "/nonexistent/trial.json"
        && (error as? ConfigError)?.message.hasPrefix("cannot read the file: ") == true
    }
  }

  @Test func aFileOnDiskIsRead() throws {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("moeconfig-\(UUID().uuidString).json").path
    try Data(#"{"seed": 3}"#.utf8).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(try ConfigDecoder.decode(TrialConfig.self, contentsOfFile: path).seed == 3)
  }
}
