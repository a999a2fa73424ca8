import Foundation
import MoEConfig
import MoETraining
import Testing

/// `sweeps/fragments/paper-optimizer.json` is the optimizer setting of ST-MoE and Mesh-TF, so
/// that a learning rate means what it means in the paper.
///
/// Reference values: Mesh-TF's `AdafactorOptimizer` defaults, including its default rate
/// min(1/√(step + 1), 0.01), the relative step size of Shazeer & Stern 2018 (ST-MoE §6.2:
/// Adafactor with default hyperparameters, 10k warm-up steps then inverse-square-root decay).
@Suite struct PaperOptimizerFragmentTests {
  static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("sweeps/fragments/paper-optimizer.json").path

  /// The file is a valid (partial) run config, usable as `train --config` and as a sweep's base.
  @Test func fragmentIsMeshTensorFlowsAdafactor() throws {
    let run = try ConfigDecoder.decode(RunConfig.self, contentsOfFile: Self.path)
    try run.validate()
    let optimizer = run.optimizer
    #expect(optimizer.kind == .adafactor)
    #expect(optimizer.gradientClipNorm == 0)  // Adafactor clips updates, not gradients
    #expect(optimizer.routerLearningRateMultiplier == 1)
    let adafactor = optimizer.adafactor
    #expect(adafactor.multiplyByParameterScale)  // multiply_by_parameter_scale=True
    #expect(adafactor.updateClipping == 1)  // clipping_threshold=1.0
    #expect(adafactor.decayExponent == 0.8)  // decay rate 1 − (t)^−0.8
    #expect(adafactor.epsilon1 == 1e-30 && adafactor.epsilon2 == 1e-3)
    #expect(adafactor.factoredMinimumDimension == 128)  // min_dim_size_to_factor=128
    #expect(run.schedule.kind == .inverseSquareRoot)
  }

  /// The schedule is Mesh-TF's default relative step min(0.01, 1/√t), t = step + 1.
  @Test func scheduleIsTheRelativeStepSizeOfTheAdafactorPaper() throws {
    let run = try ConfigDecoder.decode(RunConfig.self, contentsOfFile: Self.path)
    let schedule = LearningRateSchedule(run.schedule)
    for step in [0, 99, 9_999, 10_000, 39_999, 999_999] {
      let expected = min(0.01, 1 / Double(step + 1).squareRoot())
      let actual = Double(schedule.learningRate(atStep: step))
      #expect(abs(actual - expected) <= 1e-7 * expected, "step \(step): \(actual) vs \(expected)")
    }
  }
}
