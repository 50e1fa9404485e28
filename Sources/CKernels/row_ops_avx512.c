/* AVX-512 versions of the row kernels (16 floats per register, masked tails). */
#include "internal.h"
#include <math.h>

#if GK_X86

float gk_softmax_infinite(float *x, int64_t n);

static inline __mmask16 tail_mask(int64_t remaining) {
    return remaining >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << remaining) - 1);
}

/* e^x to about 1 ulp: x = n·ln2 + r with |r| ≤ ln2/2, e^r by its Taylor polynomial of degree 7,
   times 2^n with scalef (which gives 0 and +inf past the float range). NaN stays NaN. */
GK_INLINE GK_TARGET_AVX512 __m512 exp_avx512(__m512 x) {
    x = _mm512_max_ps(_mm512_set1_ps(-105.0f), _mm512_min_ps(_mm512_set1_ps(89.0f), x));
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693145751953125f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(1.428606765330187e-06f), r);
    __m512 p = _mm512_set1_ps(1.0f / 5040);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    return _mm512_scalef_ps(p, n);
}

GK_TARGET_AVX512 float gk_dot_avx512(const float *a, const float *b, int64_t n) {
    __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    int64_t i = 0;
    for (; i + 64 <= n; i += 64) {
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
        s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), s1);
        s2 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32), s2);
        s3 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48), s3);
    }
    for (; i < n; i += 16) {
        __mmask16 m = tail_mask(n - i);
        s0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i), s0);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
}

GK_TARGET_AVX512 void gk_rms_norm_avx512(const float *x, const float *weight, float eps, int64_t rows, int64_t dim, float *y) {
    for (int64_t r = 0; r < rows; r++) {
        const float *row = x + r * dim;
        float *out = y + r * dim;
        __m512 s0 = _mm512_setzero_ps(), s1 = s0;
        int64_t i = 0;
        for (; i + 32 <= dim; i += 32) {
            __m512 a = _mm512_loadu_ps(row + i), b = _mm512_loadu_ps(row + i + 16);
            s0 = _mm512_fmadd_ps(a, a, s0);
            s1 = _mm512_fmadd_ps(b, b, s1);
        }
        for (; i < dim; i += 16) {
            __m512 a = _mm512_maskz_loadu_ps(tail_mask(dim - i), row + i);
            s0 = _mm512_fmadd_ps(a, a, s0);
        }
        float sum = _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
        __m512 scale = _mm512_set1_ps(1.0f / sqrtf(sum / (float)dim + eps));
        for (i = 0; i < dim; i += 16) {
            __mmask16 m = tail_mask(dim - i);
            __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, row + i), scale);
            _mm512_mask_storeu_ps(out + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, weight + i), v));
        }
    }
}

GK_TARGET_AVX512 void gk_silu_mul_avx512(const float *gate, const float *up, int64_t n, float *out) {
    const __m512 one = _mm512_set1_ps(1.0f);
    for (int64_t i = 0; i < n; i += 16) {
        __mmask16 m = tail_mask(n - i);
        __m512 g = _mm512_maskz_loadu_ps(m, gate + i);
        __m512 e = exp_avx512(_mm512_sub_ps(_mm512_setzero_ps(), g));
        __m512 s = _mm512_div_ps(g, _mm512_add_ps(one, e));
        _mm512_mask_storeu_ps(out + i, m, _mm512_mul_ps(s, _mm512_maskz_loadu_ps(m, up + i)));
    }
}

GK_TARGET_AVX512 void gk_add_avx512(float *a, const float *b, int64_t n) {
    for (int64_t i = 0; i < n; i += 16) {
        __mmask16 m = tail_mask(n - i);
        _mm512_mask_storeu_ps(a + i, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i)));
    }
}

GK_TARGET_AVX512 static float row_max_avx512(const float *x, int64_t n) {
    const __m512 low = _mm512_set1_ps(-INFINITY);
    __m512 m0 = low, m1 = low;
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        m0 = _mm512_max_ps(m0, _mm512_loadu_ps(x + i));
        m1 = _mm512_max_ps(m1, _mm512_loadu_ps(x + i + 16));
    }
    for (; i < n; i += 16) m0 = _mm512_max_ps(m0, _mm512_mask_loadu_ps(low, tail_mask(n - i), x + i));
    return _mm512_reduce_max_ps(_mm512_max_ps(m0, m1));
}

/* Σ e^(x[i] - maximum), accumulated in double; stores the exponentials when `store` is set. */
GK_INLINE GK_TARGET_AVX512 double sum_exp_avx512(float *store, const float *x, int64_t n, float maximum) {
    const __m512 shift = _mm512_set1_ps(maximum);
    __m512d a0 = _mm512_setzero_pd(), a1 = a0;
    for (int64_t i = 0; i < n; i += 16) {
        __mmask16 m = tail_mask(n - i);
        __m512 e = _mm512_maskz_mov_ps(m, exp_avx512(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + i), shift)));
        if (store) _mm512_mask_storeu_ps(store + i, m, e);
        a0 = _mm512_add_pd(a0, _mm512_cvtps_pd(_mm512_castps512_ps256(e)));
        a1 = _mm512_add_pd(a1, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(e), 1))));
    }
    return _mm512_reduce_add_pd(_mm512_add_pd(a0, a1));
}

GK_TARGET_AVX512 float gk_log_sum_exp_avx512(const float *x, int64_t n) {
    float maximum = row_max_avx512(x, n);
    if (isinf(maximum) || isnan(maximum)) return maximum;
    return maximum + (float)log(sum_exp_avx512(NULL, x, n, maximum));
}

GK_TARGET_AVX512 float gk_softmax_avx512(float *x, int64_t n) {
    float maximum = row_max_avx512(x, n);
    if (isinf(maximum)) return gk_softmax_infinite(x, n);
    double sum = sum_exp_avx512(x, x, n, maximum);
    const __m512 inverse = _mm512_set1_ps((float)(1.0 / sum));
    for (int64_t i = 0; i < n; i += 16) {
        __mmask16 m = tail_mask(n - i);
        _mm512_mask_storeu_ps(x + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), inverse));
    }
    return maximum + (float)log(sum);
}

GK_TARGET_AVX512 void gk_rope_avx512(float *x, int64_t heads, int64_t head_dim, const float *cos_table,
                                     const float *sin_table, int convention) {
    int64_t half = head_dim / 2;
    const __m512i duplicate = _mm512_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
    for (int64_t h = 0; h < heads; h++) {
        float *v = x + h * head_dim;
        int64_t i = 0;
        if (convention == GK_ROPE_ADJACENT) {
            for (; i + 8 <= half; i += 8) {
                __m512 c = _mm512_permutexvar_ps(duplicate, _mm512_castps256_ps512(_mm256_loadu_ps(cos_table + i)));
                __m512 s = _mm512_permutexvar_ps(duplicate, _mm512_castps256_ps512(_mm256_loadu_ps(sin_table + i)));
                __m512 pairs = _mm512_loadu_ps(v + 2 * i);
                __m512 swapped = _mm512_permute_ps(pairs, 0xb1);
                /* even lanes x0·c - x1·s, odd lanes x1·c + x0·s */
                _mm512_storeu_ps(v + 2 * i, _mm512_fmaddsub_ps(pairs, c, _mm512_mul_ps(swapped, s)));
            }
            for (; i < half; i++) {
                float x0 = v[2 * i], x1 = v[2 * i + 1], c = cos_table[i], s = sin_table[i];
                v[2 * i] = x0 * c - x1 * s;
                v[2 * i + 1] = x1 * c + x0 * s;
            }
        } else {
            for (; i < half; i += 16) {
                __mmask16 m = tail_mask(half - i);
                __m512 c = _mm512_maskz_loadu_ps(m, cos_table + i), s = _mm512_maskz_loadu_ps(m, sin_table + i);
                __m512 a = _mm512_maskz_loadu_ps(m, v + i), b = _mm512_maskz_loadu_ps(m, v + i + half);
                _mm512_mask_storeu_ps(v + i, m, _mm512_fmsub_ps(a, c, _mm512_mul_ps(b, s)));
                _mm512_mask_storeu_ps(v + i + half, m, _mm512_fmadd_ps(b, c, _mm512_mul_ps(a, s)));
            }
        }
    }
}

#endif
