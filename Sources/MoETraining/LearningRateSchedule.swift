import Foundation

/// Learning rate as a pure function of the 0-based step.
///
/// With η = learningRate, W = warmupSteps, S = totalSteps, η_min = minimumLearningRate:
///
///     constant:           η
///     linearWarmup:       η·min(1, (step + 1)/W)                 (η for every step if W = 0)
///     inverseSquareRoot:  η·√(W / max(step + 1, W))              (T5 / ST-MoE / Mesh-TF form)
///     cosine:             linear warm-up as above for step < W, then
///                         η_min + (η − η_min)·½(1 + cos(π·p)),  p = min(1, (step − W)/(S − W))
///
/// The warm-up ramp reaches η at step W − 1, so the first step already trains (rate η/W).
/// `inverseSquareRoot` has **no** linear ramp: its "warm-up" is the constant phase of T5's
/// rsqrt schedule, whose Mesh-TF default min(1/√(step + 1), 0.01) is this with η = 0.01,
/// W = 10⁴. `cosine` stays at η_min after S. Rates are computed in Double and rounded once.
public struct LearningRateSchedule: Hashable, Sendable {
  public let config: ScheduleConfig

  public init(_ config: ScheduleConfig) {
    self.config = config
  }

  /// The peak rate η, which AdamW's independent weight decay divides by.
  public var peakLearningRate: Float { Float(config.learningRate) }

  /// The learning rate for 0-based `step`.
  public func learningRate(atStep step: Int) -> Float {
    precondition(step >= 0, "schedule step must be ≥ 0")
    let peak = config.learningRate
    let warmup = config.warmupSteps
    let position = Double(step + 1)
    let ramp = warmup > 0 ? min(1, position / Double(warmup)) : 1
    switch config.kind {
    case .constant:
      return Float(peak)
    case .linearWarmup:
      return Float(peak * ramp)
    case .inverseSquareRoot:
      return Float(peak * (Double(warmup) / max(position, Double(warmup))).squareRoot())
    case .cosine:
      if step < warmup { return Float(peak * ramp) }
      let length = Double(max(config.totalSteps - warmup, 1))
      let progress = min(1, Double(step - warmup) / length)
      let floor = config.minimumLearningRate
      return Float(floor + (peak - floor) * 0.5 * (1 + cos(Double.pi * progress)))
    }
  }
}
