import Testing

/// A malformed sweep file and the one error it must produce.
struct Refusal: Sendable, CustomTestStringConvertible {
  /// What is wrong, in a few words; unique in the corpus.
  var kind: String
  var json: String
  var message: String

  init(_ kind: String, _ json: String, _ message: String) {
    self.kind = kind
    self.json = json
    self.message = message
  }

  var testDescription: String { kind }
}

/// The malformed sweep files of the tests, each with the one error the loader must give, grouped
/// by what is wrong. `MalformedSweepTests` checks the loader's messages; `SchemaTests` checks
/// that the published schema refuses the same files, except those breaking a rule it cannot
/// express.
enum MalformedSweepCorpus {
  /// Every file of the corpus.
  static var all: [Refusal] {
    unknownKeysAndMalformedJSON + wrongTypesAnywhere + nulls + namesAndSeeds + baseAndVariants
      + axes + keyPathSuggestions + resolvedConfigs + limits
  }

  /// Keys nobody knows, at every depth, and a file that is not JSON.
  static let unknownKeysAndMalformedJSON: [Refusal] = [
    Refusal(
      "unknown top-level key", #"{"name": "x", "seeds": [0], "varients": []}"#,
      #"sweep.json: varients: unknown key "varients" (did you mean "variants"?)"#),
    Refusal(
      "unknown key in base",
      #"{"name": "x", "seeds": [0], "base": {"model": {"expertsPerTokn": 1}}}"#,
      #"sweep.json: base.model.expertsPerTokn: unknown key "expertsPerTokn" (did you mean "#
        + #""expertsPerToken"?)"#
    ),
    Refusal(
      "unknown key in a variant",
      #"{"name": "x", "seeds": [0], "variants": [{"label": "A", "sett": {}}]}"#,
      #"sweep.json: variants[0].sett: unknown key "sett" (did you mean "set"?)"#),
    Refusal(
      "unknown key in an axis",
      #"{"name": "x", "seeds": [0], "axes": [{"key": "steps", "valus": [1]}]}"#,
      #"sweep.json: axes[0].valus: unknown key "valus" (did you mean "values"?)"#),
    Refusal(
      "unknown key in divergence", #"{"name": "x", "seeds": [0], "divergence": {"capfactor": 2}}"#,
      #"sweep.json: divergence.capfactor: unknown key "capfactor" (did you mean "capFactor"?)"#),
    Refusal(
      "malformed JSON", "{\"name\": \"x\",\n \"seeds\": [0],}",
      "sweep.json: malformed JSON at line 2, column 15: trailing comma before '}'"),
  ]

  /// Values of the wrong JSON type.
  static let wrongTypesAnywhere: [Refusal] = [
    Refusal(
      "seeds.count a string", #"{"name": "x", "seeds": {"count": "12"}}"#,
      #"sweep.json: seeds.count: expected an integer, found a string "12" (write 12 without "#
        + #"quotes)"#
    ),
    Refusal(
      "a label a number", #"{"name": "x", "seeds": [0], "variants": [{"label": 1}]}"#,
      #"sweep.json: variants[0].label: expected a string, found a number 1 (write "1" in quotes)"#),
    Refusal(
      "values not a list", #"{"name": "x", "seeds": [0], "axes": [{"key": "steps", "values": 5}]}"#,
      "sweep.json: axes[0].values: expected an array, found a number 5 (write [5] for a "
        + "one-element array)"
    ),
    Refusal(
      "a base value of the wrong type",
      #"{"name": "x", "seeds": [0], "base": {"model": {"qkNorm": 1}}}"#,
      "sweep.json: base.model.qkNorm: expected a boolean, found a number 1 (use true or false)"),
    Refusal(
      "seeds a bare number", #"{"name": "x", "seeds": 12}"#,
      #"sweep.json: seeds: expected a list of seeds or {"count": …}, found a number 12 (write "#
        + #"{"count": 12} for 12 seeds, or [12] for that seed)"#
    ),
    Refusal(
      "seeds a string", #"{"name": "x", "seeds": "0-11"}"#,
      #"sweep.json: seeds: expected a list of seeds or {"count": …}, found a string "0-11""#),
    Refusal(
      "a seed a string", #"{"name": "x", "seeds": [0, "1"]}"#,
      #"sweep.json: seeds[1]: expected an integer, found a string "1" (write 1 without quotes)"#),
  ]

  /// A `null` anywhere: a key is written with a value or left out, never null.
  static let nulls: [Refusal] = [
    Refusal(
      "$schema null", #"{"$schema": null, "name": "x", "seeds": [0]}"#,
      #"sweep.json: $schema: null is not a value in a sweep file (write a value, or leave "#
        + #""$schema" out if it is optional)"#
    ),
    Refusal(
      "name null", #"{"name": null, "seeds": [0]}"#,
      #"sweep.json: name: null is not a value in a sweep file (write a value, or leave "name" out "#
        + #"if it is optional)"#
    ),
    Refusal(
      "base null", #"{"name": "x", "seeds": [0], "base": null}"#,
      #"sweep.json: base: null is not a value in a sweep file (write a value, or leave "base" out "#
        + #"if it is optional)"#
    ),
    Refusal(
      "a base value null", #"{"name": "x", "seeds": [0], "base": {"model": {"channels": null}}}"#,
      #"sweep.json: base.model.channels: null is not a value in a sweep file (write a value, or "#
        + #"leave "channels" out if it is optional)"#
    ),
    Refusal(
      "baseline null", #"{"name": "x", "seeds": [0], "baseline": null}"#,
      #"sweep.json: baseline: null is not a value in a sweep file (write a value, or leave "#
        + #""baseline" out if it is optional)"#
    ),
    Refusal(
      "the first null by key", #"{"name": "x", "seeds": [0], "baseline": null, "base": null}"#,
      #"sweep.json: base: null is not a value in a sweep file (write a value, or leave "base" out "#
        + #"if it is optional)"#
    ),
    Refusal(
      "seeds null", #"{"name": "x", "seeds": null}"#,
      #"sweep.json: seeds: null is not a value in a sweep file (write a value, or leave "seeds" "#
        + #"out if it is optional)"#
    ),
    Refusal(
      "seeds.start null", #"{"name": "x", "seeds": {"count": 2, "start": null}}"#,
      #"sweep.json: seeds.start: null is not a value in a sweep file (write a value, or leave "#
        + #""start" out if it is optional)"#
    ),
    Refusal(
      "a seed null", #"{"name": "x", "seeds": [0, null]}"#,
      #"sweep.json: seeds[1]: null is not a value in a sweep file (write a value, or remove it)"#),
    Refusal(
      "variants null", #"{"name": "x", "seeds": [0], "variants": null}"#,
      #"sweep.json: variants: null is not a value in a sweep file (write a value, or leave "#
        + #""variants" out if it is optional)"#
    ),
    Refusal(
      "a variant's set null",
      #"{"name": "x", "seeds": [0], "variants": [{"label": "A", "set": null}]}"#,
      #"sweep.json: variants[0].set: null is not a value in a sweep file (write a value, or leave "#
        + #""set" out if it is optional)"#
    ),
    Refusal(
      "a variant sets null",
      #"{"name": "x", "seeds": [0], "variants": [{"label": "A", "set": {"steps": null}}]}"#,
      #"sweep.json: variants[0].set.steps: null is not a value in a sweep file (write a value, or "#
        + #"leave "steps" out if it is optional)"#
    ),
    Refusal(
      "axes null", #"{"name": "x", "seeds": [0], "axes": null}"#,
      #"sweep.json: axes: null is not a value in a sweep file (write a value, or leave "axes" out "#
        + #"if it is optional)"#
    ),
    Refusal(
      "an axis value null",
      #"{"name": "x", "seeds": [0], "axes": [{"key": "steps", "values": [1, null]}]}"#,
      #"sweep.json: axes[0].values[1]: null is not a value in a sweep file (write a value, or "#
        + #"remove it)"#
    ),
    Refusal(
      "a zip null", #"{"name": "x", "seeds": [0], "axes": [{"zip": null}]}"#,
      #"sweep.json: axes[0].zip: null is not a value in a sweep file (write a value, or leave "#
        + #""zip" out if it is optional)"#
    ),
    Refusal(
      "divergence null", #"{"name": "x", "seeds": [0], "divergence": null}"#,
      #"sweep.json: divergence: null is not a value in a sweep file (write a value, or leave "#
        + #""divergence" out if it is optional)"#
    ),
  ]

  /// The name, the seeds and the baseline.
  static let namesAndSeeds: [Refusal] = [
    Refusal(
      "name missing", #"{"seeds": [0]}"#,
      "sweep.json: name: required key is missing (the sweep's name; its results go to "
        + "results/<name>/)"
    ),
    Refusal(
      "name with capitals", #"{"name": "Z-Loss", "seeds": [0]}"#,
      #"sweep.json: name: "Z-Loss" is not a valid name: use lower-case letters, digits and "#
        + #"hyphens, starting with a letter or digit (did you mean "z-loss"?)"#
    ),
    Refusal(
      "name with a leading hyphen", #"{"name": "-x", "seeds": [0]}"#,
      #"sweep.json: name: "-x" is not a valid name: use lower-case letters, digits and hyphens, "#
        + #"starting with a letter or digit (did you mean "x"?)"#
    ),
    Refusal(
      "seeds missing", #"{"name": "x"}"#,
      #"sweep.json: seeds: required key is missing (e.g. "seeds": {"count": 12} or [0, 1, 5])"#),
    Refusal("seeds empty", #"{"name": "x", "seeds": []}"#, "sweep.json: seeds: must not be empty"),
    Refusal(
      "a negative seed", #"{"name": "x", "seeds": [0, -3]}"#,
      "sweep.json: seeds[1]: must be non-negative, got -3"),
    Refusal(
      "a seed twice", #"{"name": "x", "seeds": [0, 1, 1]}"#,
      "sweep.json: seeds[2]: 1 is already at seeds[1] (seeds must be distinct)"),
    Refusal(
      "no seeds by count", #"{"name": "x", "seeds": {"count": 0}}"#,
      "sweep.json: seeds.count: must be at least 1, got 0"),
    Refusal(
      "a negative start", #"{"name": "x", "seeds": {"count": 2, "start": -1}}"#,
      "sweep.json: seeds.start: must be non-negative, got -1"),
    Refusal(
      "an empty baseline", #"{"name": "x", "seeds": [0], "baseline": ""}"#,
      "sweep.json: baseline: must not be empty"),
  ]

  /// The base config and the variants.
  static let baseAndVariants: [Refusal] = [
    Refusal(
      "variants empty", #"{"name": "x", "seeds": [0], "variants": []}"#,
      #"sweep.json: variants: must not be empty (leave "variants" out to run the base config "#
        + #"alone)"#
    ),
    Refusal(
      "a variant label twice",
      #"{"name": "x", "seeds": [0], "variants": [{"label": "Baseline"}, {"label": "Baseline", "#
        + #""set": {"steps": 9}}]}"#,
      #"sweep.json: variants[1].label: "Baseline" is already the label of variants[0] (variant "#
        + #"labels must be unique)"#
    ),
    Refusal(
      "a label with a trailing space",
      #"{"name": "x", "seeds": [0], "variants": [{"label": "A "}]}"#,
      #"sweep.json: variants[0].label: "A " has leading or trailing spaces"#),
    Refusal(
      "an unknown key path in a variant",
      #"{"name": "x", "seeds": [0], "variants": [{"label": "A", "set": {"model.feedFoward": "#
        + #""relu"}}]}"#,
      #"sweep.json: variants[0].set: unknown key path "model.feedFoward" (did you mean "#
        + #""model.feedForward"?)"#
    ),
    Refusal(
      "a value of the wrong choice in a variant",
      #"{"name": "x", "seeds": [0], "variants": [{"label": "A", "set": {"model.feedForward": "#
        + #""reluu"}}]}"#,
      #"sweep.json: variants[0].set.model.feedForward: unknown value "reluu" (did you mean "#
        + #""relu"? allowed values are "geglu", "relu", "gelu")"#
    ),
    Refusal(
      "a variant sets a divergence threshold",
      #"{"name": "x", "seeds": [0], "variants": [{"label": "A", "set": {"divergence.capFactor": "#
        + #"5}}]}"#,
      #"sweep.json: variants[0].set: "divergence.capFactor" cannot be set here (divergence "#
        + #"thresholds belong in the top-level "divergence" section, the same for every run)"#
    ),
    Refusal(
      "the base sets divergence",
      #"{"name": "x", "seeds": [0], "base": {"divergence": {"capFactor": 5}}}"#,
      #"sweep.json: base.divergence: cannot be set here (divergence thresholds belong in the "#
        + #"top-level "divergence" section, the same for every run)"#
    ),
    Refusal(
      "the base sets the seed", #"{"name": "x", "seeds": [0], "base": {"seed": 4}}"#,
      #"sweep.json: base.seed: cannot be set here (seeds belong in the top-level "seeds", e.g. "#
        + #""seeds": {"count": 12} or [0, 1, 5])"#
    ),
    Refusal(
      "an impossible base", #"{"name": "x", "seeds": [0], "base": {"model": {"headCount": 3}}}"#,
      "sweep.json: base.model.headCount: must divide channels (128), got 3 (divisors of 128: 1, 2, "
        + "4, 8, 16, 32, 64, 128)"
    ),
    Refusal(
      "impossible divergence thresholds",
      #"{"name": "x", "seeds": [0], "divergence": {"zMinimumCount": 500}}"#,
      "sweep.json: divergence.zMinimumCount: must be ≤ zWindow (128), got 500"),
  ]

  /// Axes and zips.
  static let axes: [Refusal] = [
    Refusal(
      "axes empty", #"{"name": "x", "seeds": [0], "axes": []}"#,
      #"sweep.json: axes: must not be empty (leave "axes" out for no grid)"#),
    Refusal(
      "axis values empty",
      #"{"name": "x", "seeds": [0], "axes": [{"key": "steps", "values": []}]}"#,
      "sweep.json: axes[0].values: must not be empty (an axis needs at least one value)"),
    Refusal(
      "an unknown axis key path",
      #"{"name": "x", "seeds": [0], "axes": [{"key": "model.routerZLoss", "values": [0, 0.001]}]}"#,
      #"sweep.json: axes[0].key: unknown key path "model.routerZLoss" (did you mean "#
        + #""model.routerZLossCoefficient"?)"#
    ),
    Refusal(
      "an axis key without its section",
      #"{"name": "x", "seeds": [0], "axes": [{"key": "learningRate", "values": [0.01]}]}"#,
      #"sweep.json: axes[0].key: unknown key path "learningRate" (did you mean "#
        + #""schedule.learningRate"?)"#
    ),
    Refusal(
      "an axis over a section",
      #"{"name": "x", "seeds": [0], "axes": [{"key": "optimizer.adamW", "values": [{}]}]}"#,
      #"sweep.json: axes[0].key: "optimizer.adamW" is a section, not a value (set its keys one by "#
        + #"one, e.g. "optimizer.adamW.beta1")"#
    ),
    Refusal(
      "an axis over the seed",
      #"{"name": "x", "seeds": [0], "axes": [{"key": "seed", "values": [1, 2]}]}"#,
      #"sweep.json: axes[0].key: "seed" cannot be set here (seeds belong in the top-level "#
        + #""seeds", e.g. "seeds": {"count": 12} or [0, 1, 5])"#
    ),
    Refusal(
      "an axis value of the wrong type",
      #"{"name": "x", "seeds": [0], "axes": [{"key": "model.routerZLossCoefficient", "values": "#
        + #"[0, 0.0001, "1e-3"]}]}"#,
      #"sweep.json: axes[0].values[2]: expected a number, found a string "1e-3" (write 0.001 "#
        + #"without quotes)"#
    ),
    Refusal(
      "a zipped value of the wrong type",
      #"{"name": "x", "seeds": [0], "axes": [{"zip": [{"key": "schedule.learningRate", "values": "#
        + #"[0.01, 0.02]}, {"key": "schedule.warmupSteps", "values": [10, 5.5]}]}]}"#,
      "sweep.json: axes[0].zip[1].values[1]: expected an integer, found a number 5.5"),
    Refusal(
      "an axis value twice",
      #"{"name": "x", "seeds": [0], "axes": [{"key": "schedule.learningRate", "values": [0.01, "#
        + #"1e-3, 0.001]}]}"#,
      "sweep.json: axes[0].values[2]: 0.001 is already at axes[0].values[1] (the values of an axis "
        + "must differ)"
    ),
    Refusal(
      "zip lengths differ",
      #"{"name": "x", "seeds": [0], "axes": [{"zip": [{"key": "schedule.learningRate", "values": "#
        + #"[0.001, 0.003]}, {"key": "schedule.warmupSteps", "values": [100, 50, 10]}]}]}"#,
      "sweep.json: axes[0].zip[1].values: has 3 values, but axes[0].zip[0].values has 2 (zipped "
        + "axes pair their values by position, so each needs as many)"
    ),
    Refusal(
      "a zip of one",
      #"{"name": "x", "seeds": [0], "axes": [{"zip": [{"key": "steps", "values": [1]}]}]}"#,
      #"sweep.json: axes[0].zip: a zip pairs two or more axes, found 1 (write a single axis as "#
        + #"{"key": …, "values": […]})"#
    ),
    Refusal(
      "a zip row twice",
      #"{"name": "x", "seeds": [0], "axes": [{"zip": [{"key": "steps", "values": [1, 1]}, {"key": "#
        + #""logEvery", "values": [2, 2]}]}]}"#,
      "sweep.json: axes[0].zip: the values at position 1 are already at position 0 (the points of "
        + "a zip must differ)"
    ),
    Refusal(
      "an axis with key and zip",
      #"{"name": "x", "seeds": [0], "axes": [{"key": "steps", "values": [1], "zip": []}]}"#,
      #"sweep.json: axes[0]: an axis has either "key" and "values", or "zip", not both"#),
    Refusal(
      "an axis without a key", #"{"name": "x", "seeds": [0], "axes": [{"values": [1]}]}"#,
      #"sweep.json: axes[0].key: required key is missing (an axis is {"key": "model.expertCount", "#
        + #""values": [4, 8]} or {"zip": […]})"#
    ),
    Refusal(
      "one key on two axes",
      #"{"name": "x", "seeds": [0], "axes": [{"key": "schedule.learningRate", "values": [0.01]}, "#
        + #"{"zip": [{"key": "schedule.learningRate", "values": [0.02]}, {"key": "steps", "#
        + #""values": [9]}]}]}"#,
      #"sweep.json: axes[1].zip[0].key: "schedule.learningRate" is already set by axes[0] (give a "#
        + #"key one axis with all its values; zip keys that change together)"#
    ),
    Refusal(
      "a variant sets an axis key",
      #"{"name": "x", "seeds": [0], "variants": [{"label": "A", "set": {"schedule.learningRate": "#
        + #"0.1}}], "axes": [{"key": "schedule.learningRate", "values": [0.01]}]}"#,
      #"sweep.json: variants[0].set: "schedule.learningRate" is also set by axes[0] (the axis "#
        + #"would replace the variant's value in every point; remove one)"#
    ),
  ]

  /// Key paths are suggested for a typo, a name cut short, a section left out or wrong, or a
  /// case slip; a bare key in several sections lists them all, nearest first.
  static let keyPathSuggestions: [Refusal] = [
    ("model.expertCont", #"did you mean "model.expertCount"?"#),
    ("model.learningRate", #"did you mean "schedule.learningRate"?"#),
    ("optimizer.adamw.beta2", #"did you mean "optimizer.adamW.beta2"?"#),
    ("adamW.beta2", #"did you mean "optimizer.adamW.beta2"?"#),
    ("kind", #"did you mean "data.kind", "schedule.kind" or "optimizer.kind"?"#),
    ("model.zLoss", "`stmoe-sweep model` prints every key with its default"),
  ].map { typed, suggestion in
    Refusal(
      "axis key \(typed)",
      #"{"name": "x", "seeds": [0], "axes": [{"key": "\#(typed)", "values": [1]}]}"#,
      #"sweep.json: axes[0].key: unknown key path "\#(typed)" (\#(suggestion))"#)
  }

  /// Errors found only once a point's config is resolved: at the value that set the offending
  /// key, or at the setting without which the point would be valid, naming the point.
  static let resolvedConfigs: [Refusal] = [
    Refusal(
      "an impossible variant",
      #"{"name": "x", "seeds": [0], "variants": [{"label": "Baseline"}, {"label": "Wide", "set": "#
        + #"{"model.channels": 90}}]}"#,
      #"sweep.json: variants[1].set.model.channels: point "Wide" is invalid: model.headCount: "#
        + #"must divide channels (90), got 4 (divisors of 90: 1, 2, 3, 5, 6, 9, 10, 15, 18, 30, "#
        + #"45, 90)"#
    ),
    Refusal(
      "an impossible combination",
      #"{"name": "x", "seeds": [0], "variants": [{"label": "Top-2", "set": "#
        + #"{"model.expertsPerToken": 2}}], "axes": [{"key": "model.expertCount", "values": [8, "#
        + #"1]}]}"#,
      #"sweep.json: variants[0].set.model.expertsPerToken: must be 1 or 2 and at most expertCount "#
        + #"(1), got 2, in point "Top-2, expertCount=1""#
    ),
    Refusal(
      "an impossible axis value",
      #"{"name": "x", "seeds": [0], "axes": [{"key": "model.dropoutRate", "values": [0.1, 1.5]}]}"#,
      "sweep.json: axes[0].values[1]: must be in [0, 1), got 1.5"),
    Refusal(
      "two variants with one config",
      #"{"name": "x", "seeds": [0], "variants": [{"label": "GEGLU"}, {"label": "Also GEGLU", "#
        + #""set": {"model.feedForward": "geglu"}}]}"#,
      #"sweep.json: variants[1]: point "Also GEGLU" resolves to the same run config as point "#
        + #""GEGLU" (each of its runs would repeat one; remove it or change what it sets)"#
    ),
    Refusal(
      "two axis values with one config",
      #"{"name": "x", "seeds": [0], "axes": [{"key": "model.routerJitter", "values": [0, 0.0]}]}"#,
      #"sweep.json: axes[0].values[1]: point "routerJitter=0.0" resolves to the same run config "#
        + #"as point "routerJitter=0" (each of its runs would repeat one; remove it or change "#
        + #"what it sets)"#
    ),
    Refusal(
      "a baseline that is no label",
      #"{"name": "x", "seeds": [0], "variants": [{"label": "Baseline"}, {"label": "B", "set": "#
        + #"{"steps": 9}}], "baseline": "Basline"}"#,
      #"sweep.json: baseline: "Basline" is not the label of a variant or a point (did you mean "#
        + #""Baseline"?)"#
    ),
    Refusal(
      "a baseline far from every label",
      #"{"name": "x", "seeds": [0], "variants": [{"label": "A"}, {"label": "B", "set": {"steps": "#
        + #"9}}], "baseline": "control"}"#,
      #"sweep.json: baseline: "control" is not the label of a variant or a point (labels are "A", "#
        + #""B")"#
    ),
  ]

  /// A mistyped count cannot make the plan allocate forever.
  static let limits: [Refusal] = {
    let steps = (0..<2000).map(String.init).joined(separator: ", ")
    return [
      Refusal(
        "a seed count beyond the limit", #"{"name": "x", "seeds": {"count": 1000000000000}}"#,
        "sweep.json: seeds.count: must be at most 1000000 (a sweep's limit), got 1000000000000"),
      Refusal(
        "points times seeds beyond the limit",
        #"{"name": "x", "seeds": {"count": 1000}, "axes": [{"key": "steps", "values": "#
          + #"[\#(steps)]}]}"#,
        "sweep.json: 2000 points × 1000 seeds is more than 1000000 runs (split the sweep into "
          + "several)"
      ),
    ]
  }()
}
