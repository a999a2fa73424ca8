import MoETraining
import Testing

/// Schedule values at chosen steps, each worked out by hand.
@Suite struct LearningRateScheduleTests {
  func schedule(
    _ kind: ScheduleKind, rate: Double, warmup: Int, total: Int = 1000, minimum: Double = 0
  ) -> LearningRateSchedule {
    var config = ScheduleConfig()
    config.kind = kind
    config.learningRate = rate
    config.warmupSteps = warmup
    config.totalSteps = total
    config.minimumLearningRate = minimum
    return LearningRateSchedule(config)
  }

  func expectRate(
    _ schedule: LearningRateSchedule, at step: Int, _ expected: Double,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    expectClose(
      Double(schedule.learningRate(atStep: step)), expected, tolerance: 1e-7 * max(1, expected),
      sourceLocation: sourceLocation)
  }

  @Test func constantIgnoresTheStep() {
    let constant = schedule(.constant, rate: 0.01, warmup: 100)
    for step in [0, 1, 99, 100, 123_456] { expectRate(constant, at: step, 0.01) }
  }

  /// Linear warm-up ramps to the peak and holds.
  ///
  /// η = 0.01, W = 100: step 0 → 0.01·1/100 = 1e-4; step 49 → 0.01·50/100 = 0.005;
  /// step 99 → 0.01 (end of ramp); step 5000 → 0.01. W = 0 means no ramp.
  @Test func linearWarmupRampsThenHolds() {
    let warm = schedule(.linearWarmup, rate: 0.01, warmup: 100)
    expectRate(warm, at: 0, 1e-4)
    expectRate(warm, at: 49, 0.005)
    expectRate(warm, at: 99, 0.01)
    expectRate(warm, at: 5000, 0.01)
    expectRate(schedule(.linearWarmup, rate: 0.01, warmup: 0), at: 0, 0.01)
  }

  /// The inverse-square-root schedule is the T5 form.
  ///
  /// η = 0.01, W = 10⁴ equals Mesh-TF's min(1/√(step + 1), 0.01):
  /// step 0 and 9999 → 0.01; step 39 999 → 1/√40 000 = 1/200 = 0.005;
  /// step 999 999 → 1/√10⁶ = 0.001.
  @Test func inverseSquareRootMatchesTheT5Form() {
    let rsqrt = schedule(.inverseSquareRoot, rate: 0.01, warmup: 10_000)
    expectRate(rsqrt, at: 0, 0.01)
    expectRate(rsqrt, at: 9_999, 0.01)
    expectRate(rsqrt, at: 39_999, 0.005)
    expectRate(rsqrt, at: 999_999, 0.001)
  }

  /// Cosine warms up, decays to the minimum at totalSteps, then holds.
  ///
  /// η = 1, W = 10, S = 110 (cosine length 100), η_min = 0:
  /// step 0 → 1/10 = 0.1; step 9 → 1; step 10 → p = 0 → 1; step 35 → p = 0.25 →
  /// ½(1 + cos 45°) = ½(1 + 0.7071068) = 0.8535534; step 60 → p = 0.5 → 0.5; step 110 → 0;
  /// step 500 → 0. With η_min = 0.1: step 60 → 0.1 + 0.9·0.5 = 0.55, step 500 → 0.1.
  @Test func cosineWarmsUpThenDecaysToTheMinimum() {
    let cosine = schedule(.cosine, rate: 1, warmup: 10, total: 110)
    expectRate(cosine, at: 0, 0.1)
    expectRate(cosine, at: 9, 1)
    expectRate(cosine, at: 10, 1)
    expectRate(cosine, at: 35, 0.8535534)
    expectRate(cosine, at: 60, 0.5)
    expectRate(cosine, at: 110, 0)
    expectRate(cosine, at: 500, 0)
    let floored = schedule(.cosine, rate: 1, warmup: 10, total: 110, minimum: 0.1)
    expectRate(floored, at: 60, 0.55)
    expectRate(floored, at: 500, 0.1)
  }
}
