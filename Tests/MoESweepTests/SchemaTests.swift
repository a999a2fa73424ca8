import Foundation
import MoEConfig
import MoESweep
import MoETraining
import Testing

/// The committed JSON Schema is the generated one, and it agrees with the loader: every sweep
/// file in `sweeps/` passes both, and typical mistakes fail both.
@Suite struct SchemaTests {
  static let sweeps = SweepFixtures.repositoryRoot.appendingPathComponent("sweeps")
  static let schemaFile = sweeps.appendingPathComponent("sweep.schema.json")

  @Test func theCommittedSchemaIsTheGeneratedOne() throws {
    let committed = try String(contentsOf: Self.schemaFile, encoding: .utf8)
    let generated = SweepSchema.text
    guard committed != generated else { return }
    let (old, new) = (committed.split(separator: "\n"), generated.split(separator: "\n"))
    let line = zip(old, new).prefix { $0 == $1 }.count
    Issue.record(
      """
      sweeps/sweep.schema.json is out of date; regenerate it with
        swift run stmoe-sweep schema > sweeps/sweep.schema.json
      first difference at line \(line + 1): committed \(old.dropFirst(line).first.map { "`\($0)`" } ?? "(end)"), \
      generated \(new.dropFirst(line).first.map { "`\($0)`" } ?? "(end)")
      """)
  }

  /// Every `sweeps/*.json` but the schema: valid for python's jsonschema and for the loader.
  @Test func everySweepFilePassesTheSchemaAndTheLoader() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.sweeps.path)
      .filter { $0.hasSuffix(".json") && $0 != "sweep.schema.json" }.sorted()
    #expect(files.contains("example.json"))
    for file in files {
      let path = Self.sweeps.appendingPathComponent(file).path
      #expect(throws: Never.self, "sweeps/\(file)") { try SweepPlan(contentsOfFile: path) }
    }
    let texts = try files.map {
      try String(contentsOf: Self.sweeps.appendingPathComponent($0), encoding: .utf8)
    }
    let report = try PythonSchemaValidator.errors(of: texts, schema: Self.schemaFile)
    for (file, errors) in zip(files, report) {
      #expect(errors.isEmpty, "sweeps/\(file) fails the schema: \(errors)")
    }
  }

  /// Mistakes the schema can express: each document fails it, at the expected place.
  @Test func theSchemaRefusesWhatTheLoaderRefuses() throws {
    let cases: [(json: String, schemaPath: String)] = [
      (#"{"name": "x", "seeds": [0], "varients": []}"#, ""),
      (#"{"name": "x", "seeds": [0], "base": {"model": {"expertsPerTokn": 1}}}"#, "base/model"),
      (#"{"name": "x", "seeds": [0], "base": {"seed": 1}}"#, "base"),
      (#"{"name": "x", "seeds": [0], "base": {"divergence": {}}}"#, "base"),
      (#"{"name": "x", "seeds": {"count": "12"}}"#, "seeds"),
      (#"{"name": "x", "seeds": [0, -1]}"#, "seeds"),
      (#"{"name": "x", "seeds": [1, 1]}"#, "seeds"),
      (#"{"name": "x", "seeds": []}"#, "seeds"),
      (#"{"seeds": [0]}"#, ""),
      (#"{"name": "Z-Loss", "seeds": [0]}"#, "name"),
      (#"{"name": "x", "seeds": [0], "variants": []}"#, "variants"),
      (
        #"{"name": "x", "seeds": [0], "variants": [{"label": "A", "set": {"model.feedFoward": "relu"}}]}"#,
        "variants/0/set"
      ),
      (
        #"{"name": "x", "seeds": [0], "variants": [{"label": "A", "set": {"model.feedForward": "reluu"}}]}"#,
        "variants/0/set/model.feedForward"
      ),
      (
        #"{"name": "x", "seeds": [0], "variants": [{"label": "A", "set": {"divergence.capFactor": 2}}]}"#,
        "variants/0/set"
      ),
      (#"{"name": "x", "seeds": [0], "axes": [{"key": "steps", "values": []}]}"#, "axes/0"),
      (
        #"{"name": "x", "seeds": [0], "axes": [{"key": "model.routerZLoss", "values": [0]}]}"#,
        "axes/0"
      ),
      (#"{"name": "x", "seeds": [0], "axes": [{"key": "seed", "values": [1, 2]}]}"#, "axes/0"),
      (
        #"{"name": "x", "seeds": [0], "axes": [{"key": "model.routerZLossCoefficient", "values": [0, "1e-3"]}]}"#,
        "axes/0"
      ),
      (#"{"name": "x", "seeds": [0], "axes": [{"key": "steps", "values": [1, 1]}]}"#, "axes/0"),
      (
        #"{"name": "x", "seeds": [0], "axes": [{"zip": [{"key": "steps", "values": [1]}]}]}"#,
        "axes/0"
      ),
      (#"{"name": "x", "seeds": [0], "divergence": {"capfactor": 2}}"#, "divergence"),
    ]
    let report = try PythonSchemaValidator.errors(of: cases.map(\.json), schema: Self.schemaFile)
    for ((json, path), errors) in zip(cases, report) {
      #expect(!errors.isEmpty, "the schema accepts \(json)")
      #expect(errors.contains { $0.hasPrefix(path + ":") }, "\(json): \(errors)")
      #expect(SweepFixtures.refusal(json).hasPrefix("sweep.json: "), "the loader accepts \(json)")
    }
  }

  /// What only the loader checks is documented; the schema accepts these.
  @Test func theSchemaAcceptsEveryValidShape() throws {
    let documents = [
      ExpansionTests.zloss,
      #"{"name": "s", "seeds": {"count": 2}, "base": {"model": {"precision": "bfloat16-exp-float32"}}}"#,
      #"{"$schema": "./sweep.schema.json", "name": "0-a", "seeds": [3, 1], "baseline": "A", "variants": [{"label": "A", "description": "d", "set": {"optimizer.adamW.beta2": 0.99, "data.kind": "randomTokens"}}]}"#,
    ]
    let report = try PythonSchemaValidator.errors(of: documents, schema: Self.schemaFile)
    #expect(report == [[], [], []])
    for document in documents {
      #expect(!SweepFixtures.refusal(document).hasPrefix("sweep.json: "), "\(document)")
    }
  }
}

/// The key catalog is read off `RunConfig()`: every leaf, its kind and default, and every
/// enum's values, with nothing registered by hand.
@Suite struct KeyCatalogTests {
  let catalog = ConfigKeyCatalog.runConfig

  @Test func everyLeafOfTheDefaultConfigIsListed() throws {
    func leaves(_ value: JSONValue, _ path: String) -> [String] {
      guard case .object(let members) = value else { return [path] }
      return members.flatMap { leaves($1, path.isEmpty ? $0 : "\(path).\($0)") }
    }
    let tree = try JSONValue(encoding: RunConfig())
    #expect(catalog.keys.map(\.keyPath) == leaves(tree, "").sorted())
    #expect(catalog.keys.allSatisfy { (try? tree.value(at: $0.keyPath)) == $0.defaultValue })
    #expect(
      catalog.sections == [
        "data", "divergence", "model", "optimizer", "optimizer.adafactor", "optimizer.adamW",
        "optimizer.sgd", "schedule",
      ])
  }

  @Test func choicesListTheirEnumsCases() {
    let choices = Dictionary(
      uniqueKeysWithValues: catalog.keys.compactMap { key -> (String, [String])? in
        guard case .choice(let values) = key.kind else { return nil }
        return (key.keyPath, values)
      })
    #expect(
      choices == [
        "model.feedForward": ["geglu", "relu", "gelu"],
        "model.routingPriority": ["tokenOrder", "batchPrioritized"],
        "model.secondExpertPolicy": ["all", "threshold", "random"],
        "model.precision": [
          "float32", "bfloat16", "bfloat16-router-float32", "bfloat16-exp-float32",
        ],
        "optimizer.kind": ["adafactor", "adamW", "sgd"],
        "schedule.kind": ["constant", "linearWarmup", "inverseSquareRoot", "cosine"],
        "data.kind": ["synthetic", "bytes", "randomTokens"],
        "data.domainWeighting": ["uniform", "random"],
      ])
  }

  @Test func kindsFollowTheSwiftTypes() throws {
    #expect(catalog.key("model.expertCount")?.kind == .integer)
    #expect(catalog.key("model.attentionSoftCap")?.kind == .number)  // a Double whose default is 0
    #expect(catalog.key("model.qkNorm")?.kind == .boolean)
    #expect(catalog.key("data.textPath")?.kind == .string)
    #expect(catalog.keys.allSatisfy { $0.kind != .json })
    #expect(catalog.key("model") == nil && catalog.key("model.nothing") == nil)
  }

  /// A value is checked by decoding it as the property's own type: the config file's message.
  @Test func valuesAreCheckedAsTheirPropertysType() throws {
    let precision = try #require(catalog.key("model.precision"))
    #expect(throws: Never.self) { try precision.check("bfloat16") }
    #expect(
      throws: ConfigError(
        keyPath: "", "unknown value \"bf16\"",
        suggestion:
          #"allowed values are "float32", "bfloat16", "bfloat16-router-float32", "bfloat16-exp-float32""#
      )
    ) {
      try precision.check("bf16")
    }
    let steps = try #require(catalog.key("steps"))
    #expect(throws: Never.self) { try steps.check(1e3) }
    #expect(throws: ConfigError.self) { try steps.check(2.5) }
  }
}
