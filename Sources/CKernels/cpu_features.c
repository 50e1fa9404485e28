#include "CKernels.h"

uint32_t gk_cpu_features(void) {
    uint32_t features = 0;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c"))
        features |= GK_CPU_AVX2;
    if ((features & GK_CPU_AVX2) && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
        features |= GK_CPU_AVX512;
    if ((features & GK_CPU_AVX512) && __builtin_cpu_supports("avx512vnni")) features |= GK_CPU_AVX512_VNNI;
    if ((features & GK_CPU_AVX512) && __builtin_cpu_supports("avx512bf16")) features |= GK_CPU_AVX512_BF16;
#elif defined(__aarch64__)
    features |= GK_CPU_NEON;
#if defined(__ARM_FEATURE_DOTPROD)
    features |= GK_CPU_NEON_DOTPROD;
#endif
#endif
    return features;
}
