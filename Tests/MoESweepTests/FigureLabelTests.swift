import Foundation
import MoESweep
import Testing

/// Short point labels keep exactly what tells a sweep's points apart.
@Suite("Figure labels")
struct FigureLabelTests {
  struct LabelCase: Sendable, CustomTestStringConvertible {
    var testDescription: String
    var sections: String
    var expected: [String]
  }

  static let base = """
    "base": {"steps": 10, "model": {"vocabSize": 16, "sequenceLength": 8, "batchSize": 4,
      "channels": 16, "headCount": 2, "layerCount": 2, "ffnHidden": 16, "expertCount": 4}}
    """

  static let learningRates = #"{"key": "schedule.learningRate", "values": [0.1, 0.2]}"#

  @Test(arguments: [
    // The only variant says nothing about the points: dropped.
    LabelCase(
      testDescription: "one variant, one axis",
      sections: #""variants": [{"label": "Only"}], "axes": [\#(learningRates)]"#,
      expected: ["learningRate=0.1", "learningRate=0.2"]),
    // An axis of one value is the same everywhere: dropped.
    LabelCase(
      testDescription: "single-valued axis",
      sections: #""axes": [{"key": "model.expertCount", "values": [4]}, \#(learningRates)]"#,
      expected: ["learningRate=0.1", "learningRate=0.2"]),
    // A zip moves its keys together: the first names the pair.
    LabelCase(
      testDescription: "zip",
      sections: """
        "axes": [{"zip": [\(learningRates), {"key": "schedule.warmupSteps", "values": [5, 9]}]}]
        """,
      expected: ["learningRate=0.1", "learningRate=0.2"]),
    // Two variants and an axis: everything stays.
    LabelCase(
      testDescription: "variants and an axis",
      sections: """
        "variants": [{"label": "A"}, {"label": "B", "set": {"model.expertCount": 8}}],
        "axes": [{"key": "model.routerZLossCoefficient", "values": [0, 0.01]}]
        """,
      expected: [
        "A, routerZLossCoefficient=0", "A, routerZLossCoefficient=0.01",
        "B, routerZLossCoefficient=0", "B, routerZLossCoefficient=0.01",
      ]),
    // A single point keeps its full label.
    LabelCase(
      testDescription: "single point", sections: #""variants": [{"label": "Only"}]"#,
      expected: ["Only"]),
  ])
  func shortLabelsKeepWhatVaries(_ labelCase: LabelCase) throws {
    let plan = try SweepFixtures.plan(
      "{\"name\": \"labels\", \(Self.base), \(labelCase.sections), \"seeds\": {\"count\": 1}}")
    #expect(plan.shortPointLabels == labelCase.expected)
  }

  static let coefficients = #"{"key": "model.routerZLossCoefficient", "values": [0, 0.001]}"#
  static let zLossVariants = #"""
    "variants": [{"label": "No z-loss", "set": {"model.routerZLossCoefficient": 0}},
                 {"label": "z-loss 1e-3"}]
    """#

  @Test(arguments: [
    // Variants set the coefficient: their labels, as in the z-loss study.
    LabelCase(
      testDescription: "variants", sections: zLossVariants,
      expected: ["No z-loss", "z-loss 1e-3"]),
    // Points that differ only in another axis share their variant's label.
    LabelCase(
      testDescription: "variants and another axis",
      sections: zLossVariants + #", "axes": [\#(learningRates)]"#,
      expected: ["No z-loss", "No z-loss", "z-loss 1e-3", "z-loss 1e-3"]),
    // An axis sets the coefficient: its values, named as in the point labels.
    LabelCase(
      testDescription: "axis", sections: #""axes": [\#(coefficients), \#(learningRates)]"#,
      expected: [
        "routerZLossCoefficient=0", "routerZLossCoefficient=0", "routerZLossCoefficient=0.001",
        "routerZLossCoefficient=0.001",
      ]),
    LabelCase(
      testDescription: "variants and the axis",
      sections: """
        "variants": [{"label": "A"}, {"label": "B", "set": {"model.expertCount": 8}}],
        "axes": [\(coefficients)]
        """,
      expected: [
        "A, routerZLossCoefficient=0", "A, routerZLossCoefficient=0.001",
        "B, routerZLossCoefficient=0", "B, routerZLossCoefficient=0.001",
      ]),
    // Nothing sets the coefficient apart: the short labels.
    LabelCase(
      testDescription: "another axis only", sections: #""axes": [\#(learningRates)]"#,
      expected: ["learningRate=0.1", "learningRate=0.2"]),
  ])
  func labelsKeepingAnAxisNameWhatSetsIt(_ labelCase: LabelCase) throws {
    let plan = try SweepFixtures.plan(
      "{\"name\": \"labels\", \(Self.base), \(labelCase.sections), \"seeds\": {\"count\": 1}}")
    #expect(plan.labels(keepingAxis: "model.routerZLossCoefficient") == labelCase.expected)
  }

  @Test func exampleSweepDropsTheZippedWarmUp() throws {
    let plan = try SweepPlan(
      contentsOfFile: SweepFixtures.repositoryRoot.appendingPathComponent("sweeps/example.json")
        .path)
    let labels = plan.shortPointLabels
    #expect(labels.count == 8 && Set(labels).count == 8)
    #expect(labels.first == "Baseline, routerZLossCoefficient=0, learningRate=0.003")
    #expect(labels.last == "ReLU experts, routerZLossCoefficient=0.001, learningRate=0.01")
    #expect(plan.points.first?.label.hasSuffix("warmupSteps=50") == true)
  }
}
