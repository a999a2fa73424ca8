import MoEKernels
import MoEModel

/// An optimizer that updates a flat parameter arena in place from a flat gradient arena.
///
/// Both arenas share one layout, described by the ``ParameterSlice`` list the optimizer was
/// built from; only elements inside those slices are read or written. Optimizer state lives in
/// float32 arenas allocated once at construction, so a step allocates no tensors. The arenas
/// are reference types: a copy of an optimizer shares its state with the original, so keep one
/// optimizer per parameter arena.
///
/// `step` is the 0-based global step (the optimizer keeps no step counter of its own, so a
/// resumed run passes the step it resumes at); formulas below use t = step + 1.
public protocol Optimizer: Sendable {
  /// The parameter tensors this optimizer updates, in the order of the statistics it reports.
  var slices: [ParameterSlice] { get }

  /// Applies one update `θ ← θ − Δ(g)` with learning rate `learningRate` at 0-based `step`.
  ///
  /// With `measuringUpdate` false the caller will not read the update sizes, and an optimizer
  /// may skip measuring them (Adafactor does: its ``UpdateStatistics/updateRMS`` and
  /// ``UpdateStatistics/sliceUpdateRMS`` are then 0); the update itself is the same.
  mutating func step(
    parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
    learningRate: Float, step: Int, measuringUpdate: Bool
  ) -> UpdateStatistics
}

extension Optimizer {
  /// One update with its sizes measured.
  public mutating func step(
    parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
    learningRate: Float, step: Int
  ) -> UpdateStatistics {
    self.step(
      parameters: parameters, gradients: gradients, learningRate: learningRate, step: step,
      measuringUpdate: true)
  }
}

/// How big the last update was.
///
/// Update sizes are measured on the stored values, `θ_new − θ_old` after float32 rounding,
/// with squares summed in Double.
public struct UpdateStatistics: Hashable, Sendable {
  /// RMS of `θ_new − θ_old` over every parameter element in every slice.
  public var updateRMS: Double
  /// RMS of `θ_new − θ_old` within each slice, in the optimizer's slice order.
  public var sliceUpdateRMS: [Double]
  /// Adafactor only: the fraction of clipping groups (stacked matrices) whose update was
  /// scaled down by update clipping; `nil` for optimizers without update clipping.
  public var clippedFraction: Double?

  public init(updateRMS: Double, sliceUpdateRMS: [Double], clippedFraction: Double?) {
    self.updateRMS = updateRMS
    self.sliceUpdateRMS = sliceUpdateRMS
    self.clippedFraction = clippedFraction
  }
}

extension OptimizerConfig {
  /// The optimizer named by ``kind``, with its state allocated for `slices`.
  ///
  /// `peakLearningRate` is the schedule's peak (``ScheduleConfig/learningRate``); only AdamW
  /// uses it, to turn the current learning rate into the schedule factor of its weight decay.
  /// The router weights (``ParameterName/routerWeight``) get ``routerLearningRateMultiplier``.
  public func makeOptimizer(slices: [ParameterSlice], peakLearningRate: Float) -> any Optimizer {
    let multipliers = learningRateMultipliers(for: slices)
    switch kind {
    case .adafactor:
      return Adafactor(slices: slices, config: adafactor, learningRateMultipliers: multipliers)
    case .adamW:
      return AdamW(
        slices: slices, config: adamW, peakLearningRate: peakLearningRate,
        learningRateMultipliers: multipliers)
    case .sgd: return SGD(slices: slices, config: sgd, learningRateMultipliers: multipliers)
    }
  }

  /// One learning-rate multiplier per slice: the router multiplier for router weights, else 1.
  public func learningRateMultipliers(for slices: [ParameterSlice]) -> [Float] {
    slices.map {
      $0.name == ParameterName.routerWeight.rawValue ? Float(routerLearningRateMultiplier) : 1
    }
  }
}

/// The per-slice learning-rate multipliers an optimizer was given (all 1 when none).
func checkedLearningRateMultipliers(_ multipliers: [Float]?, slices: [ParameterSlice]) -> [Float] {
  guard let multipliers else { return Array(repeating: 1, count: slices.count) }
  precondition(multipliers.count == slices.count, "one learning-rate multiplier per slice")
  precondition(
    multipliers.allSatisfy { $0 >= 0 && $0.isFinite }, "learning-rate multipliers must be ≥ 0")
  return multipliers
}

/// Sums of squared update components per slice, turned into ``UpdateStatistics`` at the end.
///
/// The only allocation of a step is the small per-slice RMS array of the returned statistics.
struct UpdateMeter: Sendable {
  private(set) var squares: [Double]
  private let counts: [Int]
  private let totalCount: Int

  init(slices: [ParameterSlice]) {
    for slice in slices {
      precondition(
        slice.count == slice.stack * slice.rows * slice.columns && slice.range.lowerBound >= 0,
        "parameter slice \(slice.name) has a range that does not match its shape")
    }
    squares = Array(repeating: 0, count: slices.count)
    counts = slices.map(\.count)
    totalCount = counts.reduce(0, +)
  }

  mutating func reset() {
    for index in squares.indices { squares[index] = 0 }
  }

  mutating func add(_ sumOfSquares: Double, slice index: Int) {
    squares[index] += sumOfSquares
  }

  func statistics(clippedFraction: Double?) -> UpdateStatistics {
    let total = squares.reduce(0, +)
    var perSlice = squares
    for index in perSlice.indices {
      perSlice[index] =
        counts[index] > 0 ? (perSlice[index] / Double(counts[index])).squareRoot() : 0
    }
    return UpdateStatistics(
      updateRMS: totalCount > 0 ? (total / Double(totalCount)).squareRoot() : 0,
      sliceUpdateRMS: perSlice, clippedFraction: clippedFraction)
  }
}
