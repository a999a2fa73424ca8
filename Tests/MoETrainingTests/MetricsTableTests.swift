import Foundation
import MoEModel
import Testing

@testable import MoETraining

/// `metrics.csv` and `result.json`'s `lastFiniteMetrics`: typed rows against the file format,
/// whose headers and keys are written out here by hand as the format's reference.
@Suite("Metrics table")
struct MetricsTableTests {
  /// Layer 0 dense, layer 1 MoE (the default `moeOffset` 1, `moeEvery` 2).
  static let layout = MetricsLayout(model: smallRunConfig().model)

  static let header = [
    "step", "learningRate", "loss", "crossEntropy", "balanceLoss", "routerZLoss", "attentionZLoss",
    "outputZLoss", "gradientNorm", "updateRMS", "clippedFraction", "layer0_maxAttentionLogit",
    "layer1_maxAttentionLogit", "layer1_balanceLoss", "layer1_routerZLoss", "layer1_maxRouterLogit",
    "layer1_routerEntropy", "layer1_droppedFraction", "layer1_loadMaxOverMean",
    "layer1_roundoffFlipFraction", "layer1_secondExpertFraction",
  ]

  /// A row whose values tell the columns apart: global value i is i + 0.5, layer values 10·l +
  /// i + 0.25; no update.
  static var row: MetricsRow {
    var routing = RoutingStatistics.zero
    (routing.balanceLoss, routing.routerZLoss, routing.maxRouterLogit) = (11.25, 12.25, 13.25)
    (routing.routerEntropy, routing.droppedFraction, routing.loadMaxOverMean) = (
      14.25, 15.25, 16.25
    )
    (routing.roundoffFlipFraction, routing.secondExpertFraction) = (17.25, 18.25)
    var row = MetricsRow()
    row.step = 7
    (row.learningRate, row.loss, row.crossEntropy, row.balanceLoss) = (1.5, 2.5, 3.5, 4.5)
    (row.routerZLoss, row.attentionZLoss, row.outputZLoss, row.gradientNorm) = (5.5, 6.5, 7.5, 8.5)
    row.layers = [
      LayerMetrics(maxAttentionLogit: 0.25),
      LayerMetrics(maxAttentionLogit: 10.25, routing: routing),
    ]
    return row
  }

  @Test func headerListsGlobalThenPerLayerThenPerMoELayerColumns() {
    #expect(Self.layout.isMoELayer == [false, true])
    #expect(MetricsTable(model: smallRunConfig().model).columns == Self.header)
    #expect(MetricsLayout(columnNames: Set(Self.header)) == Self.layout)
  }

  @Test func csvWritesEachValueUnderItsColumn() throws {
    var table = MetricsTable(layout: Self.layout)
    table.append(Self.row)
    var nonfinite = Self.row
    (nonfinite.step, nonfinite.loss, nonfinite.gradientNorm, nonfinite.updateRMS) = (
      8, .nan, .infinity, 0.125
    )
    nonfinite.layers[1].routing?.maxRouterLogit = -.infinity
    table.append(nonfinite)
    let expected = """
      \(Self.header.joined(separator: ","))
      7,1.5,2.5,3.5,4.5,5.5,6.5,7.5,8.5,,,0.25,10.25,11.25,12.25,13.25,14.25,15.25,16.25,17.25,18.25
      8,1.5,nan,3.5,4.5,5.5,6.5,7.5,inf,0.125,,0.25,10.25,11.25,12.25,-inf,14.25,15.25,16.25,17.25,18.25

      """
    #expect(table.csv == expected)
    let read = try MetricsTable(csv: expected)
    #expect(read.layout == Self.layout)
    #expect(read.rows.first == Self.row)
    #expect(read.csv == expected)
    #expect(!read.rows[1].isFinite && Self.row.isFinite)
  }

  /// A file written before a column existed still reads (the value is NaN), and columns of no
  /// known kind are ignored.
  @Test func csvFromAnotherVersionReads() throws {
    let header = Self.header.filter { $0 != "layer1_loadMaxOverMean" } + ["layer1_futureMetric"]
    let values =
      "7,1.5,2.5,3.5,4.5,5.5,6.5,7.5,8.5,,,0.25,10.25,11.25,12.25,13.25,14.25,15.25,17.25,18.25,99"
    let table = try MetricsTable(csv: header.joined(separator: ",") + "\n" + values + "\n")
    let routing = try #require(table.rows.first?.routing(layer: 1))
    #expect(routing.loadMaxOverMean.isNaN)
    #expect(routing.droppedFraction == 15.25)
    #expect(table.rows.first?.routing(layer: 0) == nil)
  }

  @Test func unreadableCSVNamesTheLine() {
    let header = Self.header.joined(separator: ",")
    let good =
      "7,1.5,2.5,3.5,4.5,5.5,6.5,7.5,8.5,,,0.25,10.25,11.25,12.25,13.25,14.25,15.25,16.25,17.25,18.25"
    let cases: [(String, MetricsTable.ReadError)] = [
      ("", .init(line: 1, message: "no header row")),
      (header + "\n" + good + "\n1,2\n", .init(line: 3, message: "2 cells for 21 columns")),
      (
        header + "\n" + good.replacingOccurrences(of: "2.5", with: "x"),
        .init(line: 2, message: "loss is \"x\"")
      ),
      (header + "\n7.5" + good.dropFirst(), .init(line: 2, message: "step is 7.5, not an integer")),
    ]
    for (text, expected) in cases {
      #expect(throws: expected) { try MetricsTable(csv: text) }
    }
  }

  /// In JSON a row is one flat object keyed like the CSV header, holding only the values it
  /// has: the bytes a `[String: Double]` of those entries encodes to.
  @Test func jsonIsTheFlatObjectOfTheColumns() throws {
    let flat: [String: Double] = [
      "step": 7, "learningRate": 1.5, "loss": 2.5, "crossEntropy": 3.5, "balanceLoss": 4.5,
      "routerZLoss": 5.5, "attentionZLoss": 6.5, "outputZLoss": 7.5, "gradientNorm": 8.5,
      "layer0_maxAttentionLogit": 0.25, "layer1_maxAttentionLogit": 10.25,
      "layer1_balanceLoss": 11.25, "layer1_routerZLoss": 12.25, "layer1_maxRouterLogit": 13.25,
      "layer1_routerEntropy": 14.25, "layer1_droppedFraction": 15.25,
      "layer1_loadMaxOverMean": 16.25, "layer1_roundoffFlipFraction": 17.25,
      "layer1_secondExpertFraction": 18.25,
    ]
    let encoder = RunDirectory.encoder
    #expect(try encoder.encode(Self.row) == encoder.encode(flat))
    let data = try encoder.encode(flat)
    #expect(try RunDirectory.decoder.decode(MetricsRow.self, from: data) == Self.row)
  }

  @Test func aRowOfAnotherLayoutIsNotAppended() async {
    await #expect(processExitsWith: .failure) {
      var table = MetricsTable(layout: MetricsLayout(model: smallRunConfig().model))
      var row = MetricsTableTests.row
      row.layers[0].routing = .zero
      table.append(row)
    }
  }
}
