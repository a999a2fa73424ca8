import Foundation
import MoEConfig
import Testing

/// Overrides applied to a config file as written (before decoding) give exactly what applying
/// them to the decoded file gives, so a file and its `--set` overrides are decoded once.
@Suite struct PartialTreeOverrideTests {
  /// Decodes `file` with `overrides` written into its tree first.
  func overriddenBeforeDecoding(_ file: String, _ overrides: [String]) throws -> TrialConfig {
    let tree = try JSONValue(parsing: Data(file.utf8))
    let defaults = try JSONValue(encoding: TrialConfig())
    let written = try applying(overrides: overrides, to: tree, checkedAgainst: defaults)
    return try ConfigDecoder.decode(TrialConfig.self, from: written)
  }

  /// Each row: a file, overrides that touch keys it writes, keys it leaves out and whole
  /// sections, and one that replaces a value of another kind.
  @Test(arguments: [
    (#"{}"#, ["router.expertCount=16", "name=001"]),
    (#"{"router": {"jitter": 0.5}}"#, ["router.expertCount=16"]),
    (#"{"router": {"jitter": 0.5}}"#, [#"router={"useZLoss": false}"#]),
    (#"{"name": "x", "experts": [{"width": 8}]}"#, ["experts[0].activation=relu", "name=true"]),
    (#"{"tags": ["a"]}"#, ["tags=[\"b\", \"c\"]", "resumeFrom=ckpt.bin"]),
  ])
  func agreesWithOverridingTheDecodedFile(file: String, overrides: [String]) throws {
    let decoded = try ConfigDecoder.decode(TrialConfig.self, from: Data(file.utf8))
    let expected = try applying(overrides: overrides, to: decoded)
    #expect(try overriddenBeforeDecoding(file, overrides) == expected)
  }

  /// Key paths are checked against the defaults, with the same suggestion as after decoding.
  @Test func anUnknownKeyPathIsRefusedWithTheNearestKey() throws {
    #expect(throws: ConfigError.self) {
      try overriddenBeforeDecoding("{}", ["router.expertCont=3"])
    }
    let defaults = try JSONValue(encoding: TrialConfig())
    do {
      _ = try applying(overrides: ["router.expertCont=3"], to: [:], checkedAgainst: defaults)
      Issue.record("an unknown key path must be refused")
    } catch {
      #expect(error.description.contains(#"did you mean "expertCount"?"#), "\(error)")
    }
  }
}
