#ifndef STMOE_CPU_FEATURES_H
#define STMOE_CPU_FEATURES_H

/// Exits with a clear message when this build's numeric code was compiled for instructions
/// the CPU lacks (see Package.swift: release builds on x86-64 target Haswell's AVX2, FMA and
/// BMI2 unless STMOE_PORTABLE=1). Compiled for the baseline itself, so it is safe to call
/// first thing in main, before any numeric code runs. Does nothing in other builds.
void stmoe_require_build_cpu_features(void);

#endif
