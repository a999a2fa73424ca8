import Foundation
import MoEKernels
import MoETestSupport
import MoETraining
import Testing

/// Adafactor at sizes where its eight-lane loops and scalar tails both run, against a plain
/// double-precision implementation of the formulas in `Adafactor`'s documentation (written
/// here from the formulas, not from the optimizer's code). The optimizer keeps its state in
/// float32 and reassociates its sums, so parameters agree to 1e-6 absolute (updates are
/// ≈ lr = 0.05 in size; float32 state costs ≈ 1e-7 relative).
@Suite struct AdafactorReferenceTests {
  /// One matrix of Adafactor in Double: factored (row and column moments) or full.
  struct ReferenceMatrix {
    var rows: Int, columns: Int, factored: Bool
    var rowMoments: [Double], columnMoments: [Double], full: [Double]

    init(rows: Int, columns: Int, factored: Bool) {
      self.rows = rows
      self.columns = columns
      self.factored = factored
      rowMoments = Array(repeating: 0, count: rows)
      columnMoments = Array(repeating: 0, count: columns)
      full = Array(repeating: 0, count: rows * columns)
    }

    mutating func update(theta: inout [Double], gradient g: [Float], lr: Double, beta: Double) {
      let epsilon = 1e-30
      var u = [Double](repeating: 0, count: rows * columns)
      if factored {
        for i in 0..<rows {
          let mean =
            (0..<columns).reduce(0.0) {
              $0 + Double(g[i * columns + $1]) * Double(g[i * columns + $1]) + epsilon
            } / Double(columns)
          rowMoments[i] = beta * rowMoments[i] + (1 - beta) * mean
        }
        for j in 0..<columns {
          let mean =
            (0..<rows).reduce(0.0) {
              $0 + Double(g[$1 * columns + j]) * Double(g[$1 * columns + j]) + epsilon
            } / Double(rows)
          columnMoments[j] = beta * columnMoments[j] + (1 - beta) * mean
        }
        let rowMean = rowMoments.reduce(0, +) / Double(rows)
        for i in 0..<rows {
          for j in 0..<columns {
            u[i * columns + j] =
              Double(g[i * columns + j]) / (rowMoments[i] * columnMoments[j] / rowMean).squareRoot()
          }
        }
      } else {
        for k in 0..<(rows * columns) {
          full[k] = beta * full[k] + (1 - beta) * (Double(g[k]) * Double(g[k]) + epsilon)
          u[k] = Double(g[k]) / full[k].squareRoot()
        }
      }
      let rms = (u.reduce(0) { $0 + $1 * $1 } / Double(u.count)).squareRoot()
      let denominator = max(1, rms / 1.0)
      for k in u.indices { theta[k] -= lr * u[k] / denominator }
    }
  }

  @Test func lanesAndTailsAgreeWithADoubleReference() {
    let shapes = [(rows: 12, columns: 19, factored: true), (rows: 3, columns: 21, factored: false)]
    var offset = 0
    let slices = shapes.enumerated().map { index, shape in
      defer { offset += shape.rows * shape.columns }
      return ParameterSlice(
        name: "w\(index)", offset: offset, stack: 1, rows: shape.rows, columns: shape.columns)
    }
    var config = AdafactorConfig()
    config.factoredMinimumDimension = 12
    var optimizer = Adafactor(slices: slices, config: config)
    var references = shapes.map {
      ReferenceMatrix(rows: $0.rows, columns: $0.columns, factored: $0.factored)
    }
    var theta = TestData.floats(offset, seed: 61)
    var referenceTheta = theta.map(Double.init)
    for step in 0..<3 {
      // Large gradients on step 1 make update clipping engage there.
      let gradient = TestData.floats(offset, seed: 62 + UInt64(step), scale: step == 1 ? 50 : 1)
      _ = takeStep(
        &optimizer, parameters: &theta, gradients: gradient, learningRate: 0.05, step: step)
      let beta = Adafactor.decay(step: step, exponent: config.decayExponent).beta
      for (index, slice) in slices.enumerated() {
        var part = Array(referenceTheta[slice.range])
        references[index].update(
          theta: &part, gradient: Array(gradient[slice.range]), lr: 0.05, beta: beta)
        referenceTheta.replaceSubrange(slice.range, with: part)
      }
      expectClose(theta, referenceTheta, tolerance: 1e-6)
    }
  }
}
