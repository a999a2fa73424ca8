import Foundation
import MoEConfig
import MoEModel
import MoESweep
import MoETestSupport
import MoETraining
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// `SweepFigures` on results directories written by hand (no training): which files appear,
/// what the loss figure marks, that no non-finite number reaches a file, and that equal
/// directories give equal bytes.
@Suite("Figures of a results directory")
struct FigureTests {
  /// Two router z-loss coefficients × 4 seeds.
  ///
  /// Point 0: crashed after logging step 10 (listed before any diverged run, yet "diverged"
  /// comes first in the legend), diverged (NaN loss at step 20), completed, completed.
  /// Point 1: completed, diverged (loss over the cap at step 10), completed, missing.
  static let zLossSweep = FigureFixture.sweep(
    axes: #"[{"key": "model.routerZLossCoefficient", "values": [0, 0.001]}]"#, seeds: 4)

  static func zLossOutcome(_ run: PlannedRun) -> FigureFixture.Outcome {
    switch (run.pointIndex, run.seed) {
    case (0, 0): .crashed(lastLoggedStep: 10)
    case (0, 1): .divergedNonfinite(step: 20)
    case (1, 1): .divergedOverCap(step: 10)
    case (1, 3): .missing
    default: .completed
    }
  }

  @Test func writesEveryFigureThatAppliesAsWellFormedSVG() throws {
    let fixture = try FigureFixture(sweep: Self.zLossSweep, outcome: Self.zLossOutcome)
    defer { fixture.remove() }
    let written = try SweepFigures.write(results: fixture.results)
    #expect(
      written.map(\.lastPathComponent) == [
        "loss.svg", "stability-quality.svg", "divergence-time.svg", "router-z-loss.svg",
        "max-router-logit.svg",
      ])
    for url in written {
      #expect(url.deletingLastPathComponent().lastPathComponent == "figures")
      let root = try #require(ParsedSVG(contentsOf: url), "\(url.lastPathComponent)")
      #expect(root.name == "svg")
    }
    // Nothing but the figures: no temporary files left behind.
    let files = try FileManager.default.contentsOfDirectory(
      atPath: SweepFigures.directory(of: fixture.results).path)
    #expect(files.sorted() == written.map(\.lastPathComponent).sorted())
  }

  /// One step line per point with finished runs, from 1 down by 1/3 at each divergence
  /// (point 0: 3 finished, 1 diverged; point 1: 3 finished, 1 diverged); no file when nothing
  /// diverged.
  @Test func divergenceTimeFigureHasAStepLinePerPointOnlyWhenARunDiverged() throws {
    let fixture = try FigureFixture(sweep: Self.zLossSweep, outcome: Self.zLossOutcome)
    defer { fixture.remove() }
    let svg = try #require(try fixture.figure("divergence-time.svg"))
    let labels = svg.elements(withClass: "legend-label").map(\.allText)
    #expect(labels == ["routerZLossCoefficient=0", "routerZLossCoefficient=0.001"])
    #expect(svg.elements(withClass: "series").count == 2)
    let calm = try FigureFixture(sweep: Self.zLossSweep, outcome: { _ in .completed })
    defer { calm.remove() }
    #expect(try calm.figure("divergence-time.svg") == nil)
  }

  @Test func lossFigureHasOneLegendEntryPerPointAndACrossPerDivergedRun() throws {
    let fixture = try FigureFixture(sweep: Self.zLossSweep, outcome: Self.zLossOutcome)
    defer { fixture.remove() }
    let svg = try #require(try fixture.figure("loss.svg"))
    let labels = svg.elements(withClass: "legend-label").map(\.allText)
    #expect(
      labels == [
        "routerZLossCoefficient=0", "routerZLossCoefficient=0.001", "diverged",
        "crashed (worker died)",
      ])
    // One line per run that logged anything: 4 + 3 (the missing run has none).
    #expect(svg.elements(withClass: "series").count == 7)
    let crosses = svg.elements(withClass: "marker").filter { $0.name == "path" }
    let squares = svg.elements(withClass: "marker").filter { $0.name == "rect" }
    #expect(crosses.count == 2)
    #expect(squares.count == 1)

    // Over the cap at step 10: the ✕ sits on the last point of the run's line. NaN at step
    // 20: at the height of the last finite loss (step 10), twice as far from step 0.
    let capLine = try #require(svg.vertices(ofSeriesFor: fixture.run(point: 1, seed: 1).id))
    let nanLine = try #require(svg.vertices(ofSeriesFor: fixture.run(point: 0, seed: 1).id))
    #expect(capLine.count == 2 && nanLine.count == 2)  // steps 0 and 10
    let centres = crosses.compactMap(\.crossCentre).sorted { $0.x < $1.x }
    try #require(centres.count == 2 && !capLine.isEmpty && !nanLine.isEmpty)
    let (capEnd, nanStart, nanEnd) = (capLine.last!, nanLine.first!, nanLine.last!)
    #expect(abs(centres[0].x - capEnd.x) < 0.02 && abs(centres[0].y - capEnd.y) < 0.02)
    #expect(abs(centres[1].x - (nanStart.x + 2 * (nanEnd.x - nanStart.x))) < 0.05)
    #expect(abs(centres[1].y - nanEnd.y) < 0.02)
  }

  @Test func noNonFiniteNumberReachesAnyFile() throws {
    let fixture = try FigureFixture(sweep: Self.zLossSweep, outcome: Self.zLossOutcome)
    defer { fixture.remove() }
    let nonFinite = try NSRegularExpression(
      pattern: #"\b(nan|inf|infinity)\b"#,
      options: [
        .caseInsensitive
      ])
    for probe in [#"d="M1 NaN"#, "x=\"-inf\"", "<text>nan</text>"] {
      #expect(
        nonFinite.firstMatch(in: probe, range: NSRange(probe.startIndex..., in: probe)) != nil)
    }
    for figure in try SweepFigures.figures(of: fixture.results) {
      let range = NSRange(figure.svg.startIndex..., in: figure.svg)
      let match = nonFinite.firstMatch(in: figure.svg, range: range)
      #expect(match == nil, "\(figure.fileName) holds a non-finite number")
    }
  }

  /// A sweep file's axes and variants, and whether they vary the router z-loss coefficient.
  struct CoefficientCase: Sendable, CustomTestStringConvertible {
    var testDescription: String
    var axes: String?
    var variants: String?
    var varies: Bool
  }

  @Test(arguments: [
    CoefficientCase(
      testDescription: "coefficient axis",
      axes: #"[{"key": "model.routerZLossCoefficient", "values": [0, 0.01]}]"#, varies: true),
    CoefficientCase(
      testDescription: "learning-rate axis only",
      axes: #"[{"key": "schedule.learningRate", "values": [0.001, 0.01]}]"#, varies: false),
    CoefficientCase(
      testDescription: "a variant sets the coefficient",
      variants: #"[{"label": "A"}, {"label": "B", "set": {"model.routerZLossCoefficient": 0}}]"#,
      varies: true),
    CoefficientCase(
      testDescription: "variants set another coefficient",
      variants: #"[{"label": "A"}, {"label": "B", "set": {"model.balanceLossCoefficient": 0}}]"#,
      varies: false),
  ])
  func zLossFigureIsDrawnOnlyWhenTheCoefficientVaries(_ sweepCase: CoefficientCase) throws {
    let fixture = try FigureFixture(
      sweep: FigureFixture.sweep(axes: sweepCase.axes, variants: sweepCase.variants, seeds: 2),
      outcome: { _ in .completed })
    defer { fixture.remove() }
    let names = try SweepFigures.figures(of: fixture.results).map(\.fileName)
    #expect(names.contains("router-z-loss.svg") == sweepCase.varies)
    #expect(names.contains("max-router-logit.svg"))
  }

  /// Variants that set the coefficient name the router figures' colours, not key paths; a
  /// learning-rate axis does not split them.
  @Test func routerFiguresNameTheirColoursWithTheSweepsLabels() throws {
    let variants = #"""
      [{"label": "No z-loss", "set": {"model.routerZLossCoefficient": 0}},
       {"label": "z-loss 1e-3"}]
      """#
    let fixture = try FigureFixture(
      sweep: FigureFixture.sweep(
        axes: #"[{"key": "schedule.learningRate", "values": [0.001, 0.01]}]"#,
        variants: variants, seeds: 2),
      outcome: { _ in .completed })
    defer { fixture.remove() }
    for name in ["router-z-loss.svg", "max-router-logit.svg"] {
      let svg = try #require(try fixture.figure(name))
      let labels = svg.elements(withClass: "legend-label").map(\.allText)
      #expect(labels == ["No z-loss", "z-loss 1e-3"], "\(name)")
    }
  }

  @Test func equalDirectoriesGiveIdenticalBytesAcrossProcesses() throws {
    let fixture = try FigureFixture(sweep: Self.zLossSweep, outcome: Self.zLossOutcome)
    defer { fixture.remove() }
    let inProcess = try SweepFigures.figures(of: fixture.results)
    #expect(try SweepFigures.figures(of: fixture.results).map(\.svg) == inProcess.map(\.svg))
    // Separate processes hash with different seeds: dictionary order cannot leak through.
    var renders: [[Data]] = []
    for _ in 0..<2 {
      let outcome = try CommandRunner.run(["plot", fixture.directory.path])
      #expect(outcome.status == 0, "\(outcome.stderr)")
      renders.append(
        try inProcess.map {
          try Data(
            contentsOf: SweepFigures.directory(of: fixture.results)
              .appendingPathComponent($0.fileName))
        })
    }
    #expect(renders[0] == renders[1])
    #expect(renders[0] == inProcess.map { Data($0.svg.utf8) })
  }

  @Test func commandPrintsTheFilesItWrote() throws {
    let fixture = try FigureFixture(sweep: Self.zLossSweep, outcome: Self.zLossOutcome)
    defer { fixture.remove() }
    let outcome = try CommandRunner.run(["plot", fixture.directory.path])
    let figures = SweepFigures.directory(of: fixture.results).path
    #expect(outcome.status == 0)
    #expect(
      outcome.stdout
        == [
          "loss", "stability-quality", "divergence-time", "router-z-loss", "max-router-logit",
        ].map {
          "\(figures)/\($0).svg\n"
        }.joined())
  }

  @Test func withoutFinishedRunsNothingIsWritten() throws {
    let fixture = try FigureFixture(
      sweep: Self.zLossSweep,
      outcome: { $0.seed == 0 ? .crashed(lastLoggedStep: nil) : .missing })
    defer { fixture.remove() }
    #expect(throws: SweepFigureError.self) { try SweepFigures.write(results: fixture.results) }
    let outcome = try CommandRunner.run(["plot", fixture.directory.path])
    #expect(outcome.status != 0)
    #expect(
      outcome.stderr.contains(
        "has no finished runs to plot: none of its 8 planned runs completed or diverged "
          + "(2 crashed)"),
      "\(outcome.stderr)")
    let figures = SweepFigures.directory(of: fixture.results).path
    #expect(!FileManager.default.fileExists(atPath: figures))
  }

  @Test func aDirectoryWithoutSweepFileIsRefused() throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("stmoe-figures-empty-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    #expect(throws: ConfigError.self) { try SweepFigures.write(results: SweepResults(directory)) }
    let outcome = try CommandRunner.run(["plot", directory.path])
    #expect(outcome.status != 0)
    #expect(outcome.stderr.contains("holds no sweep.json: it is not a sweep results directory"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }

  @Test func unreadableMetricsNameTheFileAndLine() throws {
    let fixture = try FigureFixture(sweep: Self.zLossSweep, outcome: Self.zLossOutcome)
    defer { fixture.remove() }
    let run = fixture.run(point: 0, seed: 0)
    let url = fixture.results.runDirectory(id: run.id).metricsURL
    var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    lines[2] = lines[2].replacingOccurrences(of: ",", with: ",x")
    try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
    #expect {
      try SweepFigures.write(results: fixture.results)
    } throws: { error in
      guard case .unreadableMetrics(let file, let line, _) = error as? SweepFigureError else {
        return false
      }
      return file == url.path && line == 3
    }
    #expect(
      !FileManager.default.fileExists(atPath: SweepFigures.directory(of: fixture.results).path))
  }

  @Test func manyPointsGetOnePanelPerPoint() throws {
    let values = "[0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.007]"
    let fixture = try FigureFixture(
      sweep: FigureFixture.sweep(
        axes: #"[{"key": "schedule.learningRate", "values": \#(values)}]"#, seeds: 1),
      outcome: { $0.pointIndex == 6 ? .divergedNonfinite(step: 20) : .completed })
    defer { fixture.remove() }
    let svg = try #require(try fixture.figure("loss.svg"))
    let panels = svg.elements(withClass: "panel")
    #expect(panels.count == 7)
    #expect(
      panels.map { $0.elements(withClass: "title").first?.allText }
        == (1...7).map { "learningRate=0.00\($0)" })
    #expect(svg.elements(withClass: "marker").count == 1)
    #expect(svg.children.first { $0.name == "text" }?.allText.hasSuffix("(✕ diverged)") == true)
  }

  @Test func stabilityQualityPutsAllDivergedPointsInTheBand() throws {
    let fixture = try FigureFixture(
      sweep: FigureFixture.sweep(
        axes: #"[{"key": "schedule.learningRate", "values": [0.001, 0.01, 0.1]}]"#, seeds: 2),
      outcome: { run in
        switch run.pointIndex {
        case 0: .completed
        case 1: .divergedOverCap(step: 10)
        default: .crashed(lastLoggedStep: nil)
        }
      })
    defer { fixture.remove() }
    let svg = try #require(try fixture.figure("stability-quality.svg"))
    // Point 2 has no finished run: left out, and the title says so.
    // Each label is drawn twice: a white halo, then the text.
    let labels = svg.elements(withClass: "point-label").filter { $0.attributes["stroke"] == nil }
    #expect(labels.map(\.allText) == ["learningRate=0.001", "learningRate=0.01"])
    #expect(
      svg.elements(withClass: "title").first?.allText.hasSuffix("(1 point without finished runs)")
        == true)
    #expect(svg.elements(withClass: "band-label").map(\.allText) == ["all diverged"])
    #expect(svg.elements(withClass: "marker").count == 2)
  }
}

// MARK: - A results directory written by hand

/// A sweep results directory with `sweep.json` and hand-made run records: each planned run
/// gets a config, a metrics table and a result as its outcome says, without training.
struct FigureFixture {
  /// How a hand-made run ended.
  enum Outcome {
    case completed
    /// The loss is NaN at `step`: the ✕ goes to the last finite loss before it.
    case divergedNonfinite(step: Int)
    /// The loss is finite but over the cap at `step`, the last row.
    case divergedOverCap(step: Int)
    /// The worker died after logging up to `lastLoggedStep` (no metrics when `nil`).
    case crashed(lastLoggedStep: Int?)
    /// No result yet.
    case missing
  }

  let directory: URL
  let plan: SweepPlan
  var results: SweepResults { SweepResults(directory) }

  /// A sweep file of a model small enough for hand-made metrics (2 layers, layer 1 MoE),
  /// 30 steps logged every 10.
  static func sweep(axes: String? = nil, variants: String? = nil, seeds: Int) -> String {
    let sections = [("variants", variants), ("axes", axes)].compactMap { key, value in
      value.map { "\"\(key)\": \($0)," }
    }
    return """
      {
        "name": "figures",
        "base": {
          "steps": 30, "logEvery": 10, "evaluationBatches": 1,
          "model": {"vocabSize": 16, "sequenceLength": 8, "batchSize": 4, "channels": 16,
                    "headCount": 2, "layerCount": 2, "ffnHidden": 16, "expertCount": 4},
          "data": {"domainCount": 2, "branching": 2}
        },
        \(sections.joined(separator: "\n  "))
        "seeds": {"count": \(seeds)}
      }
      """
  }

  init(sweep: String, outcome: (PlannedRun) -> Outcome) throws {
    directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("stmoe-figures-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try AtomicFile.write(sweep, to: directory.appendingPathComponent("sweep.json"))
    plan = try SweepResults(directory).plan()
    for run in plan.runs {
      try Self.write(run, outcome(run), in: SweepResults(directory).runDirectory(id: run.id))
    }
  }

  func remove() { try? FileManager.default.removeItem(at: directory) }

  func run(point: Int, seed: Int) -> PlannedRun {
    plan.runs.first { $0.pointIndex == point && $0.seed == seed }!
  }

  /// The parsed figure, after writing all figures.
  func figure(_ name: String) throws -> ParsedSVG? {
    try SweepFigures.write(results: results)
    return ParsedSVG(contentsOf: SweepFigures.directory(of: results).appendingPathComponent(name))
  }

  /// The training loss a hand-made run logs at `step`: falling from 4.2 towards 1.2.
  static func loss(step: Int, seed: Int) -> Double {
    1.2 + 3 * exp(-Double(step) / 15) + 0.01 * Double(seed)
  }

  /// A plausible row: the loss falls, the router z-loss (global and per MoE layer) grows
  /// without the z-loss and shrinks with it, every other value is 0.5.
  static func row(step: Int, run: PlannedRun, layout: MetricsLayout) -> MetricsRow {
    let growth = run.config.model.routerZLossCoefficient == 0 ? 1.0 : -0.5
    let routerZLoss = 2 * exp(growth * Double(step) / 30)
    var routing = RoutingStatistics.zero
    (routing.balanceLoss, routing.routerZLoss, routing.maxRouterLogit) = (0.5, routerZLoss, 0.5)
    (routing.routerEntropy, routing.droppedFraction, routing.loadMaxOverMean) = (0.5, 0.5, 0.5)
    var row = MetricsRow()
    row.step = step
    let loss = Self.loss(step: step, seed: run.seed)
    (row.loss, row.crossEntropy) = (loss, loss)
    (row.learningRate, row.balanceLoss, row.routerZLoss) = (0.5, 0.5, routerZLoss)
    (row.attentionZLoss, row.outputZLoss, row.gradientNorm) = (0.5, 0.5, 0.5)
    (row.updateRMS, row.clippedFraction) = (0.5, 0.5)
    row.layers = layout.isMoELayer.map {
      LayerMetrics(maxAttentionLogit: 0.5, routing: $0 ? routing : nil)
    }
    return row
  }

  /// The row of a step whose loss was NaN: every value NaN, no update.
  static func nonfiniteRow(step: Int, layout: MetricsLayout) -> MetricsRow {
    var routing = RoutingStatistics.zero
    (routing.balanceLoss, routing.routerZLoss, routing.maxRouterLogit) = (.nan, .nan, .nan)
    (routing.routerEntropy, routing.droppedFraction, routing.loadMaxOverMean) = (.nan, .nan, .nan)
    var row = MetricsRow()
    row.step = step
    (row.learningRate, row.loss, row.crossEntropy, row.balanceLoss) = (.nan, .nan, .nan, .nan)
    (row.routerZLoss, row.attentionZLoss, row.outputZLoss) = (.nan, .nan, .nan)
    (row.gradientNorm, row.updateRMS, row.clippedFraction) = (.nan, nil, .nan)
    row.layers = layout.isMoELayer.map {
      LayerMetrics(maxAttentionLogit: .nan, routing: $0 ? routing : nil)
    }
    return row
  }

  static func write(_ run: PlannedRun, _ outcome: Outcome, in directory: RunDirectory) throws {
    if case .missing = outcome { return }
    try directory.writeConfig(run.config)
    var steps = Array(stride(from: 0, to: run.config.steps, by: run.config.logEvery))
    steps.append(run.config.steps - 1)
    var lastStep = run.config.steps - 1
    switch outcome {
    case .divergedNonfinite(let step), .divergedOverCap(let step): lastStep = step
    case .crashed(let step): lastStep = step ?? -1
    default: break
    }
    var table = MetricsTable(model: run.config.model)
    for step in steps where step <= lastStep {
      var row = row(step: step, run: run, layout: table.layout)
      if step == lastStep, case .divergedNonfinite = outcome {
        row = nonfiniteRow(step: step, layout: table.layout)
      }
      if step == lastStep, case .divergedOverCap = outcome { row.loss = 20 }
      table.append(row)
    }
    if !table.rows.isEmpty { try directory.writeMetrics(table) }

    var result = RunResult.crashed(
      configHash: run.id, seed: run.seed,
      report: CrashReport(exitCode: nil, signal: 11, stderrTail: "simulated crash"),
      wallSeconds: 1, start: Date(timeIntervalSince1970: 0))
    result.crossEntropyFloor = 1.1
    switch outcome {
    case .completed:
      result.status = .completed
      result.crash = nil
      result.stepsCompleted = run.config.steps
      result.evaluationCrossEntropy = loss(step: run.config.steps, seed: run.seed)
      result.quality = -loss(step: run.config.steps, seed: run.seed)
      result.lastFiniteMetrics = table.rows.last
    case .divergedNonfinite(let step), .divergedOverCap(let step):
      result.status = .diverged
      result.crash = nil
      result.stepsCompleted = step + 1
      let loss = table.rows.last!.loss
      result.divergence = DivergenceVerdict(
        step: step, reason: loss.isFinite ? .cap : .nonfinite, loss: loss)
      result.lastFiniteMetrics = table.rows.dropLast().last
    case .crashed:
      result.crossEntropyFloor = nil
    case .missing:
      return
    }
    try directory.writeResult(result)
  }
}

// MARK: - Reading the SVG back

/// An SVG file read by Foundation's XMLParser into elements, so the tests look at the output
/// through an independent XML reader; `nil` when the file is not well-formed XML.
final class ParsedSVG {
  let name: String
  let attributes: [String: String]
  fileprivate(set) var children: [ParsedSVG] = []
  fileprivate(set) var text = ""

  fileprivate init(name: String, attributes: [String: String]) {
    (self.name, self.attributes) = (name, attributes)
  }

  convenience init?(contentsOf url: URL) {
    guard let data = try? Data(contentsOf: url) else { return nil }
    let reader = Reader()
    let parser = XMLParser(data: data)
    parser.delegate = reader
    guard parser.parse(), let root = reader.root else { return nil }
    self.init(name: root.name, attributes: root.attributes)
    (children, text) = (root.children, root.text)
  }

  /// This element and everything inside it, in document order.
  var descendants: [ParsedSVG] { [self] + children.flatMap(\.descendants) }

  /// The text of this element and of everything inside it.
  var allText: String { text + children.map(\.allText).joined() }

  /// Elements (this one included) whose `class` attribute lists `name`.
  func elements(withClass name: String) -> [ParsedSVG] {
    descendants.filter { element in
      (element.attributes["class"] ?? "").split(separator: " ").contains { $0 == name }
    }
  }

  /// The vertices of the line of the run whose tooltip names `id`, all subpaths joined.
  func vertices(ofSeriesFor id: String) -> [(x: Double, y: Double)]? {
    let series = elements(withClass: "series").first { group in
      group.children.contains { $0.name == "title" && $0.allText.contains(id) }
    }
    guard let d = series?.descendants.first(where: { $0.name == "path" })?.attributes["d"]
    else { return nil }
    let numbers = d.split(separator: " ").compactMap { Double($0.drop { $0.isLetter }) }
    return stride(from: 0, to: numbers.count - 1, by: 2).map { (numbers[$0], numbers[$0 + 1]) }
  }

  /// The centre of a ✕ drawn as `M x1 y1 L x2 y2 M …`.
  var crossCentre: (x: Double, y: Double)? {
    let numbers = (attributes["d"] ?? "").split(separator: " ").prefix(4).compactMap {
      Double($0.drop { $0.isLetter })
    }
    guard numbers.count == 4 else { return nil }
    return ((numbers[0] + numbers[2]) / 2, (numbers[1] + numbers[3]) / 2)
  }

  private final class Reader: NSObject, XMLParserDelegate {
    var root: ParsedSVG?
    var open: [ParsedSVG] = []

    func parser(
      _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
      qualifiedName: String?, attributes: [String: String] = [:]
    ) {
      let element = ParsedSVG(name: elementName, attributes: attributes)
      if let parent = open.last { parent.children.append(element) } else { root = element }
      open.append(element)
    }

    func parser(
      _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
      qualifiedName: String?
    ) {
      open.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      open.last?.text += string
    }
  }
}
