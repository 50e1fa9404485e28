/* FAST matrix-vector kernels for 1 to GK_DIRECT_ROWS input rows: each weight block is read
   straight from the model's layout (Q4_0, Q4_1, Q8_0), expanded once in registers and
   multiplied with every input row. Decoding streams the whole model through these, so they
   are written to keep up with memory bandwidth: per block one 256-bit integer dot product per
   row, the block's scale applied to the 8 partial sums, and one horizontal sum per output. */
#include "internal.h"

int gk_fast_direct_supported(int path, int type) {
    if (path != GK_PATH_AVX2 && path != GK_PATH_AVX512) return 0;
    return type == GK_Q4_0 || type == GK_Q4_1 || type == GK_Q8_0;
}

#if GK_X86

GK_INLINE GK_TARGET_AVX2 float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* Σ u·x over 32 bytes as 8 int32 partial sums: VNNI when `vnni`, else maddubs + madd
   (no saturation: u ≤ 15 for Q4, |w| ≤ 128 with the sign moved to x for Q8_0). */
GK_INLINE GK_TARGET_AVX512 __m256i dot32_vnni(__m256i u, __m256i x) {
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, x);
}
GK_INLINE GK_TARGET_AVX2 __m256i dot32_avx2(__m256i u, __m256i x) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, x), _mm256_set1_epi16(1));
}

#define DIRECT_KERNEL(NAME, TARGET, DOT)                                                                  \
GK_INLINE TARGET void NAME##_q4(const int rows, const int has_min, const uint8_t *weight, int64_t row_bytes,  \
                             int64_t first, int64_t last, const gk_linear_input *x, float *out,            \
                             int64_t out_stride) {                                                         \
    const int64_t blocks = x->in_features / 32, nb = blocks, block_bytes = has_min ? 20 : 18;             \
    const __m256i low_nibbles = _mm256_set1_epi8(0x0f);                                                    \
    for (int64_t o = first; o < last; o++) {                                                               \
        const uint8_t *b = weight + o * row_bytes;                                                         \
        __m256 acc[GK_DIRECT_ROWS];                                                                        \
        float offset[GK_DIRECT_ROWS];                                                                      \
        for (int r = 0; r < rows; r++) { acc[r] = _mm256_setzero_ps(); offset[r] = 0; }                   \
        for (int64_t i = 0; i < blocks; i++, b += block_bytes) {                                           \
            float d = _cvtsh_ss(gk_read_u16(b));                                                           \
            float m = has_min ? _cvtsh_ss(gk_read_u16(b + 2)) : -8.0f * d;                                 \
            __m128i qs = _mm_loadu_si128((const __m128i *)(b + (has_min ? 4 : 2)));                        \
            __m256i u = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(qs, 4), qs), low_nibbles);        \
            for (int r = 0; r < rows; r++) {                                                               \
                const int8_t *q = x->q + (int64_t)r * x->q_stride + 32 * i;                                \
                __m256i dot = DOT(u, _mm256_loadu_si256((const __m256i *)q));                              \
                acc[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), _mm256_set1_ps(d * x->scale[r * nb + i]), acc[r]); \
                offset[r] = __builtin_fmaf(m, x->sum32[r * nb + i], offset[r]);                            \
            }                                                                                              \
        }                                                                                                  \
        for (int r = 0; r < rows; r++) out[r * out_stride + o] = hsum8(acc[r]) + offset[r];               \
    }                                                                                                      \
}                                                                                                          \
GK_INLINE TARGET void NAME##_q8(const int rows, const uint8_t *weight, int64_t row_bytes, int64_t first,       \
                             int64_t last, const gk_linear_input *x, float *out, int64_t out_stride) {     \
    const int64_t blocks = x->in_features / 32, nb = blocks;                                              \
    for (int64_t o = first; o < last; o++) {                                                               \
        const uint8_t *b = weight + o * row_bytes;                                                         \
        __m256 acc[GK_DIRECT_ROWS];                                                                        \
        for (int r = 0; r < rows; r++) acc[r] = _mm256_setzero_ps();                                       \
        for (int64_t i = 0; i < blocks; i++, b += 34) {                                                    \
            float d = _cvtsh_ss(gk_read_u16(b));                                                           \
            __m256i w = _mm256_loadu_si256((const __m256i *)(b + 2));                                      \
            __m256i w_abs = _mm256_abs_epi8(w);                                                            \
            for (int r = 0; r < rows; r++) {                                                               \
                const int8_t *q = x->q + (int64_t)r * x->q_stride + 32 * i;                                \
                __m256i xs = _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)q), w);                  \
                __m256i dot = DOT(w_abs, xs);                                                              \
                acc[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), _mm256_set1_ps(d * x->scale[r * nb + i]), acc[r]); \
            }                                                                                              \
        }                                                                                                  \
        for (int r = 0; r < rows; r++) out[r * out_stride + o] = hsum8(acc[r]);                            \
    }                                                                                                      \
}

DIRECT_KERNEL(direct_avx512, GK_TARGET_AVX512, dot32_vnni)
DIRECT_KERNEL(direct_avx2, GK_TARGET_AVX2, dot32_avx2)

/* The row count is made a constant so the loops over rows unroll. */
#define DIRECT_DISPATCH(NAME)                                                                      \
    int rows = (int)x->rows;                                                                       \
    switch (type) {                                                                                \
    case GK_Q4_0: case GK_Q4_1: {                                                                  \
        int has_min = type == GK_Q4_1;                                                             \
        if (rows == 1) NAME##_q4(1, has_min, weight, row_bytes, first, last, x, out, out_stride); \
        else if (rows == 2) NAME##_q4(2, has_min, weight, row_bytes, first, last, x, out, out_stride); \
        else NAME##_q4(3, has_min, weight, row_bytes, first, last, x, out, out_stride);           \
        break;                                                                                     \
    }                                                                                              \
    case GK_Q8_0:                                                                                  \
        if (rows == 1) NAME##_q8(1, weight, row_bytes, first, last, x, out, out_stride);          \
        else if (rows == 2) NAME##_q8(2, weight, row_bytes, first, last, x, out, out_stride);     \
        else NAME##_q8(3, weight, row_bytes, first, last, x, out, out_stride);                    \
        break;                                                                                     \
    default: break;                                                                                \
    }

GK_TARGET_AVX512 void gk_fast_direct_avx512(int type, const uint8_t *weight, int64_t row_bytes, int64_t first,
                                            int64_t last, const gk_linear_input *x, float *out, int64_t out_stride) {
    DIRECT_DISPATCH(direct_avx512)
}

GK_TARGET_AVX2 void gk_fast_direct_avx2(int type, const uint8_t *weight, int64_t row_bytes, int64_t first,
                                        int64_t last, const gk_linear_input *x, float *out, int64_t out_stride) {
    DIRECT_DISPATCH(direct_avx2)
}

#else

void gk_fast_direct_avx512(int type, const uint8_t *weight, int64_t row_bytes, int64_t first, int64_t last,
                           const gk_linear_input *x, float *out, int64_t out_stride) {
    (void)type; (void)weight; (void)row_bytes; (void)first; (void)last; (void)x; (void)out; (void)out_stride;
}
void gk_fast_direct_avx2(int type, const uint8_t *weight, int64_t row_bytes, int64_t first, int64_t last,
                         const gk_linear_input *x, float *out, int64_t out_stride) {
    (void)type; (void)weight; (void)row_bytes; (void)first; (void)last; (void)x; (void)out; (void)out_stride;
}

#endif
