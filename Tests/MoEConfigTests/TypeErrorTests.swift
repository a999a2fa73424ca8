import Foundation
import MoEConfig
import Testing

/// A value of the wrong JSON type is named at its path with the type expected and the one found.
@Suite struct TypeErrorTests {
  @Test(arguments: [
    // a quoted number: the fix is mechanical
    Refusal(
      #"{"seed": "8"}"#,
      #"trial.json: seed: expected an integer, found a string "8" (write 8 without quotes)"#),
    Refusal(
      #"{"learningRate": "0.1"}"#,
      #"trial.json: learningRate: expected a number, found a string "0.1" (write 0.1 without quotes)"#
    ),
    // not a number at all
    Refusal(
      #"{"router": {"expertCount": "sixteen"}}"#,
      #"trial.json: router.expertCount: expected an integer, found a string "sixteen""#),
    // integers must be integral and in range
    Refusal(#"{"seed": 8.5}"#, "trial.json: seed: expected an integer, found a number 8.5"),
    Refusal(
      #"{"seed": 1e30}"#,
      "trial.json: seed: expected an integer in -9223372036854775808...9223372036854775807, found a number 1e+30"
    ),
    // booleans are not numbers, numbers are not booleans
    Refusal(
      #"{"router": {"useZLoss": 1}}"#,
      "trial.json: router.useZLoss: expected a boolean, found a number 1 (use true or false)"),
    Refusal(
      #"{"router": {"useZLoss": "true"}}"#,
      #"trial.json: router.useZLoss: expected a boolean, found a string "true" (write true without quotes)"#
    ),
    Refusal(
      #"{"learningRate": true}"#,
      "trial.json: learningRate: expected a number, found a boolean true"),
    // strings
    Refusal(
      #"{"name": 42}"#,
      #"trial.json: name: expected a string, found a number 42 (write "42" in quotes)"#),
    // containers
    Refusal(
      #"{"experts": {"width": 3}}"#, "trial.json: experts: expected an array, found an object"),
    Refusal(
      #"{"tags": "moe"}"#,
      #"trial.json: tags: expected an array, found a string "moe" (write ["moe"] for a one-element array)"#
    ),
    Refusal(#"{"router": null}"#, "trial.json: router: expected an object, found null"),
    Refusal(#"[]"#, "trial.json: expected an object, found an array"),
    // null for a non-optional, inside an array
    Refusal(
      #"{"experts": [{"width": null}]}"#,
      "trial.json: experts[0].width: expected an integer, found null"
    ),
    // long strings are shortened
    Refusal(
      #"{"seed": "0123456789012345678901234567890123456789extra"}"#,
      #"trial.json: seed: expected an integer, found a string "0123456789012345678901234567890123456789…""#
    ),
  ])
  func wrongTypesNameThePathAndBothTypes(_ refusal: Refusal) {
    #expect(errorText(TrialConfig.self, refusal.json) == refusal.message)
  }

  @Test(arguments: [
    // two letters swapped: suggest, and list all
    Refusal(
      #"{"experts": [{"activation": "rleu"}]}"#,
      #"trial.json: experts[0].activation: unknown value "rleu" (did you mean "relu"? allowed values are "gelu", "relu", "swish")"#
    ),
    // case differs
    Refusal(
      #"{"experts": [{"activation": "GELU"}]}"#,
      #"trial.json: experts[0].activation: unknown value "GELU" (did you mean "gelu"? allowed values are "gelu", "relu", "swish")"#
    ),
    // nothing close
    Refusal(
      #"{"experts": [{"activation": "tanh"}]}"#,
      #"trial.json: experts[0].activation: unknown value "tanh" (allowed values are "gelu", "relu", "swish")"#
    ),
    // not a string
    Refusal(
      #"{"experts": [{"activation": 2}]}"#,
      #"trial.json: experts[0].activation: expected a string, found a number 2 (allowed values are "gelu", "relu", "swish")"#
    ),
  ])
  func badChoicesListTheAllowedValues(_ refusal: Refusal) {
    #expect(errorText(TrialConfig.self, refusal.json) == refusal.message)
  }

  /// Narrow integer and `Float` fields refuse what they cannot hold.
  @Test func narrowNumericTypesCheckTheirRange() {
    struct Narrow: Codable, DefaultConstructible {
      var byte: UInt8 = 0
      var single: Float = 0
    }
    #expect(
      errorText(Narrow.self, #"{"byte": 300}"#)
        == "trial.json: byte: expected an integer in 0...255, found a number 300")
    #expect(
      errorText(Narrow.self, #"{"byte": -1}"#)
        == "trial.json: byte: expected an integer in 0...255, found a number -1")
    #expect(
      errorText(Narrow.self, #"{"single": 1e300}"#)
        == "trial.json: single: expected a number of magnitude at most 3.4028235e+38, found a number 1e+300"
    )
  }
}
