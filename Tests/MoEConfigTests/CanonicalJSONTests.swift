import Foundation
import Testing

@testable import MoEConfig

/// One text per value: sorted keys, no whitespace, numbers that read back exactly.
@Suite struct CanonicalJSONTests {
  /// A config built in code and one decoded from a file with its keys in another order.
  @Test func structurallyEqualValuesGiveIdenticalText() throws {
    var built = TrialConfig()
    built.tags = ["b", "a"]
    built.router.jitter = 0.1
    let decoded = try decodeTrial(
      #"{"router": {"useZLoss": true, "jitter": 0.1}, "tags": ["b", "a"], "name": "tiny"}"#)
    #expect(canonicalJSON(built) == canonicalJSON(decoded))
    #expect(configHash(built) == configHash(decoded))
    #expect(configHash(built) != configHash(TrialConfig()))
  }

  @Test func keysAreSortedWhateverTheirOrder() throws {
    let parsed = try JSONValue(parsing: #"{ "b" : 1, "a" : 2 }"#)
    let built: JSONValue = ["a": 2, "b": 1]
    #expect(parsed.canonicalText == #"{"a":2,"b":1}"#)
    #expect(built.canonicalText == #"{"a":2,"b":1}"#)
  }

  @Test func aWholeConfigHasOneExactText() {
    #expect(
      canonicalJSON(TrialConfig())
        == #"{"experts":[{"activation":"gelu","dropout":0.0,"width":64},{"activation":"gelu","dropout":0.0,"width":64}],"learningRate":0.001,"name":"tiny","resumeFrom":null,"router":{"expertCount":4,"expertsPerToken":2,"jitter":0.01,"useZLoss":true},"seed":0,"tags":[]}"#
    )
  }

  @Test(arguments: [
    (0.1, "0.1"), (1e-30, "1e-30"), (1e300, "1e+300"), (3.0, "3.0"), (-0.0, "-0.0"),
    (1.0 / 3.0, "0.3333333333333333"), (.leastNonzeroMagnitude, "5e-324"),
    (Double.greatestFiniteMagnitude, "1.7976931348623157e+308"), (123456789.0, "123456789.0"),
  ])
  func doublesAreShortestTextThatReadsBackExactly(_ number: Double, _ text: String) throws {
    #expect(canonicalJSON(number) == text)
    let back = try ConfigDecoder.decode(Double.self, from: Data(text.utf8))
    #expect(back.bitPattern == number.bitPattern)
  }

  @Test func integersAreWrittenAsIntegers() throws {
    #expect(canonicalJSON([Int.min, 0, Int.max]) == "[-9223372036854775808,0,9223372036854775807]")
    #expect(try ConfigDecoder.decode(Int.self, from: Data("9223372036854775807".utf8)) == .max)
  }

  @Test func floatsUseTheirOwnShortestText() throws {
    #expect(canonicalJSON(Float(0.1)) == "0.1")
    #expect(try ConfigDecoder.decode(Float.self, from: Data("0.1".utf8)) == Float(0.1))
  }

  @Test func nonFiniteNumbersBecomeStrings() {
    #expect(canonicalJSON([Double.nan, .infinity, -.infinity]) == #"["nan","inf","-inf"]"#)
  }

  @Test func stringsAreEscapedMinimally() {
    #expect(canonicalJSON("a\"b\\c\n\t\u{1}é/") == #""a\"b\\c\n\t\u0001é/""#)
  }

  @Test func prettyTextIsSortedAndIndentedByTwo() {
    let value: JSONValue = ["b": [1, ["c": nil]], "a": [:], "d": []]
    #expect(
      prettyJSON(value) == """
        {
          "a": {},
          "b": [
            1,
            {
              "c": null
            }
          ],
          "d": []
        }

        """)
  }

  /// FNV-1a 64 reference values, computed in Python independently of this code.
  ///
  /// ```python
  /// def fnv(s):
  ///     h = 0xcbf29ce484222325
  ///     for b in s.encode(): h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
  ///     return f"{h:016x}"
  /// ```
  /// The first three are also the published FNV-1a 64 test vectors.
  @Test(arguments: [
    ("", "cbf29ce484222325"), ("a", "af63dc4c8601ec8c"), ("foobar", "85944171f73967e8"),
    (#"{"a":2,"b":1}"#, "f85f5878cbf2dc03"),
  ])
  func fnv1aMatchesAnIndependentImplementation(_ text: String, _ hash: String) {
    #expect(fnv1a64Hex(text) == hash)
  }

  /// The hash of a config is pinned, so it is the same in every run and on every machine.
  @Test func configHashIsStable() {
    struct Small: Encodable {
      var seed = 0
      var name = "tiny"
      var learningRate = 0.001
    }
    #expect(canonicalJSON(Small()) == #"{"learningRate":0.001,"name":"tiny","seed":0}"#)
    #expect(configHash(Small()) == "ab4c3d408096978e")
  }
}

/// The nearest-key rule behind every suggestion.
@Suite struct SuggestionTests {
  @Test(arguments: [
    ("tokn", "token", 1),  // deletion
    ("tokne", "token", 1),  // adjacent transposition
    ("kitten", "sitting", 3),
    ("", "abc", 3),
    ("same", "same", 0),
  ])
  func editDistanceCountsInsertionsDeletionsSubstitutionsAndSwaps(
    _ a: String, _ b: String, _ d: Int
  ) {
    #expect(editDistance(a, b) == d)
    #expect(editDistance(b, a) == d)
  }

  @Test func onlyCloseCandidatesAreSuggested() {
    #expect(nearestMatch(to: "lr", in: ["learningRate"]) == nil)
    #expect(nearestMatch(to: "x", in: ["y"]) == nil)  // a one-letter key is not "near" another
    #expect(
      nearestMatch(to: "expertCont", in: ["expertCount", "expertsPerToken"]) == "expertCount")
    #expect(nearestMatch(to: "SEED", in: ["name", "seed"]) == "seed")
  }
}
