import MoEConfig
import Testing

/// `--set key.path=value` goes through the same checks as a file.
@Suite struct OverrideTests {
  @Test func overridesSetValuesOfEveryKind() throws {
    let config = try applying(
      overrides: [
        "router.expertCount=16", "learningRate=3e-4", "router.useZLoss=false",
        "experts[1].activation=relu", "tags=[\"a\", \"b\"]", "resumeFrom=ckpt.bin",
        "name=001", "seed=2", "seed=3",
      ],
      to: TrialConfig())
    var expected = TrialConfig()
    expected.router.expertCount = 16
    expected.learningRate = 3e-4
    expected.router.useZLoss = false
    expected.experts[1].activation = .relu
    expected.tags = ["a", "b"]
    expected.resumeFrom = "ckpt.bin"
    expected.name = "001"
    expected.seed = 3
    #expect(config == expected)
  }

  /// Text that is valid JSON of another kind is still the string a string field asks for.
  @Test func aStringFieldTakesTheTextAsIs() throws {
    #expect(try applying(overrides: ["name=true"], to: TrialConfig()).name == "true")
    #expect(try applying(overrides: ["name=12"], to: TrialConfig()).name == "12")
  }

  /// An object is laid over the current one; only the keys it names change.
  @Test func anObjectValueIsMergedIntoTheCurrentOne() throws {
    var base = TrialConfig()
    base.router.expertCount = 16
    let config = try applying(overrides: [#"router={"jitter": 0}"#], to: base)
    #expect(config.router.expertCount == 16 && config.router.jitter == 0)
  }

  /// `validate()` runs after the last override, so their order does not matter.
  @Test func validationSeesAllOverrides() throws {
    let config = try applying(
      overrides: ["router.expertsPerToken=8", "router.expertCount=16"], to: TrialConfig())
    #expect(config.router.expertsPerToken == 8)
  }

  @Test(arguments: [
    Refusal(
      "router.expertsPerTokn=3",
      #"router.expertsPerTokn: unknown key "expertsPerTokn" (did you mean "expertsPerToken"?)"#),
    Refusal(
      "optimizer.kind=adamw",
      #"optimizer: unknown key "optimizer" (known keys are "experts", "learningRate", "name", "resumeFrom", "router", "seed", "tags")"#
    ),
    Refusal(
      "router.expertCount=sixteen",
      #"router.expertCount: expected an integer, found a string "sixteen""#),
    Refusal(
      "router.expertCount=2.5", "router.expertCount: expected an integer, found a number 2.5"),
    Refusal(
      "experts[0].activation=rleu",
      #"experts[0].activation: unknown value "rleu" (did you mean "relu"? allowed values are "gelu", "relu", "swish")"#
    ),
    Refusal("experts[5].width=3", "experts[5]: index 5 is out of range: the array has 2 elements"),
    Refusal("seed.value=3", "seed: expected an object, found a number 0"),
    Refusal(
      #"router={"capacity": 2}"#,
      #"router.capacity: unknown key "capacity" (known keys are "expertCount", "expertsPerToken", "jitter", "useZLoss")"#
    ),
    Refusal("router.expertsPerToken=9", "router.expertsPerToken: must be in 1...4, got 9"),
    Refusal(
      "seed",
      #"override "seed" is not of the form key.path=value (for example model.expertCount=16)"#),
    Refusal(
      "=3", #"override "=3" is not of the form key.path=value (for example model.expertCount=16)"#),
    Refusal("router..jitter=0", "router..jitter: malformed key path: empty key"),
  ])
  func badOverridesAreRefusedLikeBadFiles(_ refusal: Refusal) {
    #expect {
      _ = try applying(overrides: [refusal.json], to: TrialConfig())
    } throws: { error in
      (error as? ConfigError)?.description == refusal.message
    }
  }
}
