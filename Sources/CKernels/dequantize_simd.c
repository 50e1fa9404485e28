/* Vector dequantization of the row types that are hot (float weights for the float32 path,
   Q8_0/Q4_0/Q4_1 for exact linear layers). Results equal the scalar versions bit for bit:
   q·d is exact in float for these types, so q·d + m rounds once with or without FMA. */
#include "internal.h"

#if GK_X86

GK_TARGET_AVX2 static inline __m256 half8_avx2(const uint8_t *p) {
    return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
}

GK_TARGET_AVX2 int gk_dequantize_row_avx2(int type, const void *source, float *y, int64_t n) {
    const uint8_t *b = source;
    int64_t i = 0;
    switch (type) {
    case GK_F16:
        for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, half8_avx2(b + 2 * i));
        for (; i < n; i++) y[i] = gk_half_to_float(gk_read_u16(b + 2 * i));
        return 0;
    case GK_BF16:
        for (; i + 8 <= n; i += 8) {
            __m256i h = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(b + 2 * i)));
            _mm256_storeu_ps(y + i, _mm256_castsi256_ps(_mm256_slli_epi32(h, 16)));
        }
        for (; i < n; i++) y[i] = gk_bf16_to_float(gk_read_u16(b + 2 * i));
        return 0;
    case GK_Q8_0:
        for (; i < n; i += 32, b += 34) {
            __m256 d = _mm256_set1_ps(_cvtsh_ss(gk_read_u16(b)));
            for (int j = 0; j < 32; j += 8) {
                __m256i q = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(b + 2 + j)));
                _mm256_storeu_ps(y + i + j, _mm256_mul_ps(_mm256_cvtepi32_ps(q), d));
            }
        }
        return 0;
    case GK_Q4_0:
    case GK_Q4_1: {
        int has_min = type == GK_Q4_1;
        int64_t block_bytes = has_min ? 20 : 18;
        for (; i < n; i += 32, b += block_bytes) {
            float dv = _cvtsh_ss(gk_read_u16(b));
            __m256 d = _mm256_set1_ps(dv);
            __m256 m = _mm256_set1_ps(has_min ? _cvtsh_ss(gk_read_u16(b + 2)) : -8.0f * dv);
            __m128i qs = _mm_loadu_si128((const __m128i *)(b + (has_min ? 4 : 2)));
            __m128i low = _mm_and_si128(qs, _mm_set1_epi8(0x0f));
            __m128i high = _mm_and_si128(_mm_srli_epi16(qs, 4), _mm_set1_epi8(0x0f));
            const __m128i parts[4] = { low, _mm_srli_si128(low, 8), high, _mm_srli_si128(high, 8) };
            for (int j = 0; j < 4; j++) {
                __m256 q = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(parts[j]));
                _mm256_storeu_ps(y + i + 8 * j, _mm256_fmadd_ps(q, d, m));
            }
        }
        return 0;
    }
    default:
        return -1;
    }
}

GK_TARGET_AVX512 int gk_dequantize_row_avx512(int type, const void *source, float *y, int64_t n) {
    const uint8_t *b = source;
    int64_t i = 0;
    switch (type) {
    case GK_F16:
        for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(b + 2 * i))));
        for (; i < n; i++) y[i] = gk_half_to_float(gk_read_u16(b + 2 * i));
        return 0;
    case GK_BF16:
        for (; i + 16 <= n; i += 16) {
            __m512i h = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(b + 2 * i)));
            _mm512_storeu_ps(y + i, _mm512_castsi512_ps(_mm512_slli_epi32(h, 16)));
        }
        for (; i < n; i++) y[i] = gk_bf16_to_float(gk_read_u16(b + 2 * i));
        return 0;
    case GK_Q8_0:
        for (; i < n; i += 32, b += 34) {
            __m512 d = _mm512_set1_ps(_cvtsh_ss(gk_read_u16(b)));
            __m512i q0 = _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(b + 2)));
            __m512i q1 = _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(b + 18)));
            _mm512_storeu_ps(y + i, _mm512_mul_ps(_mm512_cvtepi32_ps(q0), d));
            _mm512_storeu_ps(y + i + 16, _mm512_mul_ps(_mm512_cvtepi32_ps(q1), d));
        }
        return 0;
    case GK_Q4_0:
    case GK_Q4_1: {
        int has_min = type == GK_Q4_1;
        int64_t block_bytes = has_min ? 20 : 18;
        for (; i < n; i += 32, b += block_bytes) {
            float dv = _cvtsh_ss(gk_read_u16(b));
            __m512 d = _mm512_set1_ps(dv);
            __m512 m = _mm512_set1_ps(has_min ? _cvtsh_ss(gk_read_u16(b + 2)) : -8.0f * dv);
            __m128i qs = _mm_loadu_si128((const __m128i *)(b + (has_min ? 4 : 2)));
            __m128i low = _mm_and_si128(qs, _mm_set1_epi8(0x0f));
            __m128i high = _mm_and_si128(_mm_srli_epi16(qs, 4), _mm_set1_epi8(0x0f));
            __m512 q0 = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(low));
            __m512 q1 = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(high));
            _mm512_storeu_ps(y + i, _mm512_fmadd_ps(q0, d, m));
            _mm512_storeu_ps(y + i + 16, _mm512_fmadd_ps(q1, d, m));
        }
        return 0;
    }
    default:
        return -1;
    }
}

#else

int gk_dequantize_row_avx2(int type, const void *source, float *y, int64_t n) { (void)type; (void)source; (void)y; (void)n; return -1; }
int gk_dequantize_row_avx512(int type, const void *source, float *y, int64_t n) { (void)type; (void)source; (void)y; (void)n; return -1; }

#endif
