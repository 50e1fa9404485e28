#ifndef CKERNELS_H
#define CKERNELS_H
/* Hot kernels of swift-gali, in C so that they can use AVX-512/AVX2/NEON through
   function-level target attributes chosen at run time (no compiler flags needed). */
#include <stddef.h>
#include <stdint.h>

/** Bit set of CPU features found at run time (see gk_cpu_features). */
enum {
    GK_CPU_AVX2 = 1 << 0,
    GK_CPU_AVX512 = 1 << 1,
    GK_CPU_AVX512_VNNI = 1 << 2,
    GK_CPU_NEON = 1 << 3,
    GK_CPU_NEON_DOTPROD = 1 << 4
};

/** Features of this CPU that the kernels can use. */
uint32_t gk_cpu_features(void);

#endif
