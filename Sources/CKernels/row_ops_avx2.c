/* AVX2 + FMA versions of the row kernels (8 floats per register, scalar tails). */
#include "internal.h"
#include <math.h>

#if GK_X86

float gk_softmax_infinite(float *x, int64_t n);

GK_INLINE GK_TARGET_AVX2 float hsum_avx2(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* e^x as in row_ops_avx512.c. 2^n is applied as 2^(n>>1) · 2^(n - (n>>1)), two factors with
   normal exponents, so results down to the subnormal range are right; above 88.72 gives +inf.
   NaN stays NaN. */
GK_INLINE GK_TARGET_AVX2 __m256 exp_avx2(__m256 x) {
    const __m256 high = _mm256_set1_ps(88.72f);
    __m256 overflow = _mm256_cmp_ps(x, high, _CMP_GT_OQ);
    __m256 c = _mm256_max_ps(_mm256_set1_ps(-105.0f), _mm256_min_ps(high, x));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(c, _mm256_set1_ps(1.44269504088896341f)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693145751953125f), c);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(1.428606765330187e-06f), r);
    __m256 p = _mm256_set1_ps(1.0f / 5040);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 720));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    __m256i ni = _mm256_cvtps_epi32(n);
    __m256i n1 = _mm256_srai_epi32(ni, 1), n2 = _mm256_sub_epi32(ni, n1);
    const __m256i bias = _mm256_set1_epi32(127);
    __m256 f1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, bias), 23));
    __m256 f2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, bias), 23));
    __m256 result = _mm256_mul_ps(_mm256_mul_ps(p, f1), f2);
    return _mm256_blendv_ps(result, _mm256_set1_ps(INFINITY), overflow);
}

GK_TARGET_AVX2 float gk_dot_avx2(const float *a, const float *b, int64_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), s3);
    }
    for (; i + 8 <= n; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    float sum = hsum_avx2(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < n; i++) sum += a[i] * b[i];
    return sum;
}

GK_TARGET_AVX2 void gk_rms_norm_avx2(const float *x, const float *weight, float eps, int64_t rows, int64_t dim, float *y) {
    for (int64_t r = 0; r < rows; r++) {
        const float *row = x + r * dim;
        float *out = y + r * dim;
        float sum = gk_dot_avx2(row, row, dim);
        float scale = 1.0f / sqrtf(sum / (float)dim + eps);
        __m256 vs = _mm256_set1_ps(scale);
        int64_t i = 0;
        for (; i + 8 <= dim; i += 8)
            _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_loadu_ps(weight + i), _mm256_mul_ps(_mm256_loadu_ps(row + i), vs)));
        for (; i < dim; i++) out[i] = weight[i] * (row[i] * scale);
    }
}

GK_TARGET_AVX2 void gk_silu_mul_avx2(const float *gate, const float *up, int64_t n, float *out) {
    const __m256 one = _mm256_set1_ps(1.0f);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 g = _mm256_loadu_ps(gate + i);
        __m256 e = exp_avx2(_mm256_sub_ps(_mm256_setzero_ps(), g));
        _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_div_ps(g, _mm256_add_ps(one, e)), _mm256_loadu_ps(up + i)));
    }
    for (; i < n; i++) out[i] = gate[i] / (1.0f + expf(-gate[i])) * up[i];
}

GK_TARGET_AVX2 void gk_add_avx2(float *a, const float *b, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(a + i, _mm256_add_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
    for (; i < n; i++) a[i] += b[i];
}

GK_TARGET_AVX2 static float row_max_avx2(const float *x, int64_t n) {
    __m256 m0 = _mm256_set1_ps(-INFINITY), m1 = m0;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        m0 = _mm256_max_ps(m0, _mm256_loadu_ps(x + i));
        m1 = _mm256_max_ps(m1, _mm256_loadu_ps(x + i + 8));
    }
    m0 = _mm256_max_ps(m0, m1);
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(m0), _mm256_extractf128_ps(m0, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    float maximum = _mm_cvtss_f32(m);
    for (; i < n; i++) if (x[i] > maximum) maximum = x[i];
    return maximum;
}

GK_INLINE GK_TARGET_AVX2 double sum_exp_avx2(float *store, const float *x, int64_t n, float maximum) {
    const __m256 shift = _mm256_set1_ps(maximum);
    __m256d a0 = _mm256_setzero_pd(), a1 = a0;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 e = exp_avx2(_mm256_sub_ps(_mm256_loadu_ps(x + i), shift));
        if (store) _mm256_storeu_ps(store + i, e);
        a0 = _mm256_add_pd(a0, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
        a1 = _mm256_add_pd(a1, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
    }
    a0 = _mm256_add_pd(a0, a1);
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(a0), _mm256_extractf128_pd(a0, 1));
    double sum = _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
    for (; i < n; i++) {
        float e = expf(x[i] - maximum);
        if (store) store[i] = e;
        sum += e;
    }
    return sum;
}

GK_TARGET_AVX2 float gk_log_sum_exp_avx2(const float *x, int64_t n) {
    float maximum = row_max_avx2(x, n);
    if (isinf(maximum) || isnan(maximum)) return maximum;
    return maximum + (float)log(sum_exp_avx2(NULL, x, n, maximum));
}

GK_TARGET_AVX2 float gk_softmax_avx2(float *x, int64_t n) {
    float maximum = row_max_avx2(x, n);
    if (isinf(maximum)) return gk_softmax_infinite(x, n);
    double sum = sum_exp_avx2(x, x, n, maximum);
    float inverse = (float)(1.0 / sum);
    const __m256 vi = _mm256_set1_ps(inverse);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), vi));
    for (; i < n; i++) x[i] *= inverse;
    return maximum + (float)log(sum);
}

GK_TARGET_AVX2 void gk_rope_avx2(float *x, int64_t heads, int64_t head_dim, const float *cos_table,
                                 const float *sin_table, int convention) {
    int64_t half = head_dim / 2;
    const __m256i duplicate = _mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3);
    for (int64_t h = 0; h < heads; h++) {
        float *v = x + h * head_dim;
        int64_t i = 0;
        if (convention == GK_ROPE_ADJACENT) {
            for (; i + 4 <= half; i += 4) {
                __m256 c = _mm256_permutevar8x32_ps(_mm256_castps128_ps256(_mm_loadu_ps(cos_table + i)), duplicate);
                __m256 s = _mm256_permutevar8x32_ps(_mm256_castps128_ps256(_mm_loadu_ps(sin_table + i)), duplicate);
                __m256 pairs = _mm256_loadu_ps(v + 2 * i);
                __m256 swapped = _mm256_permute_ps(pairs, 0xb1);
                _mm256_storeu_ps(v + 2 * i, _mm256_fmaddsub_ps(pairs, c, _mm256_mul_ps(swapped, s)));
            }
            for (; i < half; i++) {
                float x0 = v[2 * i], x1 = v[2 * i + 1], c = cos_table[i], s = sin_table[i];
                v[2 * i] = x0 * c - x1 * s;
                v[2 * i + 1] = x1 * c + x0 * s;
            }
        } else {
            for (; i + 8 <= half; i += 8) {
                __m256 c = _mm256_loadu_ps(cos_table + i), s = _mm256_loadu_ps(sin_table + i);
                __m256 a = _mm256_loadu_ps(v + i), b = _mm256_loadu_ps(v + i + half);
                _mm256_storeu_ps(v + i, _mm256_fmsub_ps(a, c, _mm256_mul_ps(b, s)));
                _mm256_storeu_ps(v + i + half, _mm256_fmadd_ps(b, c, _mm256_mul_ps(a, s)));
            }
            for (; i < half; i++) {
                float x0 = v[i], x1 = v[i + half], c = cos_table[i], s = sin_table[i];
                v[i] = x0 * c - x1 * s;
                v[i + half] = x1 * c + x0 * s;
            }
        }
    }
}

#endif
