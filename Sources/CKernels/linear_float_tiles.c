/* Float32 matrix-matrix micro-kernels: up to GK_FLOAT_TILE_ROWS input rows times one panel of
   32 dequantized weight rows stored column-wise (panel[k·32 + i]). Every output is one FMA
   chain in order of k on every path, so the paths agree bit for bit. */
#include "internal.h"
#include <math.h>

/* Loops ordered so that compilers vectorise the 32 outputs. */
void gk_float_tile_scalar(const float *panel, int64_t k_count, const float *const *x, int rows, float *tile) {
    float acc[GK_FLOAT_TILE_ROWS][GK_PANEL];
    memset(acc, 0, sizeof acc);
    for (int64_t k = 0; k < k_count; k++) {
        const float *w = panel + k * GK_PANEL;
        for (int r = 0; r < rows; r++) {
            const float xv = x[r][k];
            for (int i = 0; i < GK_PANEL; i++) acc[r][i] = fmaf(xv, w[i], acc[r][i]);
        }
    }
    for (int r = 0; r < rows; r++) memcpy(tile + r * GK_PANEL, acc[r], sizeof acc[r]);
}

#if GK_X86

GK_INLINE GK_TARGET_AVX512 void float_tile_avx512(const int rows, const float *panel, int64_t k_count,
                                                  const float *const *x, float *tile) {
    __m512 acc[GK_FLOAT_TILE_ROWS][2];
#pragma clang loop unroll(full)
    for (int r = 0; r < rows; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    for (int64_t k = 0; k < k_count; k++) {
        __m512 w0 = _mm512_load_ps(panel + k * GK_PANEL), w1 = _mm512_load_ps(panel + k * GK_PANEL + 16);
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) {
            __m512 xv = _mm512_set1_ps(x[r][k]);
            acc[r][0] = _mm512_fmadd_ps(xv, w0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(xv, w1, acc[r][1]);
        }
    }
    gk_store_tile_avx512(tile, acc, rows);
}

GK_INLINE GK_TARGET_AVX2 void float_tile_avx2(const int rows, const float *panel, int64_t k_count,
                                              const float *const *x, float *tile) {
    for (int half = 0; half < 2; half++) {
        __m256 acc[GK_FLOAT_TILE_ROWS][2];
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
        const float *p = panel + half * 16;
        for (int64_t k = 0; k < k_count; k++) {
            __m256 w0 = _mm256_load_ps(p + k * GK_PANEL), w1 = _mm256_load_ps(p + k * GK_PANEL + 8);
#pragma clang loop unroll(full)
            for (int r = 0; r < rows; r++) {
                __m256 xv = _mm256_broadcast_ss(x[r] + k);
                acc[r][0] = _mm256_fmadd_ps(xv, w0, acc[r][0]);
                acc[r][1] = _mm256_fmadd_ps(xv, w1, acc[r][1]);
            }
        }
        gk_store_tile_half_avx2(tile, acc, rows, half);
    }
}

#define FLOAT_TILE_CASES(kernel) \
    switch (rows) { \
    case 1: kernel(1, panel, k_count, x, tile); break; \
    case 2: kernel(2, panel, k_count, x, tile); break; \
    case 3: kernel(3, panel, k_count, x, tile); break; \
    case 4: kernel(4, panel, k_count, x, tile); break; \
    case 5: kernel(5, panel, k_count, x, tile); break; \
    default: kernel(6, panel, k_count, x, tile); break; \
    }

GK_TARGET_AVX512 void gk_float_tile_avx512(const float *panel, int64_t k_count, const float *const *x, int rows, float *tile) {
    FLOAT_TILE_CASES(float_tile_avx512)
}

GK_TARGET_AVX2 void gk_float_tile_avx2(const float *panel, int64_t k_count, const float *const *x, int rows, float *tile) {
    FLOAT_TILE_CASES(float_tile_avx2)
}

#else

void gk_float_tile_avx512(const float *panel, int64_t k_count, const float *const *x, int rows, float *tile) {
    gk_float_tile_scalar(panel, k_count, x, rows, tile);
}
void gk_float_tile_avx2(const float *panel, int64_t k_count, const float *const *x, int rows, float *tile) {
    gk_float_tile_scalar(panel, k_count, x, rows, tile);
}

#endif
