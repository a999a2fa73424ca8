import MoEConfig

/// The shape of the learning-rate schedule; the JSON value is the case name.
public enum ScheduleKind: String, Codable, Hashable, Sendable, CaseIterable {
  case constant, linearWarmup, inverseSquareRoot, cosine
}

/// The learning-rate schedule of a run.
///
/// The peak rate lives here because it is a first-class sweep axis; formulas are in
/// ``LearningRateSchedule``.
public struct ScheduleConfig: Codable, Hashable, Sendable, ValidatedConfig {
  public var kind = ScheduleKind.linearWarmup  // reference spec: constant after 100 warm-up steps
  public var learningRate = 1e-2  // peak rate η (Mesh-TF's cap; Wortsman sweeps 3e-4…3e-1)
  public var warmupSteps = 100  // linear ramp length; for inverseSquareRoot the constant phase
  public var minimumLearningRate = 1e-5  // cosine only: the rate reached at totalSteps
  public var totalSteps = 1000  // cosine only: the step at which the cosine ends

  public init() {}

  public func validate() throws(ConfigError) {
    try ConfigChecks.requireNonNegative(learningRate, key: "learningRate")
    try ConfigChecks.require(warmupSteps, atLeast: 0, key: "warmupSteps")
    if kind == .inverseSquareRoot {
      try ConfigChecks.require(
        warmupSteps, atLeast: 1, key: "warmupSteps",
        suggestion: "inverseSquareRoot divides by the warm-up length; T5 uses 10000")
    }
    if kind == .cosine {
      try ConfigChecks.require(
        minimumLearningRate, in: 0...max(learningRate, 0), key: "minimumLearningRate",
        suggestion: "the cosine decays from learningRate down to this value")
      try ConfigChecks.require(
        totalSteps, atLeast: warmupSteps + 1, key: "totalSteps",
        suggestion: "the cosine runs from warmupSteps to totalSteps")
    }
  }
}
