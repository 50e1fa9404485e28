/* Quantization of activation rows to 8 bits per block of 32 for FAST linear layers.
   d = max|x| / 127 and q = round(x · (127 / max|x|)) with ties to even, clamped to ±127 (NaN
   becomes -127). All paths compute the same scalar d and 127/max|x| and round the same
   products, so they produce identical bytes. */
#include "internal.h"
#include <math.h>

static inline void block_scale(float amax, float *d, float *inverse) {
    *d = amax / 127.0f;
    *inverse = amax > 0 ? 127.0f / amax : 0.0f;
}

static inline void store_sums(int64_t b, float d, int s0, int s1, float *scale, float *sum32, float *sum16) {
    scale[b] = d;
    sum16[2 * b] = d * (float)s0;
    sum16[2 * b + 1] = d * (float)s1;
    sum32[b] = d * (float)(s0 + s1);
}

void gk_quantize_row_scalar(const float *x, int64_t n, int8_t *q, float *scale, float *sum32, float *sum16) {
    for (int64_t b = 0; b < n / 32; b++) {
        const float *v = x + 32 * b;
        float amax = 0;
        for (int j = 0; j < 32; j++) {
            float a = fabsf(v[j]);
            if (a > amax) amax = a;
        }
        float d, inverse;
        block_scale(amax, &d, &inverse);
        int s[2] = { 0, 0 };
        for (int j = 0; j < 32; j++) {
            float t = nearbyintf(v[j] * inverse);
            if (!(t >= -127.0f)) t = -127.0f;
            if (t > 127.0f) t = 127.0f;
            q[32 * b + j] = (int8_t)t;
            s[j >> 4] += (int)t;
        }
        store_sums(b, d, s[0], s[1], scale, sum32, sum16);
    }
}

#if GK_X86

GK_INLINE GK_TARGET_AVX2 int hsum_epi32_avx2(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

GK_TARGET_AVX2 void gk_quantize_row_avx2(const float *x, int64_t n, int8_t *q, float *scale, float *sum32, float *sum16) {
    const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    const __m256i low = _mm256_set1_epi32(-127), high = _mm256_set1_epi32(127);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for (int64_t b = 0; b < n / 32; b++) {
        const float *v = x + 32 * b;
        __m256 v0 = _mm256_loadu_ps(v), v1 = _mm256_loadu_ps(v + 8), v2 = _mm256_loadu_ps(v + 16), v3 = _mm256_loadu_ps(v + 24);
        __m256 m = _mm256_max_ps(_mm256_max_ps(_mm256_and_ps(v0, abs_mask), _mm256_and_ps(v1, abs_mask)),
                                 _mm256_max_ps(_mm256_and_ps(v2, abs_mask), _mm256_and_ps(v3, abs_mask)));
        __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
        m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
        float d, inverse;
        block_scale(_mm_cvtss_f32(m4), &d, &inverse);
        __m256 vi = _mm256_set1_ps(inverse);
        __m256i t0 = _mm256_min_epi32(high, _mm256_max_epi32(low, _mm256_cvtps_epi32(_mm256_mul_ps(v0, vi))));
        __m256i t1 = _mm256_min_epi32(high, _mm256_max_epi32(low, _mm256_cvtps_epi32(_mm256_mul_ps(v1, vi))));
        __m256i t2 = _mm256_min_epi32(high, _mm256_max_epi32(low, _mm256_cvtps_epi32(_mm256_mul_ps(v2, vi))));
        __m256i t3 = _mm256_min_epi32(high, _mm256_max_epi32(low, _mm256_cvtps_epi32(_mm256_mul_ps(v3, vi))));
        __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(t0, t1), _mm256_packs_epi32(t2, t3));
        _mm256_storeu_si256((__m256i *)(q + 32 * b), _mm256_permutevar8x32_epi32(bytes, order));
        store_sums(b, d, hsum_epi32_avx2(_mm256_add_epi32(t0, t1)), hsum_epi32_avx2(_mm256_add_epi32(t2, t3)),
                   scale, sum32, sum16);
    }
}

GK_TARGET_AVX512 void gk_quantize_row_avx512(const float *x, int64_t n, int8_t *q, float *scale, float *sum32, float *sum16) {
    const __m512i low = _mm512_set1_epi32(-127), high = _mm512_set1_epi32(127);
    for (int64_t b = 0; b < n / 32; b++) {
        const float *v = x + 32 * b;
        __m512 v0 = _mm512_loadu_ps(v), v1 = _mm512_loadu_ps(v + 16);
        float d, inverse;
        block_scale(_mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(v0), _mm512_abs_ps(v1))), &d, &inverse);
        __m512 vi = _mm512_set1_ps(inverse);
        __m512i t0 = _mm512_min_epi32(high, _mm512_max_epi32(low, _mm512_cvtps_epi32(_mm512_mul_ps(v0, vi))));
        __m512i t1 = _mm512_min_epi32(high, _mm512_max_epi32(low, _mm512_cvtps_epi32(_mm512_mul_ps(v1, vi))));
        _mm_storeu_si128((__m128i *)(q + 32 * b), _mm512_cvtepi32_epi8(t0));
        _mm_storeu_si128((__m128i *)(q + 32 * b + 16), _mm512_cvtepi32_epi8(t1));
        store_sums(b, d, _mm512_reduce_add_epi32(t0), _mm512_reduce_add_epi32(t1), scale, sum32, sum16);
    }
}

#else

void gk_quantize_row_avx2(const float *x, int64_t n, int8_t *q, float *scale, float *sum32, float *sum16) {
    gk_quantize_row_scalar(x, n, q, scale, sum32, sum16);
}
void gk_quantize_row_avx512(const float *x, int64_t n, int8_t *q, float *scale, float *sum32, float *sum16) {
    gk_quantize_row_scalar(x, n, q, scale, sum32, sum16);
}

#endif
