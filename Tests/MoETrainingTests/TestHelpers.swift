import MoEKernels
import MoETraining
import Testing

/// Runs one optimizer step on Swift arrays.
func takeStep<O: Optimizer>(
  _ optimizer: inout O, parameters: inout [Float], gradients: [Float], learningRate: Float,
  step: Int
) -> UpdateStatistics {
  parameters.withUnsafeMutableBufferPointer { theta in
    gradients.withUnsafeBufferPointer { grad in
      optimizer.step(
        parameters: theta.baseAddress!, gradients: grad.baseAddress!,
        learningRate: learningRate, step: step)
    }
  }
}

/// Expects `actual` to match `expected` element by element within `tolerance` (absolute).
func expectClose(
  _ actual: [Float], _ expected: [Double], tolerance: Double = 1e-6,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(actual.count == expected.count, sourceLocation: sourceLocation)
  for (index, (a, e)) in zip(actual, expected).enumerated() {
    #expect(
      abs(Double(a) - e) <= tolerance, "element \(index): \(a) vs expected \(e)",
      sourceLocation: sourceLocation)
  }
}

/// Expects two doubles to agree within `tolerance` (absolute).
func expectClose(
  _ actual: Double, _ expected: Double, tolerance: Double = 1e-6,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(
    abs(actual - expected) <= tolerance, "\(actual) vs expected \(expected)",
    sourceLocation: sourceLocation)
}

/// One batch of `source` as arrays: training batch `index`, or held-out batch `index`.
func batch(
  _ source: any BatchSource, _ index: Int, evaluation: Bool = false
) -> (inputs: [Int32], targets: [Int32]) {
  let count = source.batchSize * source.sequenceLength
  var inputs = [Int32](repeating: -1, count: count)
  var targets = [Int32](repeating: -1, count: count)
  inputs.withUnsafeMutableBufferPointer { i in
    targets.withUnsafeMutableBufferPointer { t in
      if evaluation {
        source.evaluationBatch(index: index, into: i.baseAddress!, targets: t.baseAddress!)
      } else {
        source.trainingBatch(step: index, into: i.baseAddress!, targets: t.baseAddress!)
      }
    }
  }
  return (inputs, targets)
}

/// The rows of a (B, T) batch, each with its T + 1 tokens (inputs then the last target).
func sequences(
  _ batch: (inputs: [Int32], targets: [Int32]), sequenceLength t: Int
) -> [[Int32]] {
  stride(from: 0, to: batch.inputs.count, by: t).map { start in
    Array(batch.inputs[start..<(start + t)]) + [batch.targets[start + t - 1]]
  }
}
