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

  /// The loader and an independent validator (python's jsonschema) give the same verdict on
  /// every malformed file of the test corpus, and the schema finds a fault at the loader's key
  /// path or at one enclosing it; except the files in ``beyondTheSchema``, which the schema
  /// must accept (so the list cannot outlive the schema learning one of them).
  @Test func theSchemaAndTheLoaderAgreeOnEveryMalformedFile() throws {
    let corpus = MalformedSweepCorpus.all
    #expect(Set(corpus.map(\.kind)).count == corpus.count, "corpus kinds must be unique")
    for kind in Self.beyondTheSchema.keys {
      #expect(
        corpus.contains { $0.kind == kind }, "beyondTheSchema lists \(kind), not in the corpus")
    }
    let (json, notJSON) = (
      corpus.filter { (try? JSONValue(parsing: Data($0.json.utf8))) != nil },
      corpus.filter { (try? JSONValue(parsing: Data($0.json.utf8))) == nil }
    )
    for file in notJSON {
      #expect(Self.beyondTheSchema[file.kind] != nil, "\(file.kind) is not JSON: list it")
    }
    let report = try PythonSchemaValidator.errors(of: json.map(\.json), schema: Self.schemaFile)
    for (file, violations) in zip(json, report) {
      guard let refusal = Self.loaderRefusal(file.json) else {
        Issue.record("the loader accepts \(file.kind): \(file.json)")
        continue
      }
      if let reason = Self.beyondTheSchema[file.kind] {
        #expect(
          violations.isEmpty,
          "the schema now refuses \(file.kind) (listed as beyond it: \(reason)): \(violations)")
      } else {
        #expect(!violations.isEmpty, "the schema accepts \(file.kind): \(file.json)")
        #expect(
          violations.contains { Self.path($0.path, encloses: refusal.keyPath) },
          "\(file.kind): the loader refuses at \(refusal.keyPath), the schema at \(violations)")
      }
    }
  }

  /// The corpus files the schema cannot refuse, by kind, and why. Most break a rule that relates
  /// two places of the file, which JSON Schema cannot state, or a rule about the resolved run
  /// config, which exists only once base, variant and axis values are merged.
  static let beyondTheSchema: [String: String] = [
    "malformed JSON": "not JSON, so no schema applies; the loader's parser gives line and column",
    "a variant label twice":
      "labels unique across variants: uniqueItems compares whole items, not one member",
    "a label with a trailing space":
      "the loader judges spaces and control characters per Swift Character; regular expressions"
      + " (ECMA-262 in editors, Python's re here) class whitespace differently (U+0085, U+FEFF,"
      + " `$` before a final newline), so a pattern would make the validators disagree",
    "zip lengths differ": "equal lengths across the members of a zip relate two arrays",
    "one key on two axes": "keys unique across all axes and zip members relate nested arrays",
    "a variant sets an axis key": "relates variants' set keys to the axes' keys",
    "an impossible base":
      "RunConfig.validate() relates keys (headCount must divide channels); the schema has types",
    "impossible divergence thresholds":
      "DivergenceConfig.validate() relates keys (zMinimumCount ≤ zWindow)",
    "an impossible variant": "validity of the resolved config: the variant over the base",
    "an impossible combination": "validity of the resolved config: variant and axis together",
    "an impossible axis value":
      "value ranges are checked by RunConfig.validate() code, which the generated schema cannot"
      + " read (and some ranges depend on other keys); copied by hand they would drift",
    "two variants with one config": "equality of resolved configs, after merging",
    "a baseline that is no label": "baseline must name a label written elsewhere in the file",
    "a baseline far from every label": "baseline must name a label written elsewhere in the file",
    "points times seeds beyond the limit": "the run count is a product over several sections",
  ]

  /// The loader's refusal of `json` (read as `sweep.json`), or nil if it accepts the file.
  static func loaderRefusal(_ json: String) -> ConfigError? {
    do throws(ConfigError) {
      _ = try SweepPlan(SweepDefinition.load(from: Data(json.utf8), file: "sweep.json"))
      return nil
    } catch {
      return error
    }
  }

  /// Whether the key path `outer` is `inner` or encloses it ("" encloses everything).
  static func path(_ outer: String, encloses inner: String) -> Bool {
    outer.isEmpty || inner == outer || inner.hasPrefix(outer + ".") || inner.hasPrefix(outer + "[")
  }

  /// What only the loader checks is documented; the schema accepts these.
  @Test func theSchemaAcceptsEveryValidShape() throws {
    let documents = [
      ExpansionTests.zloss,
      #"{"name": "s", "seeds": {"count": 2}, "base": {"model": {"precision": "bfloat16-exp-float32"}}}"#,
      #"{"name": "p", "seeds": {"count": 2, "start": 5000, "perVariant": true}}"#,
      #"{"$schema": "./sweep.schema.json", "name": "0-a", "seeds": [3, 1], "baseline": "A", "variants": [{"label": "A", "description": "d", "set": {"optimizer.adamW.beta2": 0.99, "data.kind": "randomTokens"}}]}"#,
    ]
    let report = try PythonSchemaValidator.errors(of: documents, schema: Self.schemaFile)
    #expect(report == [[], [], [], []])
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
