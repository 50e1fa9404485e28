/* FAST matrix-vector kernels for 1 to GK_DIRECT_ROWS input rows: each weight block is read
   straight from the model's layout (Q4_0, Q4_1, Q8_0), expanded once in registers and
   multiplied with every input row. Decoding streams the whole model through these, so they
   are written to keep up with memory bandwidth: per block one 256-bit integer dot product per
   row, the block's scale applied to the 8 partial sums, and one horizontal sum per output. */
#include "internal.h"

#if GK_X86

GK_INLINE GK_TARGET_AVX2 float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* Σ u·x over 32 bytes as 8 int32 partial sums with maddubs + madd (no saturation: u ≤ 15 for
   Q4, |w| ≤ 128 with the sign moved to x for Q8_0). */
GK_INLINE GK_TARGET_AVX2 __m256i dot32_avx2(__m256i u, __m256i x) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, x), _mm256_set1_epi16(1));
}

#define DIRECT_KERNEL(NAME, TARGET, DOT)                                                                  \
GK_INLINE TARGET void NAME##_q4(const int rows, const int has_min, const uint8_t *weight, int64_t row_bytes,  \
                             int64_t first, int64_t last, const gk_linear_input *x, float *out,            \
                             int64_t out_stride) {                                                         \
    const int64_t blocks = x->in_features / 32, nb = blocks, block_bytes = has_min ? GK_Q4_1_BYTES : GK_Q4_0_BYTES;             \
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
        for (int64_t i = 0; i < blocks; i++, b += GK_Q8_0_BYTES) {                                                    \
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

DIRECT_KERNEL(direct_avx2, GK_TARGET_AVX2, dot32_avx2)

/* AVX-512 VNNI: two blocks per zmm. The weight bytes become unsigned (Q4 nibbles, Q8_0 + 128)
   so one vpdpbusd gives 8 partial sums per block; the two blocks' fp16 (d, m) pairs are
   converted together and multiplied with the activations' (scale, sum) pairs:
   [d0·dx0, m0·sx0, d1·dx1, m1·sx1]. Lanes 0 and 2 scale the partial sums, lanes 1 and 3 (the
   offset terms, m = -8d for Q4_0 and -128d for Q8_0) are summed separately. */
enum { FORMAT_Q4_0, FORMAT_Q4_1, FORMAT_Q8_0 };

GK_INLINE GK_TARGET_AVX512 uint32_t load_u32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

GK_INLINE GK_TARGET_AVX512 void direct_zmm(const int rows, const int format, const uint8_t *weight, int64_t row_bytes,
                                           int64_t first, int64_t last, const gk_linear_input *x, float *out,
                                           int64_t out_stride) {
    const int64_t blocks = x->in_features / 32;
    const int64_t block_bytes = format == FORMAT_Q4_1 ? GK_Q4_1_BYTES : format == FORMAT_Q4_0 ? GK_Q4_0_BYTES : GK_Q8_0_BYTES;
    const int64_t quants = format == FORMAT_Q4_1 ? 4 : 2;
    const __m512i low_nibbles = _mm512_set1_epi8(0x0f), flip = _mm512_set1_epi8((char)0x80);
    const __m512i spread = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2);
    const __m128 offset_factor = _mm_setr_ps(1, format == FORMAT_Q8_0 ? -128.0f : -8.0f, 1, format == FORMAT_Q8_0 ? -128.0f : -8.0f);
    for (int64_t o = first; o < last; o++) {
        const uint8_t *b = weight + o * row_bytes;
        __m512 acc[GK_DIRECT_ROWS];
        __m128 offsets[GK_DIRECT_ROWS];
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) { acc[r] = _mm512_setzero_ps(); offsets[r] = _mm_setzero_ps(); }
        for (int64_t i = 0; i < blocks; i += 2, b += 2 * block_bytes) {
            const int pair = i + 1 < blocks;
            __m512i u;
            __m128i halves;
            if (format == FORMAT_Q8_0) {
                __m256i w0 = _mm256_loadu_si256((const __m256i *)(b + 2));
                __m256i w1 = pair ? _mm256_loadu_si256((const __m256i *)(b + GK_Q8_0_BYTES + 2)) : _mm256_set1_epi8((char)0x80);
                u = _mm512_xor_si512(_mm512_inserti64x4(_mm512_castsi256_si512(w0), w1, 1), flip);
                halves = _mm_insert_epi16(_mm_cvtsi32_si128(gk_read_u16(b)), pair ? gk_read_u16(b + GK_Q8_0_BYTES) : 0, 2);
            } else {
                __m128i q0 = _mm_loadu_si128((const __m128i *)(b + quants));
                __m128i q1 = pair ? _mm_loadu_si128((const __m128i *)(b + block_bytes + quants)) : _mm_setzero_si128();
                __m256i q = _mm256_inserti128_si256(_mm256_castsi128_si256(q0), q1, 1);
                __m512i z = _mm512_inserti64x4(_mm512_castsi256_si512(q), _mm256_srli_epi16(q, 4), 1);
                /* [q0, q1, q0 >> 4, q1 >> 4] → [q0, q0 >> 4, q1, q1 >> 4]: each block's 32 elements in order */
                u = _mm512_and_si512(_mm512_shuffle_i64x2(z, z, _MM_SHUFFLE(3, 1, 2, 0)), low_nibbles);
                halves = _mm_insert_epi32(_mm_cvtsi32_si128((int)load_u32(b)), pair ? (int)load_u32(b + block_bytes) : 0, 1);
                if (format == FORMAT_Q4_0) halves = _mm_and_si128(halves, _mm_setr_epi32(0xffff, 0xffff, 0, 0));
            }
            __m128 dm = _mm_cvtph_ps(halves);                              /* [d0, m0, d1, m1] */
            if (format != FORMAT_Q4_1) dm = _mm_mul_ps(_mm_moveldup_ps(dm), offset_factor);
#pragma clang loop unroll(full)
            for (int r = 0; r < rows; r++) {
                const float *scale = x->scale + r * blocks + i, *sum = x->sum32 + r * blocks + i;
                __m128 activation = pair ? _mm_unpacklo_ps(_mm_castpd_ps(_mm_load_sd((const double *)scale)),
                                                           _mm_castpd_ps(_mm_load_sd((const double *)sum)))
                                         : _mm_setr_ps(scale[0], sum[0], 0, 0);
                __m128 products = _mm_mul_ps(dm, activation);
                offsets[r] = _mm_add_ps(offsets[r], products);
                const int8_t *q = x->q + (int64_t)r * x->q_stride + 32 * i;
                __m512i xq = pair ? _mm512_loadu_si512(q) : _mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)q));
                __m512i dot = _mm512_dpbusd_epi32(_mm512_setzero_si512(), u, xq);
                acc[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), _mm512_permutexvar_ps(spread, _mm512_castps128_ps512(products)), acc[r]);
            }
        }
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) {
            __m128 m = offsets[r];
            out[r * out_stride + o] = _mm512_reduce_add_ps(acc[r]) + (_mm_cvtss_f32(_mm_movehdup_ps(m)) +
                                                                       _mm_cvtss_f32(_mm_movehl_ps(m, _mm_movehdup_ps(m))));
        }
    }
}

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
    int format = type == GK_Q4_0 ? FORMAT_Q4_0 : type == GK_Q4_1 ? FORMAT_Q4_1 : FORMAT_Q8_0;
#define DIRECT_ZMM(FORMAT)                                                                                   \
    switch (x->rows) {                                                                                       \
    case 1: direct_zmm(1, FORMAT, weight, row_bytes, first, last, x, out, out_stride); break;               \
    case 2: direct_zmm(2, FORMAT, weight, row_bytes, first, last, x, out, out_stride); break;               \
    default: direct_zmm(3, FORMAT, weight, row_bytes, first, last, x, out, out_stride); break;              \
    }
    if (format == FORMAT_Q4_0) { DIRECT_ZMM(FORMAT_Q4_0) }
    else if (format == FORMAT_Q4_1) { DIRECT_ZMM(FORMAT_Q4_1) }
    else { DIRECT_ZMM(FORMAT_Q8_0) }
#undef DIRECT_ZMM
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
