import Foundation
import MoEConfig
import Testing

/// Malformed JSON names the file, the line and column, and what was expected there.
@Suite struct ParsingTests {
  @Test(arguments: [
    // a missing comma is found at the next key
    Refusal(
      "{\n  \"seed\": 1\n  \"name\": \"x\"\n}",
      #"trial.json: malformed JSON at line 3, column 3: expected ',' or '}' after the value of "seed", found '"'"#
    ),
    Refusal(
      #"{"seed": 1,}"#, "trial.json: malformed JSON at line 1, column 12: trailing comma before '}'"
    ),
    Refusal(
      #"{"tags": ["a",]}"#,
      "trial.json: malformed JSON at line 1, column 15: trailing comma before ']'"),
    Refusal(
      #"{"tags": ["a" "b"]}"#,
      "trial.json: malformed JSON at line 1, column 15: expected ',' or ']' after an array element, found '\"'"
    ),
    Refusal(
      "{\n  // the seed\n}",
      "trial.json: malformed JSON at line 2, column 3: comments are not allowed in JSON"),
    Refusal(
      "",
      "trial.json: malformed JSON at line 1, column 1: expected a value, found the end of the file"),
    Refusal(
      #"{"seed": 1"#,
      #"trial.json: malformed JSON at line 1, column 11: expected ',' or '}' after the value of "seed", found the end of the file"#
    ),
    Refusal(
      "{'seed': 1}",
      "trial.json: malformed JSON at line 1, column 2: expected a key in double quotes, found '''"),
    Refusal(
      #"{"name": 'tiny'}"#,
      "trial.json: malformed JSON at line 1, column 10: strings must be in double quotes"),
    Refusal(
      #"{seed: 1}"#,
      "trial.json: malformed JSON at line 1, column 2: expected a key in double quotes, found 's'"),
    Refusal(
      #"{"seed" 1}"#,
      #"trial.json: malformed JSON at line 1, column 9: expected ':' after the key "seed", found '1'"#
    ),
    Refusal(
      #"{"seed": 007}"#,
      "trial.json: malformed JSON at line 1, column 11: numbers cannot have leading zeros"),
    Refusal(
      #"{"seed": 1.}"#,
      "trial.json: malformed JSON at line 1, column 12: expected a digit after the decimal point, found '}'"
    ),
    Refusal(
      #"{"seed": NaN}"#,
      "trial.json: malformed JSON at line 1, column 10: expected a value, found 'N'"),
    Refusal(
      #"{"seed": 1e999}"#,
      "trial.json: malformed JSON at line 1, column 10: the number 1e999 is beyond the range of a 64-bit float"
    ),
    Refusal(
      "{\"name\": \"tiny}\n",
      "trial.json: malformed JSON at line 1, column 16: line break inside a string (is a closing quote missing?)"
    ),
    Refusal(
      #"{"name": "tiny}"#, "trial.json: malformed JSON at line 1, column 10: unterminated string"),
    Refusal(
      #"{"name": "a\qb"}"#,
      "trial.json: malformed JSON at line 1, column 12: invalid escape sequence in a string"),
    Refusal(
      #"{"name": "\ud800"}"#, "trial.json: malformed JSON at line 1, column 17: lone \\u surrogate"),
    Refusal(
      "{} {}",
      "trial.json: malformed JSON at line 1, column 4: unexpected '{' after the end of the JSON value"
    ),
    // columns count characters, not bytes; a pasted no-break space is shown by code point
    Refusal(
      "{\"name\": \"é\",\u{A0}}",
      "trial.json: malformed JSON at line 1, column 14: expected a key in double quotes, found U+00A0"
    ),
    // a repeated key is refused at its path
    Refusal(
      #"{"router": {"jitter": 0, "jitter": 1}}"#,
      "trial.json: router.jitter: duplicate key at line 1, column 26"),
  ])
  func malformedJSONIsLocated(_ refusal: Refusal) {
    #expect(errorText(TrialConfig.self, refusal.json) == refusal.message)
  }

  @Test func invalidUTF8IsLocated() {
    let bytes = Data(#"{"name": "a"#.utf8) + Data([0xFF]) + Data(#""}"#.utf8)
    #expect {
      try ConfigDecoder.decode(TrialConfig.self, from: bytes, file: "trial.json")
    } throws: { error in
      (error as? ConfigError)?.description
        == "trial.json: malformed JSON at line 1, column 12: the file is not valid UTF-8"
    }
  }

  @Test func aByteOrderMarkIsSkipped() throws {
    let bytes = Data([0xEF, 0xBB, 0xBF]) + Data(#"{"seed": 5}"#.utf8)
    #expect(try ConfigDecoder.decode(TrialConfig.self, from: bytes).seed == 5)
  }

  @Test func valuesParseToTheirKinds() throws {
    let value = try JSONValue(
      parsing:
        #" {"i": -12, "d": 2.5, "e": 1E2, "s": "a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "b": [true, false, null], "big": 9223372036854775808} "#
    )
    #expect(
      value == [
        "i": -12, "d": 2.5, "e": 100.0, "s": "a\"\\/\u{08}\u{0C}\n\r\té😀", "b": [true, false, nil],
        "big": .number(9_223_372_036_854_775_808),
      ])
  }

  @Test func deepNestingIsRefusedNotOverflowed() {
    let text = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
    #expect(
      throws: ConfigError(
        keyPath: "", "malformed JSON at line 1, column 513: nested more than 512 levels deep")
    ) {
      try JSONValue(parsing: text)
    }
  }
}
