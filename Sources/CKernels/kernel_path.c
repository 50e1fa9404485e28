/* Run-time choice of the instruction-set path: the best the CPU supports, unless the
   environment variable GALI_KERNELS or gk_set_path asks for another supported one. */
#include "internal.h"
#include <stdatomic.h>
#include <stdlib.h>

static _Atomic int current_path = -1;

int gk_path_supported(int path) {
    uint32_t features = gk_cpu_features();
    switch (path) {
    case GK_PATH_SCALAR: return 1;
    case GK_PATH_AVX2: return (features & GK_CPU_AVX2) != 0;
    case GK_PATH_AVX512: return (features & GK_CPU_AVX512) && (features & GK_CPU_AVX512_VNNI);
    default: return 0;
    }
}

int gk_path_best(void) {
    if (gk_path_supported(GK_PATH_AVX512)) return GK_PATH_AVX512;
    if (gk_path_supported(GK_PATH_AVX2)) return GK_PATH_AVX2;
    return GK_PATH_SCALAR;
}

int gk_path_from_name(const char *name) {
    if (!name) return -1;
    if (strcmp(name, "scalar") == 0) return GK_PATH_SCALAR;
    if (strcmp(name, "avx2") == 0) return GK_PATH_AVX2;
    if (strcmp(name, "avx512") == 0) return GK_PATH_AVX512;
    return -1;
}

const char *gk_path_name(int path) {
    switch (path) {
    case GK_PATH_SCALAR: return "scalar";
    case GK_PATH_AVX2: return "avx2";
    case GK_PATH_AVX512: return "avx512";
    default: return "unknown";
    }
}

int gk_path(void) {
    int path = atomic_load_explicit(&current_path, memory_order_relaxed);
    if (path >= 0) return path;
    path = gk_path_best();
    int requested = gk_path_from_name(getenv("GALI_KERNELS"));
    if (requested >= 0 && gk_path_supported(requested)) path = requested;
    int expected = -1;
    /* Another thread may have initialised (or set) it meanwhile: keep that value. */
    if (!atomic_compare_exchange_strong(&current_path, &expected, path)) path = expected;
    return path;
}

int gk_set_path(int path) {
    if (!gk_path_supported(path)) return -1;
    atomic_store(&current_path, path);
    return 0;
}
