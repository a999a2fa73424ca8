import MoEKernels

/// Stochastic gradient descent with optional heavy-ball momentum (PyTorch's form, no dampening).
///
///     μ = 0:  θ ← θ − lr·g
///     μ > 0:  b ← μ·b + g  (b starts at 0, so b = g after the first step);  θ ← θ − lr·b
///
/// lr is the scheduled rate times the slice's learning-rate multiplier (1 unless given; see
/// ``OptimizerConfig``). Momentum state is allocated only when μ > 0.
public struct SGD: Optimizer {
  public let slices: [ParameterSlice]
  public let config: SGDConfig
  /// One per slice; the slice's step uses multiplier × the scheduled rate.
  public let learningRateMultipliers: [Float]
  private let momentumBuffer: FloatBuffer?
  private let stateOffsets: [Int]
  private var meter: UpdateMeter

  public init(
    slices: [ParameterSlice], config: SGDConfig, learningRateMultipliers: [Float]? = nil
  ) {
    self.slices = slices
    self.config = config
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
    momentumBuffer = config.momentum > 0 ? FloatBuffer(count: total) : nil
  }

  public mutating func step(
    parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
    learningRate: Float, step: Int, measuringUpdate: Bool
  ) -> UpdateStatistics {
    let momentum = Float(config.momentum)
    meter.reset()
    for (index, slice) in slices.enumerated() {
      let theta = parameters + slice.range.lowerBound
      let grad = gradients + slice.range.lowerBound
      let buffer = momentumBuffer.map { $0.base + stateOffsets[index] }
      let rate = learningRate * learningRateMultipliers[index]
      let squares = interleavedSum(slice.count) { k in
        var direction = grad[k]
        if let buffer {
          buffer[k] = momentum * buffer[k] + direction
          direction = buffer[k]
        }
        let old = theta[k]
        let new = old - rate * direction
        theta[k] = new
        let change = Double(new) - Double(old)
        return change * change
      }
      meter.add(squares, slice: index)
    }
    return meter.statistics(clippedFraction: nil)
  }
}
