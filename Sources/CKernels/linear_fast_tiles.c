/* FAST matrix-matrix micro-kernels: a tile of up to N input rows (8-bit activations) times one
   packed panel of 32 weight rows (see gk_fast_panel). Per sub-block s the integer dot product
   I = Σ u·q is exact; every path then accumulates, per output, in the same order:
       acc = fma((float)I · d_w, d_x, acc);  acc = fma(m_w, d_x·Σq, acc)
   so all paths give the same floats for the same panel layout. Output lanes are weight rows, so
   no horizontal sums are needed. */
#include "internal.h"
#include <math.h>

int gk_fast_tile_rows(int path) {
    switch (path) {
    case GK_PATH_AVX512: return 6;
    case GK_PATH_AVX2: return 3;
    default: return 4;
    }
}

static inline int32_t load_i32(const int8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* ---- Scalar -------------------------------------------------------------------------------- */

/* Loops ordered so that compilers vectorise the 32 outputs (integer sums, then fmaf). */
void gk_fast_tile_scalar(const gk_fast_panel *panel, const gk_fast_rows *x, int rows, float *tile) {
    const int sub = panel->sub;
    const int64_t stride = gk_fast_panel_stride(sub);
    float acc[8][GK_PANEL];
    memset(acc, 0, sizeof acc);
    const uint8_t *p = panel->data;
    for (int64_t s = 0; s < panel->sub_blocks; s++, p += stride) {
        int32_t dot[8][GK_PANEL];
        memset(dot, 0, sizeof dot);
        for (int g = 0; g < sub / 4; g++) {
            const uint8_t *w = p + g * 128;
            for (int r = 0; r < rows; r++) {
                const int8_t *q = x->q[r] + s * sub + 4 * g;
                const int32_t q0 = q[0], q1 = q[1], q2 = q[2], q3 = q[3];
                if (panel->is_signed) {
                    const int8_t *v = (const int8_t *)w;
                    for (int i = 0; i < GK_PANEL; i++)
                        dot[r][i] += v[4 * i] * q0 + v[4 * i + 1] * q1 + v[4 * i + 2] * q2 + v[4 * i + 3] * q3;
                } else {
                    for (int i = 0; i < GK_PANEL; i++)
                        dot[r][i] += w[4 * i] * q0 + w[4 * i + 1] * q1 + w[4 * i + 2] * q2 + w[4 * i + 3] * q3;
                }
            }
        }
        const float *dw = (const float *)(p + sub * GK_PANEL), *mw = dw + GK_PANEL;
        for (int r = 0; r < rows; r++) {
            const float dx = x->scale[r][sub == 32 ? s : s >> 1], sx = x->sum[r][s];
            for (int i = 0; i < GK_PANEL; i++) {
                acc[r][i] = fmaf((float)dot[r][i] * dw[i], dx, acc[r][i]);
                acc[r][i] = fmaf(mw[i], sx, acc[r][i]);
            }
        }
    }
    for (int r = 0; r < rows; r++) memcpy(tile + r * GK_PANEL, acc[r], sizeof acc[r]);
}

#if GK_X86

/* ---- AVX-512 VNNI: 32 outputs in two zmm, vpdpbusd(u8 weights, s8 activations) ------------ */

GK_INLINE GK_TARGET_AVX512 void tile_avx512(const int rows, const int sub, const gk_fast_panel *panel,
                                            const gk_fast_rows *x, float *tile) {
    const int64_t stride = gk_fast_panel_stride(sub);
    __m512 acc[6][2];
#pragma clang loop unroll(full)
    for (int r = 0; r < rows; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    const uint8_t *p = panel->data;
    for (int64_t s = 0; s < panel->sub_blocks; s++, p += stride) {
        __m512i dot[6][2];
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) dot[r][0] = dot[r][1] = _mm512_setzero_si512();
#pragma clang loop unroll(full)
        for (int g = 0; g < sub / 4; g++) {
            __m512i w0 = _mm512_load_si512(p + g * 128), w1 = _mm512_load_si512(p + g * 128 + 64);
#pragma clang loop unroll(full)
            for (int r = 0; r < rows; r++) {
                __m512i xb = _mm512_set1_epi32(load_i32(x->q[r] + s * sub + 4 * g));
                dot[r][0] = _mm512_dpbusd_epi32(dot[r][0], w0, xb);
                dot[r][1] = _mm512_dpbusd_epi32(dot[r][1], w1, xb);
            }
        }
        const float *dw = (const float *)(p + sub * GK_PANEL), *mw = dw + GK_PANEL;
        __m512 d0 = _mm512_load_ps(dw), d1 = _mm512_load_ps(dw + 16);
        __m512 m0 = _mm512_load_ps(mw), m1 = _mm512_load_ps(mw + 16);
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) {
            __m512 dx = _mm512_set1_ps(x->scale[r][sub == 32 ? s : s >> 1]);
            __m512 sx = _mm512_set1_ps(x->sum[r][s]);
            acc[r][0] = _mm512_fmadd_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(dot[r][0]), d0), dx, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(dot[r][1]), d1), dx, acc[r][1]);
            acc[r][0] = _mm512_fmadd_ps(m0, sx, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(m1, sx, acc[r][1]);
        }
    }
    gk_store_tile_avx512(tile, acc, rows);
}

#define TILE_CASES(kernel, sub, ...) \
    switch (rows) { \
    case 1: kernel(1, sub, __VA_ARGS__); break; \
    case 2: kernel(2, sub, __VA_ARGS__); break; \
    case 3: kernel(3, sub, __VA_ARGS__); break; \
    case 4: kernel(4, sub, __VA_ARGS__); break; \
    case 5: kernel(5, sub, __VA_ARGS__); break; \
    default: kernel(6, sub, __VA_ARGS__); break; \
    }

GK_TARGET_AVX512 void gk_fast_tile_avx512(const gk_fast_panel *panel, const gk_fast_rows *x, int rows, float *tile) {
    if (panel->is_signed) { gk_fast_tile_scalar(panel, x, rows, tile); return; }  /* not produced for this path */
    if (panel->sub == 32) {
        TILE_CASES(tile_avx512, 32, panel, x, tile)
    } else {
        TILE_CASES(tile_avx512, 16, panel, x, tile)
    }
}

/* ---- AVX2: 16 outputs at a time in two ymm, maddubs + madd for the byte products ----------- */

GK_INLINE GK_TARGET_AVX2 __m256i byte_dot_avx2(__m256i w, __m256i w_abs, __m256i xb, const int is_signed) {
    const __m256i ones = _mm256_set1_epi16(1);
    /* maddubs adds two u8·s8 products in int16: at most 2·63·127 unsigned (Q6_K) or
       2·128·127 with the sign moved onto the activations; neither saturates. */
    __m256i pairs = is_signed ? _mm256_maddubs_epi16(w_abs, _mm256_sign_epi8(xb, w)) : _mm256_maddubs_epi16(w, xb);
    return _mm256_madd_epi16(pairs, ones);
}

GK_INLINE GK_TARGET_AVX2 void tile_avx2(const int rows, const int sub, const int is_signed, const gk_fast_panel *panel,
                                        const gk_fast_rows *x, float *tile) {
    const int64_t stride = gk_fast_panel_stride(sub);
    for (int half = 0; half < 2; half++) {
        __m256 acc[3][2];
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
        const uint8_t *p = panel->data + half * 64;
        for (int64_t s = 0; s < panel->sub_blocks; s++, p += stride) {
            __m256i dot[3][2];
#pragma clang loop unroll(full)
            for (int r = 0; r < rows; r++) dot[r][0] = dot[r][1] = _mm256_setzero_si256();
            for (int g = 0; g < sub / 4; g++) {
                __m256i w0 = _mm256_load_si256((const __m256i *)(p + g * 128));
                __m256i w1 = _mm256_load_si256((const __m256i *)(p + g * 128 + 32));
                __m256i a0 = is_signed ? _mm256_abs_epi8(w0) : w0, a1 = is_signed ? _mm256_abs_epi8(w1) : w1;
#pragma clang loop unroll(full)
                for (int r = 0; r < rows; r++) {
                    __m256i xb = _mm256_set1_epi32(load_i32(x->q[r] + s * sub + 4 * g));
                    dot[r][0] = _mm256_add_epi32(dot[r][0], byte_dot_avx2(w0, a0, xb, is_signed));
                    dot[r][1] = _mm256_add_epi32(dot[r][1], byte_dot_avx2(w1, a1, xb, is_signed));
                }
            }
            /* scales of this half's rows: d at p - half·64 + sub·32 + half·64 */
            const float *dw = (const float *)(p - half * 64 + sub * GK_PANEL) + half * 16, *mw = dw + GK_PANEL;
            __m256 d0 = _mm256_load_ps(dw), d1 = _mm256_load_ps(dw + 8);
            __m256 m0 = _mm256_load_ps(mw), m1 = _mm256_load_ps(mw + 8);
#pragma clang loop unroll(full)
            for (int r = 0; r < rows; r++) {
                __m256 dx = _mm256_set1_ps(x->scale[r][sub == 32 ? s : s >> 1]);
                __m256 sx = _mm256_set1_ps(x->sum[r][s]);
                acc[r][0] = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(dot[r][0]), d0), dx, acc[r][0]);
                acc[r][1] = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(dot[r][1]), d1), dx, acc[r][1]);
                acc[r][0] = _mm256_fmadd_ps(m0, sx, acc[r][0]);
                acc[r][1] = _mm256_fmadd_ps(m1, sx, acc[r][1]);
            }
        }
        gk_store_tile_half_avx2(tile, acc, rows, half);
    }
}

#define TILE_CASES_AVX2(sub, is_signed) \
    switch (rows) { \
    case 1: tile_avx2(1, sub, is_signed, panel, x, tile); break; \
    case 2: tile_avx2(2, sub, is_signed, panel, x, tile); break; \
    default: tile_avx2(3, sub, is_signed, panel, x, tile); break; \
    }

GK_TARGET_AVX2 void gk_fast_tile_avx2(const gk_fast_panel *panel, const gk_fast_rows *x, int rows, float *tile) {
    if (panel->sub == 16) {
        TILE_CASES_AVX2(16, 0)
    } else if (panel->is_signed) {
        TILE_CASES_AVX2(32, 1)
    } else {
        TILE_CASES_AVX2(32, 0)
    }
}

#else

void gk_fast_tile_avx2(const gk_fast_panel *panel, const gk_fast_rows *x, int rows, float *tile) {
    gk_fast_tile_scalar(panel, x, rows, tile);
}
void gk_fast_tile_avx512(const gk_fast_panel *panel, const gk_fast_rows *x, int rows, float *tile) {
    gk_fast_tile_scalar(panel, x, rows, tile);
}

#endif
