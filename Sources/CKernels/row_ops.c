/* Row-wise and elementwise kernels: portable scalar versions and the run-time dispatch to the
   vector versions in row_ops_avx2.c and row_ops_avx512.c. */
#include "internal.h"
#include <math.h>

/* ---- Scalar versions ------------------------------------------------------------------- */

static void rms_norm_scalar(const float *x, const float *weight, float eps, int64_t rows, int64_t dim, float *y) {
    for (int64_t r = 0; r < rows; r++) {
        const float *row = x + r * dim;
        float *out = y + r * dim;
        float sum = 0;
        for (int64_t i = 0; i < dim; i++) sum += row[i] * row[i];
        float scale = 1.0f / sqrtf(sum / (float)dim + eps);
        for (int64_t i = 0; i < dim; i++) out[i] = weight[i] * (row[i] * scale);
    }
}

static void silu_mul_scalar(const float *gate, const float *up, int64_t n, float *out) {
    for (int64_t i = 0; i < n; i++) {
        float g = gate[i];
        out[i] = g / (1.0f + expf(-g)) * up[i];
    }
}

static void add_scalar(float *a, const float *b, int64_t n) {
    for (int64_t i = 0; i < n; i++) a[i] += b[i];
}

float gk_dot_scalar(const float *a, const float *b, int64_t n) {
    float sum = 0;
    for (int64_t i = 0; i < n; i++) sum += a[i] * b[i];
    return sum;
}

static float row_max_scalar(const float *x, int64_t n) {
    float maximum = x[0];
    for (int64_t i = 1; i < n; i++) if (x[i] > maximum) maximum = x[i];
    return maximum;
}

static float log_sum_exp_scalar(const float *x, int64_t n) {
    float maximum = row_max_scalar(x, n);
    if (isinf(maximum)) return maximum;
    double sum = 0;
    for (int64_t i = 0; i < n; i++) sum += (double)expf(x[i] - maximum);
    return maximum + (float)log(sum);
}

static float softmax_scalar(float *x, int64_t n) {
    float maximum = row_max_scalar(x, n);
    if (isinf(maximum)) {
        /* All -inf: uniform weights. Some +inf: they share the weight equally. */
        int64_t hits = 0;
        for (int64_t i = 0; i < n; i++) hits += x[i] == maximum;
        for (int64_t i = 0; i < n; i++) x[i] = maximum < 0 ? 1.0f / (float)n : (x[i] == maximum ? 1.0f / (float)hits : 0.0f);
        return maximum;
    }
    double sum = 0;
    for (int64_t i = 0; i < n; i++) { x[i] = expf(x[i] - maximum); sum += x[i]; }
    float inverse = (float)(1.0 / sum);
    for (int64_t i = 0; i < n; i++) x[i] *= inverse;
    return maximum + (float)log(sum);
}

static void rope_scalar(float *x, int64_t heads, int64_t head_dim, const float *cos_table, const float *sin_table, int convention) {
    int64_t half = head_dim / 2;
    for (int64_t h = 0; h < heads; h++) {
        float *v = x + h * head_dim;
        for (int64_t i = 0; i < half; i++) {
            int64_t a = convention == GK_ROPE_ADJACENT ? 2 * i : i;
            int64_t b = convention == GK_ROPE_ADJACENT ? 2 * i + 1 : i + half;
            float x0 = v[a], x1 = v[b], c = cos_table[i], s = sin_table[i];
            v[a] = x0 * c - x1 * s;
            v[b] = x1 * c + x0 * s;
        }
    }
}

/* ---- Vector versions (row_ops_avx2.c, row_ops_avx512.c) -------------------------------- */

#if GK_X86
void gk_rms_norm_avx2(const float *x, const float *weight, float eps, int64_t rows, int64_t dim, float *y);
void gk_silu_mul_avx2(const float *gate, const float *up, int64_t n, float *out);
void gk_add_avx2(float *a, const float *b, int64_t n);
float gk_log_sum_exp_avx2(const float *x, int64_t n);
float gk_softmax_avx2(float *x, int64_t n);
void gk_rope_avx2(float *x, int64_t heads, int64_t head_dim, const float *cos_table, const float *sin_table, int convention);
void gk_rms_norm_avx512(const float *x, const float *weight, float eps, int64_t rows, int64_t dim, float *y);
void gk_silu_mul_avx512(const float *gate, const float *up, int64_t n, float *out);
void gk_add_avx512(float *a, const float *b, int64_t n);
float gk_log_sum_exp_avx512(const float *x, int64_t n);
float gk_softmax_avx512(float *x, int64_t n);
void gk_rope_avx512(float *x, int64_t heads, int64_t head_dim, const float *cos_table, const float *sin_table, int convention);
#define GK_DISPATCH(call_avx512, call_avx2, call_scalar) \
    switch (gk_path()) { case GK_PATH_AVX512: call_avx512; case GK_PATH_AVX2: call_avx2; default: call_scalar; }
#else
#define GK_DISPATCH(call_avx512, call_avx2, call_scalar) call_scalar;
#endif

/* ---- Public entry points ----------------------------------------------------------------- */

void gk_rms_norm(const float *x, const float *weight, float eps, int64_t rows, int64_t dim, float *y) {
    if (rows <= 0 || dim <= 0) return;
    GK_DISPATCH(gk_rms_norm_avx512(x, weight, eps, rows, dim, y); return,
                gk_rms_norm_avx2(x, weight, eps, rows, dim, y); return,
                rms_norm_scalar(x, weight, eps, rows, dim, y); return)
}

void gk_silu_mul(const float *gate, const float *up, int64_t n, float *out) {
    if (n <= 0) return;
    GK_DISPATCH(gk_silu_mul_avx512(gate, up, n, out); return,
                gk_silu_mul_avx2(gate, up, n, out); return,
                silu_mul_scalar(gate, up, n, out); return)
}

void gk_add(float *a, const float *b, int64_t n) {
    if (n <= 0) return;
    GK_DISPATCH(gk_add_avx512(a, b, n); return, gk_add_avx2(a, b, n); return, add_scalar(a, b, n); return)
}

float gk_dot_path(int path, const float *a, const float *b, int64_t n) {
    if (n <= 0) return 0;
#if GK_X86
    if (path == GK_PATH_AVX512) return gk_dot_avx512(a, b, n);
    if (path == GK_PATH_AVX2) return gk_dot_avx2(a, b, n);
#else
    (void)path;
#endif
    return gk_dot_scalar(a, b, n);
}

float gk_dot(const float *a, const float *b, int64_t n) { return gk_dot_path(gk_path(), a, b, n); }

float gk_log_sum_exp(const float *x, int64_t n) {
    if (n <= 0) return -INFINITY;
    GK_DISPATCH(return gk_log_sum_exp_avx512(x, n), return gk_log_sum_exp_avx2(x, n), return log_sum_exp_scalar(x, n))
}

float gk_softmax(float *x, int64_t n) {
    if (n <= 0) return -INFINITY;
    /* The vector versions handle finite maxima; the rare infinite cases share one definition. */
    GK_DISPATCH(return gk_softmax_avx512(x, n), return gk_softmax_avx2(x, n), return softmax_scalar(x, n))
}

/* Called by the vector softmax versions when the maximum is infinite. */
float gk_softmax_infinite(float *x, int64_t n);
float gk_softmax_infinite(float *x, int64_t n) { return softmax_scalar(x, n); }

void gk_rope(float *x, int64_t heads, int64_t head_dim, const float *cos_table, const float *sin_table, int convention) {
    if (heads <= 0 || head_dim < 2) return;
    GK_DISPATCH(gk_rope_avx512(x, heads, head_dim, cos_table, sin_table, convention); return,
                gk_rope_avx2(x, heads, head_dim, cos_table, sin_table, convention); return,
                rope_scalar(x, heads, head_dim, cos_table, sin_table, convention); return)
}
