#include "CPUFeatures.h"

#include <stdio.h>
#include <stdlib.h>

void stmoe_require_build_cpu_features(void) {
#if defined(__x86_64__) && defined(STMOE_NUMERICS_TARGET_HASWELL)
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma") ||
      !__builtin_cpu_supports("bmi2")) {
    fputs("stmoe-sweep: this build's numeric code uses AVX2, FMA and BMI2 (x86-64 Haswell and "
          "later), which this CPU lacks.\nRebuild for the x86-64 baseline: "
          "STMOE_PORTABLE=1 swift build -c release\n",
          stderr);
    exit(2);
  }
#endif
}
