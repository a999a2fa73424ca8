import MoEConfig
import MoETraining

/// One cell of a sweep: a variant combined with one value of every axis. Its runs differ only
/// by seed.
public struct SweepPoint: Hashable, Sendable {
  /// Position in ``SweepPlan/points``.
  public let index: Int
  /// Unique within the sweep and stable while the file's variants and axes are unchanged:
  /// - the variant label alone when there are no axes (`Remove GEGLU`);
  /// - else the variant label (if there are variants) followed by `name=value` per axis key, in
  ///   axis order (`Baseline, routerZLossCoefficient=0.001, learningRate=0.003, warmupSteps=50`);
  ///   the name is the key path's last key, or as many trailing keys as it takes to tell the
  ///   sweep's axis keys apart (`optimizer.kind`, `schedule.kind`); the value is its canonical
  ///   JSON text, strings without quotes;
  /// - `base` for a sweep with neither variants nor axes.
  public let label: String
  /// The variant's label; nil when the file has no variants.
  public let variantLabel: String?
  /// The variant's position in the file; nil when the file has no variants.
  public let variantIndex: Int?
  /// The point's position along each axis, in axis order.
  public let axisPositions: [Int]
  /// The axis values that define the point: one per axis key, in axis order (zip members in
  /// file order), as written in the file.
  public let axisValues: [SweepSetting]

  /// The value axis key `keyPath` takes at this point, or nil if no axis sets it.
  public func axisValue(_ keyPath: String) -> JSONValue? {
    axisValues.first { $0.keyPath == keyPath }?.value
  }
}

/// One training run of a sweep: a point and a seed, with the config that defines it.
public struct PlannedRun: Hashable, Sendable {
  /// Position in ``SweepPlan/runs``: the `--index` of an array job.
  public let index: Int
  /// `configHash(config)`: 16 hex digits of the canonical JSON of the resolved config, seed
  /// and divergence thresholds included, the same hash `stmoe-sweep train` names runs by.
  public let id: String
  /// Position of the run's point in ``SweepPlan/points``.
  public let pointIndex: Int
  /// The point's label.
  public let label: String
  public let seed: Int
  /// The resolved config: base ← variant ← axis values ← seed ← the sweep's divergence section.
  public let config: RunConfig
}
