import MoEKernels

/// Pointers into the three parameter-shaped arenas of a model for one step: the weights the
/// passes compute with (the bfloat16-rounded copy in the bfloat16 modes, else the master
/// weights), the float32 master weights, and the gradients.
struct WeightViews {
  let layout: ParameterLayout
  let compute: UnsafeMutablePointer<Float>
  let master: UnsafeMutablePointer<Float>
  let gradients: UnsafeMutablePointer<Float>

  @inline(__always)
  func weight(_ name: ParameterName, _ index: Int = 0) -> UnsafeMutablePointer<Float> {
    compute + layout.offset(name, index)
  }

  /// The compute weight, or nil when the tensor is disabled (stack of 0).
  @inline(__always)
  func optionalWeight(_ name: ParameterName, _ index: Int = 0) -> UnsafeMutablePointer<Float>? {
    layout.slice(name).stack == 0 ? nil : weight(name, index)
  }

  @inline(__always)
  func masterWeight(_ name: ParameterName, _ index: Int = 0) -> UnsafeMutablePointer<Float> {
    master + layout.offset(name, index)
  }

  @inline(__always)
  func gradient(_ name: ParameterName, _ index: Int = 0) -> UnsafeMutablePointer<Float> {
    gradients + layout.offset(name, index)
  }

  @inline(__always)
  func optionalGradient(_ name: ParameterName, _ index: Int = 0) -> UnsafeMutablePointer<Float>? {
    layout.slice(name).stack == 0 ? nil : gradient(name, index)
  }

  /// Weights (or, with `gradients: true`, gradients) of dense FFN `index`.
  func denseFeedForward(_ index: Int, gradients: Bool = false) -> FeedForwardWeights {
    let pick = gradients ? optionalGradient : optionalWeight
    return FeedForwardWeights(
      gate: pick(.denseGateWeight, index), up: pick(.denseUpWeight, index)!,
      down: pick(.denseDownWeight, index)!, bias: nil)
  }

  /// Weights (or gradients) of expert `expert` in sparse layer `sparseIndex`.
  func expert(sparseIndex: Int, expert: Int, gradients: Bool = false) -> FeedForwardWeights {
    let pick = gradients ? optionalGradient : optionalWeight
    let index = sparseIndex * layout.config.expertCount + expert
    return FeedForwardWeights(
      gate: pick(.expertGateWeight, index), up: pick(.expertUpWeight, index)!,
      down: pick(.expertDownWeight, index)!, bias: pick(.expertBias, index))
  }
}

/// Where the step is: what randomness and capacity it uses.
struct StepContext {
  var training: Bool
  var step: Int
  var seed: UInt64
  /// Leave the logged-only routing metrics for ``Transformer/completeLoggedStatistics(_:)``.
  var defersLoggedStatistics = false

  /// A random stream for `purpose` at this step, in layer `layer`, at `site` within it.
  func random(_ purpose: RandomPurpose, layer: Int, site: UInt64 = 0) -> RandomStream {
    RandomStream(seed: seed, purpose.rawValue, UInt64(step), UInt64(layer), site)
  }
}
