/* Row-wise and elementwise kernels (portable scalar code; compilers vectorise these loops). */
#include "CKernels.h"
#include <math.h>

void gk_rms_norm(const float *x, const float *weight, float eps, int64_t rows, int64_t dim, float *y) {
    for (int64_t r = 0; r < rows; r++) {
        const float *row = x + r * dim;
        float *out = y + r * dim;
        float sum = 0;
        for (int64_t i = 0; i < dim; i++) sum += row[i] * row[i];
        float scale = 1.0f / sqrtf(sum / (float)dim + eps);
        for (int64_t i = 0; i < dim; i++) out[i] = weight[i] * (row[i] * scale);
    }
}

void gk_silu_mul(const float *gate, const float *up, int64_t n, float *out) {
    for (int64_t i = 0; i < n; i++) {
        float g = gate[i];
        out[i] = g / (1.0f + expf(-g)) * up[i];
    }
}

void gk_add(float *a, const float *b, int64_t n) {
    for (int64_t i = 0; i < n; i++) a[i] += b[i];
}

float gk_dot(const float *a, const float *b, int64_t n) {
    float sum = 0;
    for (int64_t i = 0; i < n; i++) sum += a[i] * b[i];
    return sum;
}

float gk_log_sum_exp(const float *x, int64_t n) {
    if (n <= 0) return -INFINITY;
    float maximum = x[0];
    for (int64_t i = 1; i < n; i++) if (x[i] > maximum) maximum = x[i];
    if (isinf(maximum)) return maximum;
    double sum = 0;
    for (int64_t i = 0; i < n; i++) sum += exp((double)(x[i] - maximum));
    return maximum + (float)log(sum);
}

float gk_softmax(float *x, int64_t n) {
    if (n <= 0) return -INFINITY;
    float maximum = x[0];
    for (int64_t i = 1; i < n; i++) if (x[i] > maximum) maximum = x[i];
    float sum = 0;
    for (int64_t i = 0; i < n; i++) { x[i] = expf(x[i] - maximum); sum += x[i]; }
    float inverse = 1.0f / sum;
    for (int64_t i = 0; i < n; i++) x[i] *= inverse;
    return maximum + logf(sum);
}

void gk_rope(float *x, int64_t heads, int64_t head_dim, const float *cos_table, const float *sin_table, int convention) {
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
