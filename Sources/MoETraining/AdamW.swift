import Foundation
import MoEKernels

/// Adam with bias correction and *independent* weight decay.
///
/// AdamW (Loshchilov & Hutter) in the "independent" form of Wortsman et al. 2023.
///
/// With lr the scheduled learning rate at 0-based `step`, t = step + 1, η the peak learning
/// rate and s = lr/η the schedule factor (0 when η = 0):
///
///     m ← β₁·m + (1 − β₁)·g           v ← β₂·v + (1 − β₂)·g²
///     m̂ = m / (1 − β₁ᵗ)               v̂ = v / (1 − β₂ᵗ)
///     θ ← θ − lr·m̂/(√v̂ + ε) − s·λ·θ
///
/// The decay term uses θ before this step's update and is scaled by the schedule factor s, not
/// by lr: λ = 1e-4 removes 1e-4 of θ per step at the peak whatever the peak learning rate is
/// (the "coupled" form, θ −= lr·λ·θ, would tie decay strength to the swept learning rate).
///
/// lr in the Adam term is the scheduled rate times the slice's learning-rate multiplier (1
/// unless given; see ``OptimizerConfig``); the decay term is not multiplied.
///
/// **Numerics.** Moments are float32; the bias corrections 1 − βᵗ are computed in Double and
/// applied as float32 factors, so they are exact to float32 rounding at every t.
public struct AdamW: Optimizer {
  public let slices: [ParameterSlice]
  public let config: AdamWConfig
  public let peakLearningRate: Float
  /// One per slice; the slice's Adam step uses multiplier × the scheduled rate.
  public let learningRateMultipliers: [Float]
  private let firstMoment: FloatBuffer
  private let secondMoment: FloatBuffer
  private let stateOffsets: [Int]
  private var meter: UpdateMeter

  public init(
    slices: [ParameterSlice], config: AdamWConfig, peakLearningRate: Float,
    learningRateMultipliers: [Float]? = nil
  ) {
    precondition(
      peakLearningRate >= 0 && peakLearningRate.isFinite, "peak learning rate must be ≥ 0")
    self.slices = slices
    self.config = config
    self.peakLearningRate = peakLearningRate
    self.learningRateMultipliers = checkedLearningRateMultipliers(
      learningRateMultipliers, slices: slices)
    meter = UpdateMeter(slices: slices)
    var offsets: [Int] = []
    var total = 0
    for slice in slices {
      offsets.append(total)
      total += slice.count
    }
    stateOffsets = offsets
    firstMoment = FloatBuffer(count: total)
    secondMoment = FloatBuffer(count: total)
  }

  public mutating func step(
    parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
    learningRate: Float, step: Int, measuringUpdate: Bool
  ) -> UpdateStatistics {
    precondition(step >= 0, "AdamW step must be ≥ 0")
    let t = Double(step + 1)
    let beta1 = Float(config.beta1)
    let beta2 = Float(config.beta2)
    let inverseCorrection1 = Float(1 / (1 - pow(config.beta1, t)))
    let inverseCorrection2 = Float(1 / (1 - pow(config.beta2, t)))
    let epsilon = Float(config.epsilon)
    let scheduleFactor = peakLearningRate > 0 ? Double(learningRate) / Double(peakLearningRate) : 0
    let decay = Float(scheduleFactor * config.weightDecay)
    meter.reset()
    for (index, slice) in slices.enumerated() {
      let theta = parameters + slice.range.lowerBound
      let grad = gradients + slice.range.lowerBound
      let m = firstMoment.base + stateOffsets[index]
      let v = secondMoment.base + stateOffsets[index]
      let rate = learningRate * learningRateMultipliers[index]
      let squares = interleavedSum(slice.count) { k in
        let g = grad[k]
        m[k] = beta1 * m[k] + (1 - beta1) * g
        v[k] = beta2 * v[k] + (1 - beta2) * (g * g)
        let mHat = m[k] * inverseCorrection1
        let vHat = v[k] * inverseCorrection2
        let old = theta[k]
        let new = old - rate * mHat / (vHat.squareRoot() + epsilon) - decay * old
        theta[k] = new
        let change = Double(new) - Double(old)
        return change * change
      }
      meter.add(squares, slice: index)
    }
    return meter.statistics(clippedFraction: nil)
  }
}
