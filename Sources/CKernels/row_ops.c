/* Row-wise and elementwise kernels, each written once over 16-float vectors (vector16.h) and
   compiled for every kernel path. Rows of any length: the last partial vector of a row is
   loaded and stored lane by lane (lanes past the end read as 0, or -inf for maxima). */
#include "exp16.h"
#include <math.h>

/* ---- Bodies ------------------------------------------------------------------------------ */

/* Four accumulators of 16 lanes over 64 floats at a time, then the rest into the first. */
GK_INLINE float dot_body(const float *a, const float *b, int64_t n) {
    v16f s0 = splat(0), s1 = s0, s2 = s0, s3 = s0;
    int64_t i = 0;
    for (; i + 64 <= n; i += 64) {
        s0 += load16(a + i) * load16(b + i);
        s1 += load16(a + i + 16) * load16(b + i + 16);
        s2 += load16(a + i + 32) * load16(b + i + 32);
        s3 += load16(a + i + 48) * load16(b + i + 48);
    }
    for (; i < n; i += 16) s0 += load16_upto(a + i, n - i, 0) * load16_upto(b + i, n - i, 0);
    return hsum16((s0 + s1) + (s2 + s3));
}

GK_INLINE void rms_norm_body(const float *x, const float *weight, float eps, int64_t rows, int64_t dim, float *y) {
    for (int64_t r = 0; r < rows; r++) {
        const float *row = x + r * dim;
        float *out = y + r * dim;
        v16f s0 = splat(0), s1 = s0;
        int64_t i = 0;
        for (; i + 32 <= dim; i += 32) {
            v16f a = load16(row + i), b = load16(row + i + 16);
            s0 += a * a;
            s1 += b * b;
        }
        for (; i < dim; i += 16) {
            v16f a = load16_upto(row + i, dim - i, 0);
            s0 += a * a;
        }
        const v16f scale = splat(1.0f / sqrtf(hsum16(s0 + s1) / (float)dim + eps));
        for (i = 0; i < dim; i += 16)
            store16_upto(out + i, load16_upto(weight + i, dim - i, 0) * (load16_upto(row + i, dim - i, 0) * scale), dim - i);
    }
}

GK_INLINE void silu_mul_body(const float *gate, const float *up, int64_t n, float *out) {
    for (int64_t i = 0; i < n; i += 16) {
        v16f g = load16_upto(gate + i, n - i, 0);
        v16f silu = g / (splat(1.0f) + exp16(-g));
        store16_upto(out + i, silu * load16_upto(up + i, n - i, 0), n - i);
    }
}

GK_INLINE void add_body(float *a, const float *b, int64_t n) {
    for (int64_t i = 0; i < n; i += 16) store16_upto(a + i, load16_upto(a + i, n - i, 0) + load16_upto(b + i, n - i, 0), n - i);
}

GK_INLINE float row_max_body(const float *x, int64_t n) {
    v16f m0 = splat(-INFINITY), m1 = m0;
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        m0 = __builtin_elementwise_max(m0, load16(x + i));
        m1 = __builtin_elementwise_max(m1, load16(x + i + 16));
    }
    for (; i < n; i += 16) m0 = __builtin_elementwise_max(m0, load16_upto(x + i, n - i, -INFINITY));
    return hmax16(__builtin_elementwise_max(m0, m1));
}

/* Σ e^(x[i] - maximum) for a finite maximum, accumulated in double. */
GK_INLINE double sum_exp_body(const float *x, int64_t n, float maximum) {
    v8d a0 = 0, a1 = 0;
    for (int64_t i = 0; i < n; i += 16) {
        v16f e = exp16(load16_upto(x + i, n - i, -INFINITY) - splat(maximum));
        a0 += low8_to_double(e);
        a1 += high8_to_double(e);
    }
    return hsum8d(a0 + a1);
}

GK_INLINE float log_sum_exp_body(const float *x, int64_t n) {
    float maximum = row_max_body(x, n);
    if (isinf(maximum) || isnan(maximum)) return maximum;
    return maximum + (float)log(sum_exp_body(x, n, maximum));
}

/* ---- One function per path and kernel ------------------------------------------------------ */

#define ROW_OPS(isa, target)                                                                                    \
    target static float dot_##isa(const float *a, const float *b, int64_t n) { return dot_body(a, b, n); }    \
    target static void rms_norm_##isa(const float *x, const float *weight, float eps, int64_t rows, int64_t dim, \
                                      float *y) { rms_norm_body(x, weight, eps, rows, dim, y); }              \
    target static void silu_mul_##isa(const float *gate, const float *up, int64_t n, float *out) {            \
        silu_mul_body(gate, up, n, out);                                                                       \
    }                                                                                                          \
    target static void add_##isa(float *a, const float *b, int64_t n) { add_body(a, b, n); }                  \
    target static float log_sum_exp_##isa(const float *x, int64_t n) { return log_sum_exp_body(x, n); }
GK_FOR_EACH_PATH(ROW_OPS)

/* ---- Entry points ------------------------------------------------------------------------ */

void gk_rms_norm(const float *x, const float *weight, float eps, int64_t rows, int64_t dim, float *y) {
    if (rows > 0 && dim > 0) GK_PICK(gk_path(), rms_norm)(x, weight, eps, rows, dim, y);
}

void gk_silu_mul(const float *gate, const float *up, int64_t n, float *out) {
    if (n > 0) GK_PICK(gk_path(), silu_mul)(gate, up, n, out);
}

void gk_add(float *a, const float *b, int64_t n) {
    if (n > 0) GK_PICK(gk_path(), add)(a, b, n);
}

float gk_dot_path(int path, const float *a, const float *b, int64_t n) {
    return n > 0 ? GK_PICK(path, dot)(a, b, n) : 0;
}

float gk_dot(const float *a, const float *b, int64_t n) { return gk_dot_path(gk_path(), a, b, n); }

float gk_log_sum_exp(const float *x, int64_t n) {
    return n > 0 ? GK_PICK(gk_path(), log_sum_exp)(x, n) : -INFINITY;
}
