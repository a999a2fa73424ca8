import MoEKernels

#if canImport(Glibc)
  import Glibc
#endif

/// Times a training step and a reference sgemm side by side, in one process, interleaved
/// round by round so that machine drift hits both alike; reports medians and their ratio.
public struct ThroughputBenchmark: Sendable {
  public var warmupSteps = 3
  public var timedSteps = 20

  public init(warmupSteps: Int = 3, timedSteps: Int = 20) {
    self.warmupSteps = warmupSteps
    self.timedSteps = timedSteps
  }

  public struct Summary: Sendable, Codable, Equatable {
    public var median: Double
    public var minimum: Double
    public var maximum: Double
    init(_ values: [Double]) {
      let sorted = values.sorted()
      median =
        sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
      minimum = sorted.first ?? 0
      maximum = sorted.last ?? 0
    }
  }

  public struct Result: Sendable, Codable, Equatable {
    public var what: String
    public var blasThreads: Int
    public var blasCore: String
    public var tokensPerStep: Int
    public var flopsPerStep: Int
    /// Step wall time in milliseconds.
    public var stepMilliseconds: Summary
    public var tokensPerSecond: Double
    public var modelGflops: Double
    /// (M, K, N) of the reference sgemm: the model's largest matmul (the FFN up-projection).
    public var sgemmShape: [Int]
    public var sgemmGflops: Summary
    /// modelGflops ÷ median sgemm GFLOP/s: the share of raw matmul speed the step achieves.
    public var ratio: Double
    /// Process CPU time ÷ wall time over the timed steps (≈ 1 per busy thread).
    public var cpuUtilisation: Double
    /// Where a step's time goes, from as many further steps run with ``StepProfile`` on.
    public var breakdown: Breakdown
  }

  /// Mean wall time per step of each ``StepPhase`` (exclusive: a rounding pass inside the
  /// forward pass is rounding) and of the rest (data, gradient norm, divergence rules,
  /// bookkeeping); the parts sum to ``stepMilliseconds``.
  public struct Breakdown: Sendable, Codable, Equatable {
    public struct Part: Sendable, Codable, Equatable {
      public var name: String
      public var milliseconds: Double
    }
    public var steps: Int
    /// Mean step wall time of the profiled steps (profiling on: a few clock reads per phase).
    public var stepMilliseconds: Double
    /// ``StepPhase`` order, then `rest`.
    public var parts: [Part]
  }

  /// Benchmarks `step` (one full step of `tokensPerStep` tokens costing `flopsPerStep`).
  public func run(
    what: String, tokensPerStep: Int, flopsPerStep: Int, sgemmShape: (m: Int, k: Int, n: Int),
    step: () -> Void
  ) -> Result {
    let (m, k, n) = sgemmShape
    let a = FloatBuffer(count: m * k), b = FloatBuffer(count: k * n), c = FloatBuffer(count: m * n)
    var random = RandomStream(seed: 1)
    for i in 0..<a.count { a.base[i] = random.uniformFloat() }
    for i in 0..<b.count { b.base[i] = random.uniformFloat() }
    let sgemmFlops = 2.0 * Double(m * k * n)
    // Enough repetitions for a ~20 ms burst at 100 GFLOP/s.
    let repetitions = max(1, Int(2e9 / sgemmFlops))
    func sgemmBurst() -> Double {
      let start = Self.now()
      for _ in 0..<repetitions {
        BLAS.gemm(a.base, b.base, into: c.base, m: m, n: n, k: k, beta: 0)
      }
      return sgemmFlops * Double(repetitions) / (Self.now() - start) / 1e9
    }
    for _ in 0..<warmupSteps {
      step()
      _ = sgemmBurst()
    }
    var stepTimes: [Double] = [], sgemmRates: [Double] = []
    var cpu: Double = 0, wall: Double = 0
    for _ in 0..<timedSteps {
      sgemmRates.append(sgemmBurst())
      let cpuStart = Self.cpuTime(), start = Self.now()
      step()
      let elapsed = Self.now() - start
      stepTimes.append(elapsed * 1000)
      wall += elapsed
      cpu += Self.cpuTime() - cpuStart
    }
    let breakdown = profile(steps: timedSteps, step: step)
    let stepSummary = Summary(stepTimes)
    let sgemmSummary = Summary(sgemmRates)
    let seconds = stepSummary.median / 1000
    let modelGflops = Double(flopsPerStep) / seconds / 1e9
    return Result(
      what: what, blasThreads: BLAS.threadCount, blasCore: BLAS.coreName,
      tokensPerStep: tokensPerStep,
      flopsPerStep: flopsPerStep, stepMilliseconds: stepSummary,
      tokensPerSecond: Double(tokensPerStep) / seconds, modelGflops: modelGflops,
      sgemmShape: [m, k, n], sgemmGflops: sgemmSummary, ratio: modelGflops / sgemmSummary.median,
      cpuUtilisation: cpu / wall, breakdown: breakdown)
  }

  /// Runs `steps` more steps with a ``StepProfile`` installed and averages its phases.
  func profile(steps: Int, step: () -> Void) -> Breakdown {
    let profile = StepProfile()
    profile.install()
    defer { StepProfile.uninstall() }
    var wall: Double = 0
    for _ in 0..<steps {
      let start = Self.now()
      step()
      wall += Self.now() - start
    }
    let count = Double(max(steps, 1))
    var parts = StepPhase.allCases.map {
      Breakdown.Part(name: $0.name, milliseconds: profile[$0] / count * 1000)
    }
    parts.append(.init(name: "rest", milliseconds: (wall - profile.total) / count * 1000))
    return Breakdown(steps: steps, stepMilliseconds: wall / count * 1000, parts: parts)
  }

  static func now() -> Double { StepProfile.now() }

  static func cpuTime() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
  }
}
