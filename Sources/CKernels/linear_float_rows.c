/* Float-path matrix-vector kernel for 1 to GK_DIRECT_ROWS input rows with Q4_0, Q4_1 or Q8_0
   weights (AVX-512): each weight block is dequantized exactly in registers (q·d is exact in
   float, so fma(q, d, m) is the dequantized value) and multiplied into float32 accumulators,
   without the round trip through a row buffer. */
#include "internal.h"

#if GK_X86

enum { ROWS_Q4_0, ROWS_Q4_1, ROWS_Q8_0 };

GK_INLINE GK_TARGET_AVX512 void float_rows_zmm(const int rows, const int format, const uint8_t *weight, int64_t row_bytes,
                                               int64_t first, int64_t last, const float *input, int64_t input_stride,
                                               int64_t in_features, float *out, int64_t out_stride) {
    const int64_t blocks = in_features / 32;
    const int64_t block_bytes = format == ROWS_Q4_1 ? GK_Q4_1_BYTES : format == ROWS_Q4_0 ? GK_Q4_0_BYTES : GK_Q8_0_BYTES;
    const __m128i low_nibbles = _mm_set1_epi8(0x0f);
    for (int64_t o = first; o < last; o++) {
        const uint8_t *b = weight + o * row_bytes;
        __m512 acc[GK_DIRECT_ROWS][4];
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) acc[r][0] = acc[r][1] = acc[r][2] = acc[r][3] = _mm512_setzero_ps();
        for (int64_t i = 0; i < blocks; i++, b += block_bytes) {
            __m512 w0, w1;
            __m512 d = _mm512_set1_ps(_cvtsh_ss(gk_read_u16(b)));
            if (format == ROWS_Q8_0) {
                w0 = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(b + 2)))), d);
                w1 = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(b + 18)))), d);
            } else {
                __m128i qs = _mm_loadu_si128((const __m128i *)(b + (format == ROWS_Q4_1 ? 4 : 2)));
                __m512i q0 = _mm512_cvtepu8_epi32(_mm_and_si128(qs, low_nibbles));
                __m512i q1 = _mm512_cvtepu8_epi32(_mm_and_si128(_mm_srli_epi16(qs, 4), low_nibbles));
                if (format == ROWS_Q4_1) {
                    __m512 m = _mm512_set1_ps(_cvtsh_ss(gk_read_u16(b + 2)));
                    w0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(q0), d, m);
                    w1 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(q1), d, m);
                } else {
                    const __m512i eight = _mm512_set1_epi32(8);
                    w0 = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(q0, eight)), d);
                    w1 = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(q1, eight)), d);
                }
            }
            const int pair = (int)(i & 1) * 2;
#pragma clang loop unroll(full)
            for (int r = 0; r < rows; r++) {
                const float *x = input + r * input_stride + 32 * i;
                acc[r][pair] = _mm512_fmadd_ps(w0, _mm512_loadu_ps(x), acc[r][pair]);
                acc[r][pair + 1] = _mm512_fmadd_ps(w1, _mm512_loadu_ps(x + 16), acc[r][pair + 1]);
            }
        }
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++)
            out[r * out_stride + o] = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(acc[r][0], acc[r][1]), _mm512_add_ps(acc[r][2], acc[r][3])));
    }
}

GK_TARGET_AVX512 int gk_float_rows_avx512(int type, const uint8_t *weight, int64_t row_bytes, int64_t first, int64_t last,
                                          const gk_linear_input *x, float *out, int64_t out_stride) {
    int format;
    switch (type) {
    case GK_Q4_0: format = ROWS_Q4_0; break;
    case GK_Q4_1: format = ROWS_Q4_1; break;
    case GK_Q8_0: format = ROWS_Q8_0; break;
    default: return -1;
    }
#define ROWS_CASES(FORMAT)                                                                                              \
    switch (x->rows) {                                                                                                  \
    case 1: float_rows_zmm(1, FORMAT, weight, row_bytes, first, last, x->input, x->input_stride, x->in_features, out, out_stride); break; \
    case 2: float_rows_zmm(2, FORMAT, weight, row_bytes, first, last, x->input, x->input_stride, x->in_features, out, out_stride); break; \
    default: float_rows_zmm(3, FORMAT, weight, row_bytes, first, last, x->input, x->input_stride, x->in_features, out, out_stride); break; \
    }
    if (format == ROWS_Q4_0) { ROWS_CASES(ROWS_Q4_0) }
    else if (format == ROWS_Q4_1) { ROWS_CASES(ROWS_Q4_1) }
    else { ROWS_CASES(ROWS_Q8_0) }
#undef ROWS_CASES
    return 0;
}

#else

int gk_float_rows_avx512(int type, const uint8_t *weight, int64_t row_bytes, int64_t first, int64_t last,
                         const gk_linear_input *x, float *out, int64_t out_stride) {
    (void)type; (void)weight; (void)row_bytes; (void)first; (void)last; (void)x; (void)out; (void)out_stride;
    return -1;
}

#endif
