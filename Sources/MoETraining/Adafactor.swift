import Foundation
import MoEKernels

/// Adafactor without momentum, as in Mesh-TF / T5 and ST-MoE (Shazeer & Stern 2018).
///
/// For every 2-D matrix G (one of the `stack` matrices of a slice), at t = step + 1:
///
///     β₂ₜ = 1 − t^(−c)                               (c = decayExponent; β₂₁ = 0)
///     factored (rows ≥ m and columns ≥ m, m = factoredMinimumDimension):
///       Rᵢ ← β₂ₜ·Rᵢ + (1 − β₂ₜ)·meanⱼ(Gᵢⱼ² + ε₁)    row means, one per row
///       Cⱼ ← β₂ₜ·Cⱼ + (1 − β₂ₜ)·meanᵢ(Gᵢⱼ² + ε₁)    column means, one per column
///       V̂ᵢⱼ = Rᵢ·Cⱼ / meanᵢ(Rᵢ)
///     otherwise:  V̂ ← β₂ₜ·V̂ + (1 − β₂ₜ)·(G² + ε₁)   elementwise
///     U = G / √V̂
///     Û = U / max(1, RMS(U)/d)                         (d = updateClipping; skipped if d = 0)
///     θ ← θ − α·Û,  α = m·lr·max(ε₂, RMS(θ))  if multiplyByParameterScale, else α = m·lr
///
/// m is the slice's learning-rate multiplier (1 unless given; see ``OptimizerConfig``). It
/// scales α only, after clipping, so a slice's update is m times its m = 1 update. With
/// `multiplyByParameterScale` ("relative steps", Mesh-TF's default) lr is a *relative* step:
/// every matrix moves by lr·max(ε₂, RMS(θ)) × Û, so a clipped update (RMS(Û) = d = 1) changes
/// the matrix by exactly the fraction lr of its RMS; the multiplier makes that fraction m·lr.
///
/// **Clipping group.** Update clipping and the parameter scale are computed per stacked
/// matrix, not over the whole slice: a slice stacked over layers holds what Mesh-TF stores as
/// one variable per layer, and Adafactor's RMS is per parameter tensor. (Mesh-TF keeps the
/// experts of one layer in a single [E, …] variable, so for expert slices, stacked over layers ×
/// experts, this clips each expert separately where Mesh-TF clips the layer's experts jointly.)
/// ``UpdateStatistics/clippedFraction`` counts these groups.
///
/// **Numerics.** Squares, row and column sums and RMS values are accumulated in Double; state
/// is stored in float32. V̂ is never formed: U = G·rsqrt(Rᵢ/mean(R))·rsqrt(Cⱼ), so R·C cannot
/// underflow even when every gradient is zero (then R = C = ε₁ and U = 0). A non-finite
/// gradient makes the affected update non-finite; it is not hidden.
public struct Adafactor: Optimizer {
  public let slices: [ParameterSlice]
  public let config: AdafactorConfig
  /// One per slice; the slice's step size α is multiplied by it.
  public let learningRateMultipliers: [Float]
  /// Second-moment state: per factored matrix rows R then columns C; per other matrix V̂.
  private let secondMoments: FloatBuffer
  private let stateOffsets: [Int]
  private let isFactored: [Bool]
  /// Scratch: U for one matrix, then one column factor per column.
  private let scratch: FloatBuffer
  private let largestMatrix: Int
  /// Double scratch: one running column sum per column.
  private let columnSumScratch: DoubleScratch
  private var meter: UpdateMeter

  public init(
    slices: [ParameterSlice], config: AdafactorConfig, learningRateMultipliers: [Float]? = nil
  ) {
    self.slices = slices
    self.config = config
    self.learningRateMultipliers = checkedLearningRateMultipliers(
      learningRateMultipliers, slices: slices)
    meter = UpdateMeter(slices: slices)
    let minimum = config.factoredMinimumDimension
    isFactored = slices.map { $0.rows >= minimum && $0.columns >= minimum }
    var offsets: [Int] = []
    var stateCount = 0
    for (slice, factored) in zip(slices, isFactored) {
      offsets.append(stateCount)
      stateCount +=
        slice.stack * (factored ? slice.rows + slice.columns : slice.rows * slice.columns)
    }
    stateOffsets = offsets
    secondMoments = FloatBuffer(count: stateCount)
    largestMatrix = slices.map { $0.rows * $0.columns }.max() ?? 0
    let widest = slices.map(\.columns).max() ?? 0
    scratch = FloatBuffer(count: largestMatrix + widest)
    columnSumScratch = DoubleScratch(count: widest)
  }

  /// The decay β₂ₜ = 1 − t^(−c) and its complement t^(−c), in Double, for 0-based `step`.
  public static func decay(step: Int, exponent: Double) -> (beta: Double, complement: Double) {
    let complement = pow(Double(step + 1), -exponent)
    return (1 - complement, complement)
  }

  public mutating func step(
    parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
    learningRate: Float, step: Int, measuringUpdate: Bool
  ) -> UpdateStatistics {
    precondition(step >= 0, "Adafactor step must be ≥ 0")
    let decay = Adafactor.decay(step: step, exponent: config.decayExponent)
    meter.reset()
    var groups = 0
    var clippedGroups = 0
    for (index, slice) in slices.enumerated() {
      let size = slice.rows * slice.columns
      let stateStride = isFactored[index] ? slice.rows + slice.columns : size
      var sliceSquares = 0.0
      for matrix in 0..<slice.stack {
        let theta = parameters + slice.range.lowerBound + matrix * size
        let grad = gradients + slice.range.lowerBound + matrix * size
        let state = secondMoments.base + stateOffsets[index] + matrix * stateStride
        var sumOfUSquares: Double
        var sumOfThetaSquares: Double?
        if isFactored[index] {
          sumOfUSquares = factoredDirection(
            grad: grad, rowState: state, columnState: state + slice.rows,
            rows: slice.rows, columns: slice.columns, decay: decay)
        } else {
          (sumOfUSquares, sumOfThetaSquares) = fullDirection(
            grad: grad, state: state, theta: theta, count: size, decay: decay)
        }
        let rms = (sumOfUSquares / Double(size)).squareRoot()
        var denominator = 1.0
        if config.updateClipping > 0, rms > config.updateClipping {
          denominator = rms / config.updateClipping
          clippedGroups += 1
        }
        groups += 1
        var stepSize = Double(learningRate) * Double(learningRateMultipliers[index])
        if config.multiplyByParameterScale {
          let thetaSquares = sumOfThetaSquares ?? Elementwise.sumOfSquares(theta, count: size)
          stepSize *= max(config.epsilon2, (thetaSquares / Double(size)).squareRoot())
        }
        sliceSquares += Adafactor.apply(
          direction: scratch.base, scale: Float(stepSize / denominator), to: theta, count: size,
          measuring: measuringUpdate)
      }
      meter.add(sliceSquares, slice: index)
    }
    return meter.statistics(
      clippedFraction: groups > 0 ? Double(clippedGroups) / Double(groups) : 0)
  }

  /// Updates R and C of one factored matrix and writes U into scratch; returns Σ U².
  ///
  /// Eight columns at a time: squares, row and column sums in Double lanes (sums reassociated,
  /// every element's arithmetic as in the scalar tail).
  private func factoredDirection(
    grad: UnsafePointer<Float>, rowState: UnsafeMutablePointer<Float>,
    columnState: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
    decay: (beta: Double, complement: Double)
  ) -> Double {
    let epsilon1 = config.epsilon1
    let columnSums = columnSumScratch.base
    columnSums.update(repeating: 0, count: columns)
    let lanesEnd = columns & ~7
    var rowMeanSum = 0.0
    for i in 0..<rows {
      let row = grad + i * columns
      var low = SIMD4<Double>(), high = SIMD4<Double>()
      for j in stride(from: 0, to: lanesEnd, by: 8) {
        let (gLow, gHigh) = LaneMath.widened(row.lanes(at: j))
        let squareLow = gLow * gLow + epsilon1, squareHigh = gHigh * gHigh + epsilon1
        columnSums.store(columnSums.lanes(at: j) + squareLow, at: j)
        columnSums.store(columnSums.lanes(at: j + 4) + squareHigh, at: j + 4)
        low += squareLow
        high += squareHigh
      }
      var rowSum = (low + high).sum()
      for j in lanesEnd..<columns {
        let g = Double(row[j])
        let square = g * g + epsilon1
        columnSums[j] += square
        rowSum += square
      }
      let updated = Float(
        decay.beta * Double(rowState[i]) + decay.complement * rowSum / Double(columns))
      rowState[i] = updated
      rowMeanSum += Double(updated)
    }
    let rowMean = rowMeanSum / Double(rows)
    let columnFactor = scratch.base + largestMatrix
    for j in 0..<columns {
      let updated = Float(
        decay.beta * Double(columnState[j]) + decay.complement * columnSums[j] / Double(rows))
      columnState[j] = updated
      columnFactor[j] = Float(1 / Double(updated).squareRoot())
    }
    var low = SIMD4<Double>(), high = SIMD4<Double>()
    var sumOfSquares = 0.0
    for i in 0..<rows {
      let rowFactor = Float(1 / (Double(rowState[i]) / rowMean).squareRoot())
      let row = grad + i * columns
      let direction = scratch.base + i * columns
      for j in stride(from: 0, to: lanesEnd, by: 8) {
        let u = row.lanes(at: j) * rowFactor * columnFactor.lanes(at: j)
        direction.store(u, at: j)
        let (uLow, uHigh) = LaneMath.widened(u)
        low += uLow * uLow
        high += uHigh * uHigh
      }
      for j in lanesEnd..<columns {
        let u = row[j] * rowFactor * columnFactor[j]
        direction[j] = u
        sumOfSquares += Double(u) * Double(u)
      }
    }
    return sumOfSquares + (low + high).sum()
  }

  /// Updates the full second moment of one unfactored matrix and writes U into scratch;
  /// returns Σ U² and Σ θ², the latter read in the same pass and summed exactly as
  /// `Elementwise.sumOfSquares` sums (same lanes, same order), so the parameter scale it gives
  /// is the separate pass's to the bit.
  private func fullDirection(
    grad: UnsafePointer<Float>, state: UnsafeMutablePointer<Float>, theta: UnsafePointer<Float>,
    count: Int, decay: (beta: Double, complement: Double)
  ) -> (directionSquares: Double, parameterSquares: Double) {
    let direction = scratch.base
    let epsilon1 = config.epsilon1
    var low = SIMD4<Double>(), high = SIMD4<Double>()
    var thetaLow = SIMD4<Double>(), thetaHigh = SIMD4<Double>()
    var k = 0
    while k + 8 <= count {
      let (tLow, tHigh) = LaneMath.widened(theta.lanes(at: k))
      thetaLow += tLow * tLow
      thetaHigh += tHigh * tHigh
      let g = grad.lanes(at: k)
      let (gLow, gHigh) = LaneMath.widened(g)
      let (sLow, sHigh) = LaneMath.widened(state.lanes(at: k))
      let updated = LaneMath.narrowed(
        decay.beta * sLow + decay.complement * (gLow * gLow + epsilon1),
        decay.beta * sHigh + decay.complement * (gHigh * gHigh + epsilon1))
      state.store(updated, at: k)
      let u = g / LaneMath.squareRoot(updated)
      direction.store(u, at: k)
      let (uLow, uHigh) = LaneMath.widened(u)
      low += uLow * uLow
      high += uHigh * uHigh
      k += 8
    }
    var sum = (low + high).sum()
    var thetaSum = (thetaLow + thetaHigh).sum()
    while k < count {
      let g = Double(grad[k])
      let updated = Float(decay.beta * Double(state[k]) + decay.complement * (g * g + epsilon1))
      state[k] = updated
      let u = grad[k] / updated.squareRoot()
      direction[k] = u
      sum += Double(u) * Double(u)
      thetaSum += Double(theta[k]) * Double(theta[k])
      k += 1
    }
    return (sum, thetaSum)
  }

  /// `θ −= scale·direction`; returns Σ (θ_new − θ_old)² of the stored values when
  /// `measuring`, else 0 (the stored θ are the same either way).
  static func apply(
    direction: UnsafePointer<Float>, scale: Float, to theta: UnsafeMutablePointer<Float>,
    count: Int, measuring: Bool = true
  ) -> Double {
    guard measuring else {
      var k = 0
      while k + 8 <= count {
        theta.store(theta.lanes(at: k) - scale * direction.lanes(at: k), at: k)
        k += 8
      }
      while k < count {
        theta[k] = theta[k] - scale * direction[k]
        k += 1
      }
      return 0
    }
    var low = SIMD4<Double>(), high = SIMD4<Double>()
    var k = 0
    while k + 8 <= count {
      let old = theta.lanes(at: k)
      let new = old - scale * direction.lanes(at: k)
      theta.store(new, at: k)
      let (oldLow, oldHigh) = LaneMath.widened(old)
      let (newLow, newHigh) = LaneMath.widened(new)
      low += (newLow - oldLow) * (newLow - oldLow)
      high += (newHigh - oldHigh) * (newHigh - oldHigh)
      k += 8
    }
    var sum = (low + high).sum()
    while k < count {
      let old = theta[k]
      let new = old - scale * direction[k]
      theta[k] = new
      let change = Double(new) - Double(old)
      sum += change * change
      k += 1
    }
    return sum
  }
}

/// A Double allocation for per-step sums, owned for the optimizer's lifetime.
final class DoubleScratch: @unchecked Sendable {
  let count: Int
  let base: UnsafeMutablePointer<Double>

  init(count: Int) {
    self.count = count
    base = .allocate(capacity: max(count, 1))
    base.initialize(repeating: 0, count: max(count, 1))
  }

  deinit { base.deallocate() }
}
