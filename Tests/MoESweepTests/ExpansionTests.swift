import Foundation
import MoEConfig
import MoEModel
import MoESweep
import MoETraining
import Testing

/// A sweep expands in one documented order: variants, then axis points (first axis slowest, a
/// zip as one axis), then seeds; each run's config is base ← variant ← axes ← seed ← divergence.
@Suite struct ExpansionTests {
  /// 2 variants × (3 z-loss values × 2 zipped LR/warm-up pairs) × 2 seeds.
  static let zloss = #"""
    {"name": "zloss",
     "variants": [{"label": "Baseline", "set": {}},
                  {"label": "Remove GEGLU", "set": {"model.feedForward": "relu"}}],
     "axes": [{"key": "model.routerZLossCoefficient", "values": [0, 1e-4, 1e-3]},
              {"zip": [{"key": "schedule.learningRate", "values": [1e-3, 3e-3]},
                       {"key": "schedule.warmupSteps", "values": [100, 50]}]}],
     "seeds": {"count": 2, "start": 7}}
    """#

  @Test func runsAreVariantsTimesGridTimesSeeds() throws {
    let plan = try SweepFixtures.plan(Self.zloss)
    #expect(plan.points.count == 2 * 3 * 2)
    #expect(plan.runs.count == 2 * 3 * 2 * 2)
    #expect(plan.seeds == [7, 8])
    #expect(plan.runs.map(\.index) == Array(0..<24))
    #expect(plan.runs.map(\.pointIndex) == (0..<12).flatMap { [$0, $0] })
    #expect(plan.runs.map(\.seed) == Array(repeating: [7, 8], count: 12).flatMap { $0 })
    #expect(plan.points.map(\.index) == Array(0..<12))
  }

  /// `"perVariant": true` gives variant i the seeds start + i·count …; its points share them.
  @Test func perVariantSeedsGiveEveryVariantItsOwnBlock() throws {
    let text = Self.zloss.replacingOccurrences(
      of: #""start": 7}"#, with: #""start": 7, "perVariant": true}"#)
    let plan = try SweepFixtures.plan(text)
    #expect(plan.seedsPerVariant)
    #expect(plan.runs.count == 24)
    // Variant 0 (points 0–5): 7, 8; variant 1 (points 6–11): 7 + 1·2 = 9, 10.
    #expect(
      plan.runs.map(\.seed) == Array(repeating: [7, 8], count: 6).flatMap { $0 }
        + Array(repeating: [9, 10], count: 6).flatMap { $0 })
    #expect(Set(plan.runs.map(\.id)).count == 24)
    #expect(plan.runs[12].config.seed == 9)
  }

  /// Off by default: a file without `perVariant` (or with false) plans exactly as before.
  @Test func perVariantSeedsAreOffByDefault() throws {
    let plain = try SweepFixtures.plan(Self.zloss)
    let explicit = try SweepFixtures.plan(
      Self.zloss.replacingOccurrences(
        of: #""start": 7}"#, with: #""start": 7, "perVariant": false}"#))
    #expect(!plain.seedsPerVariant)
    #expect(plain.runs.map(\.id) == explicit.runs.map(\.id))
  }

  /// The last variant's seeds must fit in Int: refused at `seeds.perVariant`.
  @Test func perVariantSeedsOverflowIsRefusedAtItsKey() throws {
    let text = Self.zloss.replacingOccurrences(
      of: #""start": 7}"#, with: #""start": 9223372036854775804, "perVariant": true}"#)
    #expect(throws: ConfigError.self) { try SweepFixtures.plan(text) }
    do {
      _ = try SweepFixtures.plan(text)
    } catch let error as ConfigError {
      #expect(error.keyPath == "seeds.perVariant")
    }
  }

  @Test func variantsAreSlowestThenTheFirstAxisThenTheZip() throws {
    let plan = try SweepFixtures.plan(Self.zloss)
    let expected = ["Baseline", "Remove GEGLU"].flatMap { variant in
      ["0", "0.0001", "0.001"].flatMap { zLoss in
        ["learningRate=0.001, warmupSteps=100", "learningRate=0.003, warmupSteps=50"].map {
          "\(variant), routerZLossCoefficient=\(zLoss), \($0)"
        }
      }
    }
    #expect(plan.points.map(\.label) == expected)
    #expect(plan.runs.map(\.label) == expected.flatMap { [$0, $0] })
    #expect(plan.points[7].variantLabel == "Remove GEGLU")
    #expect(plan.points[7].variantIndex == 1)
    #expect(plan.points[7].axisPositions == [0, 1])
  }

  /// Zipped keys take their values together, never crossed.
  @Test func zippedValuesArePairedByPosition() throws {
    let plan = try SweepFixtures.plan(Self.zloss)
    let pairs = Set(
      plan.runs.map { [$0.config.schedule.learningRate, Double($0.config.schedule.warmupSteps)] })
    #expect(pairs == [[1e-3, 100], [3e-3, 50]])
  }

  /// Axis values stay data, in axis order, as written (`0` stays an integer).
  @Test func pointsKeepTheirAxisValues() throws {
    let point = try SweepFixtures.plan(Self.zloss).points[3]
    #expect(
      point.axisValues == [
        SweepSetting(keyPath: "model.routerZLossCoefficient", value: 1e-4),
        SweepSetting(keyPath: "schedule.learningRate", value: 3e-3),
        SweepSetting(keyPath: "schedule.warmupSteps", value: 50),
      ])
    #expect(point.axisValue("schedule.learningRate") == 3e-3)
    #expect(point.axisValue("model.feedForward") == nil)
    #expect(try SweepFixtures.plan(Self.zloss).points[0].axisValues[0].value == .integer(0))
  }

  @Test func base_variant_axis_seed_divergence_applyInThatOrder() throws {
    let plan = try SweepFixtures.plan(
      #"""
      {"name": "order",
       "base": {"steps": 50, "model": {"channels": 64, "expertCount": 4}, "schedule": {"learningRate": 0.02}},
       "variants": [{"label": "Wide", "set": {"model.channels": 96, "model.headCount": 6}}],
       "axes": [{"key": "schedule.learningRate", "values": [0.005]}],
       "seeds": [3],
       "divergence": {"spikePatience": 9}}
      """#)
    let config = try #require(plan.runs.first?.config)
    var expected = RunConfig()
    expected.steps = 50  // base
    expected.model.expertCount = 4  // base
    expected.model.channels = 96  // the variant over the base's 64
    expected.model.headCount = 6  // the variant over the default
    expected.schedule.learningRate = 0.005  // the axis over the base's 0.02
    expected.seed = 3
    expected.divergence.spikePatience = 9  // the sweep's divergence section
    #expect(config == expected)
  }

  /// The sweep's divergence thresholds are in every run's config, hence in every id.
  @Test func theDivergenceSectionIsPartOfEveryRunsIdentity() throws {
    let plain = try SweepFixtures.plan(#"{"name": "d", "seeds": [0, 1]}"#)
    let strict = try SweepFixtures.plan(
      #"{"name": "d", "seeds": [0, 1], "divergence": {"capFactor": 2}}"#)
    #expect(strict.runs.allSatisfy { $0.config.divergence.capFactor == 2 })
    #expect(Set(plain.runs.map(\.id)).isDisjoint(with: strict.runs.map(\.id)))
  }

  /// Ids hash the resolved config, seed included: distinct across seeds and points, equal to
  /// what `stmoe-sweep train` names the run, and unchanged when other runs are added.
  @Test func idsAreStableAndDistinct() throws {
    let plan = try SweepFixtures.plan(Self.zloss)
    #expect(Set(plan.runs.map(\.id)).count == plan.runs.count)
    #expect(plan.runs.allSatisfy { $0.id == configHash($0.config) && $0.id.count == 16 })
    #expect(try SweepFixtures.plan(Self.zloss).runs.map(\.id) == plan.runs.map(\.id))
    let grown = try SweepFixtures.plan(
      Self.zloss
        .replacingOccurrences(
          of: #"[{"label": "Baseline""#,
          with: #"[{"label": "Early", "set": {"model.moeOffset": 0}}, {"label": "Baseline""#
        )
        .replacingOccurrences(of: #""count": 2"#, with: #""count": 3"#))
    #expect(grown.runs.count == 3 * 6 * 3)  // 3 variants × 6 grid points × 3 seeds
    #expect(Set(plan.runs.map(\.id)).isSubset(of: grown.runs.map(\.id)))
    let moved = try #require(grown.runs.first { $0.id == plan.runs[0].id })
    // Now the first run of the second variant's six points, three seeds each.
    #expect(moved.index == 6 * 3 && moved.label == plan.runs[0].label && moved.seed == 7)
  }

  @Test func anExplicitSeedListKeepsItsOrder() throws {
    let plan = try SweepFixtures.plan(#"{"name": "s", "seeds": [5, 1, 3]}"#)
    #expect(plan.runs.map(\.seed) == [5, 1, 3])
    #expect(plan.runs.map(\.config.seed) == [5, 1, 3])
  }

  @Test func labels() throws {
    #expect(try SweepFixtures.plan(#"{"name": "l", "seeds": [0]}"#).points.map(\.label) == ["base"])
    let variantsOnly = try SweepFixtures.plan(
      #"""
      {"name": "l", "seeds": [0], "variants": [{"label": "A"}, {"label": "B", "set": {"model.qkNorm": true}}]}
      """#)
    #expect(variantsOnly.points.map(\.label) == ["A", "B"])
    #expect(variantsOnly.points.map(\.axisValues) == [[], []])
    // Strings without quotes; keys that share a last name keep their section.
    let axesOnly = try SweepFixtures.plan(
      #"""
      {"name": "l", "seeds": [0],
       "axes": [{"key": "optimizer.kind", "values": ["adamW", "sgd"]},
                {"zip": [{"key": "schedule.kind", "values": ["constant", "cosine"]},
                         {"key": "model.qkNorm", "values": [true, false]}]}]}
      """#)
    #expect(
      axesOnly.points.map(\.label) == [
        "optimizer.kind=adamW, schedule.kind=constant, qkNorm=true",
        "optimizer.kind=adamW, schedule.kind=cosine, qkNorm=false",
        "optimizer.kind=sgd, schedule.kind=constant, qkNorm=true",
        "optimizer.kind=sgd, schedule.kind=cosine, qkNorm=false",
      ])
    #expect(axesOnly.points.allSatisfy { $0.variantLabel == nil && $0.variantIndex == nil })
  }

  /// Round-robin: run i goes to shard i mod n; shards are disjoint and cover the plan.
  @Test(arguments: [1, 2, 5, 24, 30])
  func shardsSplitTheRunsRoundRobin(_ shardCount: Int) throws {
    let plan = try SweepFixtures.plan(Self.zloss)
    let shards = (0..<shardCount).map { plan.runs(shard: $0, of: shardCount) }
    #expect(shards.flatMap { $0 }.map(\.index).sorted() == Array(0..<24))
    for (shard, runs) in shards.enumerated() {
      #expect(runs.allSatisfy { $0.index % shardCount == shard })
      #expect(runs.map(\.index) == runs.map(\.index).sorted())
    }
  }

  /// A variant as baseline compares each point with the baseline variant's point at the same
  /// axis values; a point label names one point for all.
  @Test func baselines() throws {
    let byVariant = try SweepFixtures.plan(
      Self.zloss.replacingOccurrences(
        of: #""seeds""#, with: #""baseline": "Remove GEGLU", "seeds""#))
    #expect(byVariant.baselineLabel == "Remove GEGLU")
    for point in byVariant.points {
      let baseline = byVariant.baselinePoint(for: point)
      #expect(baseline.variantLabel == "Remove GEGLU" && baseline.axisValues == point.axisValues)
      #expect(byVariant.isBaseline(point) == (point.variantLabel == "Remove GEGLU"))
    }
    let label = "Baseline, routerZLossCoefficient=0, learningRate=0.001, warmupSteps=100"
    let byPoint = try SweepFixtures.plan(
      Self.zloss.replacingOccurrences(
        of: #""seeds""#, with: #""baseline": "\#(label)", "seeds""#))
    #expect(byPoint.points.allSatisfy { byPoint.baselinePoint(for: $0).index == 0 })
    #expect(byPoint.points.filter(byPoint.isBaseline).map(\.index) == [0])
    // Default: the first variant, else the first point.
    #expect(try SweepFixtures.plan(Self.zloss).baselineLabel == "Baseline")
    let noVariants = try SweepFixtures.plan(
      #"{"name": "b", "seeds": [0], "axes": [{"key": "steps", "values": [5, 9]}]}"#)
    #expect(noVariants.baselineLabel == "steps=5")
  }

  @Test func theDefinitionKeepsWhatTheFileSaid() throws {
    let definition = try SweepDefinition.load(from: Data(Self.zloss.utf8), file: "zloss.json")
    #expect(definition.file == "zloss.json" && definition.name == "zloss")
    #expect(definition.description == "")
    #expect(definition.variants.map(\.label) == ["Baseline", "Remove GEGLU"])
    let relu = SweepSetting(keyPath: "model.feedForward", value: "relu")
    #expect(definition.variants[1].settings == [relu])
    #expect(definition.axes.map(\.isZip) == [false, true])
    #expect(definition.axes.map(\.count) == [3, 2])
    #expect(definition.baseline == nil && definition.base == RunConfig())
    let plan = try SweepPlan(definition)
    #expect(plan.name == "zloss" && plan.definition == definition)
  }

  @Test func theExampleFileLoadsFromDisk() throws {
    let path = SweepFixtures.repositoryRoot.appendingPathComponent("sweeps/example.json").path
    let plan = try SweepPlan(contentsOfFile: path)
    #expect(plan.name == "example" && plan.points.count == 8 && plan.runs.count == 24)
    #expect(plan.baselineLabel == "Baseline")
  }

  /// `bench --config study` measures the model the studies run: the `study` preset is the
  /// base model of every study sweep of `TABLES.md` (the pilots and the old calibration differ
  /// on purpose: results/README.md).
  @Test func theStudyPresetIsTheStudySweepsBaseModel() throws {
    let sweeps = SweepFixtures.repositoryRoot.appendingPathComponent("sweeps")
    #expect(StudyCatalog.studies.count == 7)
    for study in StudyCatalog.studies {
      let path = sweeps.appendingPathComponent("\(study.name).json").path
      let spec = try SweepDefinition.load(contentsOfFile: path)
      #expect(spec.base.model == ModelPreset.study.config, "sweeps/\(study.name).json")
    }
  }
}
