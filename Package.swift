// swift-tools-version: 6.0
import Foundation
import PackageDescription

/// Release builds on x86-64 compile the numeric targets for Haswell (AVX2, FMA, BMI2): study
/// runs take 11-19% less time (README, Speed) and give the same bits (Swift does not contract a·b + c
/// into an FMA, so every operation rounds as before; runs were compared bit for bit).
/// `CPUFeatures` refuses, with a message, to run such a build on an older CPU;
/// `STMOE_PORTABLE=1 swift build -c release` builds for the x86-64 baseline instead.
#if arch(x86_64)
  let targetsHaswell = ProcessInfo.processInfo.environment["STMOE_PORTABLE"] != "1"
#else
  let targetsHaswell = false
#endif
let numericSettings: [SwiftSetting] =
  targetsHaswell ? [.unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release))] : []
let cpuFeatureSettings: [CSetting] =
  targetsHaswell ? [.define("STMOE_NUMERICS_TARGET_HASWELL", .when(configuration: .release))] : []

let package = Package(
  name: "stmoe-sweep",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "stmoe-sweep", targets: ["stmoe-sweep"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // MARK: System libraries (each wrapped by exactly one Swift file)
    .systemLibrary(
      name: "CBLAS", pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CGSL", providers: [.apt(["libgsl-dev"])]),

    // MARK: Configuration: strict JSON, key-path errors
    .target(name: "MoEConfig"),

    // MARK: Numerics: buffers in, buffers out
    .target(name: "MoEKernels", dependencies: ["CBLAS"], swiftSettings: numericSettings),

    // MARK: The model: config, routing, forward and backward
    .target(
      name: "MoEModel", dependencies: ["MoEKernels", "MoEConfig"], swiftSettings: numericSettings),

    // MARK: One training run: optimizers, data, divergence, run record
    .target(
      name: "MoETraining", dependencies: ["MoEModel", "MoEKernels", "MoEConfig"],
      swiftSettings: numericSettings),

    // MARK: Statistics (the only GSL caller)
    .target(name: "MoEStats", dependencies: ["CGSL"]),

    // MARK: Sweeps: grid, runner, summaries
    .target(name: "MoESweep", dependencies: ["MoETraining", "MoEStats", "MoEPlots"]),

    // MARK: Figures: dependency-free SVG charts
    .target(name: "MoEPlots"),

    // MARK: Command line
    .target(name: "CPUFeatures", cSettings: cpuFeatureSettings),
    .executableTarget(
      name: "stmoe-sweep",
      dependencies: [
        "MoESweep", "CPUFeatures",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // MARK: Tests
    .target(name: "MoETestSupport", dependencies: ["MoEModel"], path: "Tests/MoETestSupport"),
    .testTarget(name: "MoEKernelsTests", dependencies: ["MoEKernels", "MoETestSupport"]),
    .testTarget(name: "MoEModelTests", dependencies: ["MoEModel", "MoETestSupport"]),
    .testTarget(name: "MoEStatsTests", dependencies: ["MoEStats"]),
    .testTarget(name: "MoEConfigTests", dependencies: ["MoEConfig"]),
    .testTarget(name: "MoETrainingTests", dependencies: ["MoETraining", "MoETestSupport"]),
    .testTarget(name: "MoEPlotsTests", dependencies: ["MoEPlots"]),
    .testTarget(
      name: "CLITests", dependencies: ["stmoe-sweep", "MoETestSupport"],
      exclude: ["Help"]),  // expected `--help` texts, read by HelpSnapshotTests
    .testTarget(name: "MoESweepTests", dependencies: ["MoESweep", "MoETestSupport"]),
  ]
)
