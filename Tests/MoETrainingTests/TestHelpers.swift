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
  #expect(abs(actual - expected) <= tolerance, "\(actual) vs expected \(expected)",
    sourceLocation: sourceLocation)
}
