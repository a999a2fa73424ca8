/// What the papers report for a row of a study, and which way they say it goes.
///
/// Numbers are ST-MoE Tables 2–4 (Zoph et al. 2022; 6 baseline seeds, 3 per intervention,
/// quality = negative log perplexity) and Switch Transformer Table 2 (Fedus et al. 2022), as
/// transcribed in the project's reference notes; rows the papers argue for without a table
/// carry only the direction and the section that argues it.
public struct PaperRow: Sendable {
  public enum Expectation: String, Sendable {
    /// The paper finds the row more stable than its baseline.
    case moreStable = "more stable"
    /// The paper finds the row less stable than its baseline.
    case lessStable = "less stable"
    /// The paper gives no direction against the baseline.
    case none = "—"
  }

  /// The row's label in our sweep file.
  public var label: String
  /// The paper's fraction stable (e.g. "4/6"), or its qualitative outcome ("diverged").
  public var paperStable: String?
  public var paperQuality: Double?
  public var paperQualitySD: Double?
  /// The paper's quality minus the paper's baseline quality, when both are tabulated.
  public var paperQualityDelta: Double?
  public var expectation: Expectation
  public var source: String

  public init(
    label: String, paperStable: String? = nil, paperQuality: Double? = nil,
    paperQualitySD: Double? = nil,
    paperQualityDelta: Double? = nil, expectation: Expectation = .none, source: String
  ) {
    self.label = label
    self.paperStable = paperStable
    self.paperQuality = paperQuality
    self.paperQualitySD = paperQualitySD
    self.paperQualityDelta = paperQualityDelta
    self.expectation = expectation
    self.source = source
  }
}

/// A study: one sweep file in `sweeps/`, its title and the paper rows it reproduces.
public struct Study: Sendable {
  public var name: String
  public var title: String
  public var rows: [PaperRow]
  public var note: String
}

/// The studies `stmoe-sweep tables` regenerates, in `TABLES.md` order.
public enum StudyCatalog {
  static let stmoeBaseline = -1.755

  static func stmoe(_ label: String, _ stable: String, _ quality: Double, _ sd: Double, table: Int)
    -> PaperRow
  {
    PaperRow(
      label: label, paperStable: stable, paperQuality: quality, paperQualitySD: sd,
      paperQualityDelta: label.hasPrefix("Baseline") ? nil : quality - stmoeBaseline,
      expectation: label.hasPrefix("Baseline") ? .none : .moreStable,
      source: "ST-MoE Table \(table)")
  }

  public static let studies: [Study] = [
    Study(
      name: "table2", title: "Table 2: removing multiplicative components",
      rows: [
        stmoe("Baseline", "4/6", -1.755, 0.02, table: 2),
        stmoe("Remove GEGLU", "3/3", -1.849, 0.02, table: 2),
        stmoe("Remove RMSNorm scale", "3/3", -2.020, 0.06, table: 2),
      ],
      note:
        "The paper: both removals stabilise, at a cost in quality (the norm scale's much larger)."),
    Study(
      name: "table3", title: "Table 3: adding noise",
      rows: [
        stmoe("Baseline", "4/6", -1.755, 0.02, table: 3),
        stmoe("Input jitter (1e-2)", "3/3", -1.777, 0.03, table: 3),
        stmoe("Dropout (0.1)", "3/3", -1.822, 0.11, table: 3),
      ], note: "The paper: both stabilise, at a cost in quality."),
    Study(
      name: "table4", title: "Table 4: constraining activations and gradients",
      rows: [
        stmoe("Baseline", "4/6", -1.755, 0.02, table: 4),
        stmoe("Update clipping (clip = 0.1)", "3/3", -4.206, 0.17, table: 4),
        stmoe("Router z-loss", "3/3", -1.741, 0.02, table: 4),
      ],
      note:
        "The paper: both stabilise; update clipping ruins quality, the z-loss alone also improves it."
    ),
    Study(
      name: "precision", title: "Precision: bfloat16, float32 and selective float32",
      rows: [
        PaperRow(
          label: "bfloat16", paperStable: "diverged", paperQuality: -3.780, source: "Switch Table 2"
        ),
        PaperRow(
          label: "float32", paperStable: "stable", paperQuality: -1.718,
          paperQualityDelta: -1.718 + 3.780,
          expectation: .moreStable, source: "Switch Table 2"),
        PaperRow(
          label: "bfloat16, router in float32", paperStable: "stable", paperQuality: -1.716,
          paperQualityDelta: -1.716 + 3.780, expectation: .moreStable, source: "Switch Table 2"),
        PaperRow(
          label: "bfloat16, exponentiated tensors in float32", expectation: .moreStable,
          source: "ST-MoE §3.4"),
      ],
      note:
        "Switch Transformer Table 2 is one run per row, early in training; ST-MoE §3.4 casts every exponentiated tensor to float32 without a table."
    ),
    Study(
      name: "zloss", title: "Router z-loss coefficient (ST-MoE Appendix B, Figure 7)",
      rows: [PaperRow(label: "No z-loss", source: "ST-MoE Figure 7")]
        + ["1e-4", "1e-3", "1e-2", "1e-1"].map {
          PaperRow(label: "z-loss \($0)", expectation: .moreStable, source: "ST-MoE §3.3, Figure 7")
        },
      note:
        "The paper: 1e-3 gave the best quality in its sweep; from 1e-2 up the z-loss shrinks to near zero. Figure: figures/router-z-loss.svg."
    ),
    Study(
      name: "clipping", title: "Router logit clipping against the router z-loss",
      rows: [PaperRow(label: "Baseline", source: "ST-MoE §3.4")]
        + [5, 10, 20].map { PaperRow(label: "Logit clipping (c = \($0))", source: "ST-MoE §3.4") }
        + [PaperRow(label: "Router z-loss", expectation: .moreStable, source: "ST-MoE Table 4")],
      note:
        "The paper argues clipping is worse than the z-loss because it acts after roundoff; it gives no numbers for clipping."
    ),
    Study(
      name: "lrsensitivity", title: "Learning-rate sensitivity (Wortsman et al. 2023)",
      rows: [],
      note:
        "Wortsman et al.: QK-layernorm and the (output) z-loss lower learning-rate sensitivity. Both are in every arm here, so the sweep asks whether the router z-loss (1e-3) lowers it further."
    ),
  ]
}
