#ifndef CKERNELS_H
#define CKERNELS_H
/* Hot kernels of swift-gali, in C so that they can use AVX-512/AVX2/NEON through
   function-level target attributes chosen at run time (no compiler flags needed).
   Swift code reaches them through the Tensor target; nothing here is public API. */
#include <stddef.h>
#include <stdint.h>

/* ---- CPU features ---------------------------------------------------------------------- */

/** Bit set of CPU features found at run time (see gk_cpu_features). */
enum {
    GK_CPU_AVX2 = 1 << 0,
    GK_CPU_AVX512 = 1 << 1,
    GK_CPU_AVX512_VNNI = 1 << 2,
    GK_CPU_NEON = 1 << 3,
    GK_CPU_NEON_DOTPROD = 1 << 4
};

/** Features of this CPU that the kernels can use. */
uint32_t gk_cpu_features(void);

/* ---- Thread pool ----------------------------------------------------------------------- */

typedef struct gk_pool gk_pool;
/** One task of a parallel region: `task` in 0..<task_count, `thread` in 0..<threads. */
typedef void (*gk_task_fn)(void *context, int64_t task, int thread);

/** Starts `threads - 1` workers (the caller is thread 0). Returns NULL when out of memory. */
gk_pool *gk_pool_create(int threads);
/** Number of threads, the caller included. */
int gk_pool_thread_count(const gk_pool *pool);
/** Runs fn for every task and returns when all are done. Not reentrant: one caller at a time,
    and a task must not call gk_pool_run on the same pool. */
void gk_pool_run(gk_pool *pool, int64_t task_count, gk_task_fn fn, void *context);
/** Stops and joins the workers. */
void gk_pool_destroy(gk_pool *pool);

/* ---- Element types (ggml type ids) ----------------------------------------------------- */

enum {
    GK_F32 = 0, GK_F16 = 1, GK_Q4_0 = 2, GK_Q4_1 = 3, GK_Q5_0 = 6, GK_Q5_1 = 7, GK_Q8_0 = 8,
    GK_Q4_K = 12, GK_Q5_K = 13, GK_Q6_K = 14, GK_BF16 = 30
};

/** Converts `n` elements of a row of type `type` (n a multiple of the block size) to float.
    Returns 0 on success, -1 for an unknown type. */
int gk_dequantize_row(int type, const void *source, float *destination, int64_t n);

/* ---- Linear layers --------------------------------------------------------------------- */

/** Precision of gk_linear: FAST may quantize activations to 8 bits and use integer dot
    products; EXACT dequantizes weights exactly and accumulates in float32. */
enum { GK_PRECISION_FAST = 0, GK_PRECISION_EXACT = 1 };

/** output[r * output_stride + o] = sum_c input[r * input_stride + c] * W[o][c]
    for r < rows, o < out_features; W is out_features rows of in_features elements of
    `weight_type`, rows packed back to back starting at `weight`.
    `scratch` must hold gk_linear_scratch_bytes(...) bytes (64-byte aligned); the pool runs it. */
typedef struct {
    const void *weight;
    int weight_type;
    int64_t out_features;
    int64_t in_features;
    const float *input;
    int64_t input_stride;
    int64_t rows;
    float *output;
    int64_t output_stride;
    int precision;
} gk_linear_args;

size_t gk_linear_scratch_bytes(int weight_type, int64_t rows, int64_t in_features, int threads, int precision);
void gk_linear(gk_pool *pool, const gk_linear_args *args, void *scratch);

/* ---- Elementwise and row kernels ------------------------------------------------------- */

/** y[r] = x[r] / sqrt(mean(x[r]^2) + eps) * weight, for `rows` rows of `dim` floats. */
void gk_rms_norm(const float *x, const float *weight, float eps, int64_t rows, int64_t dim, float *y);
/** out[i] = silu(gate[i]) * up[i]. */
void gk_silu_mul(const float *gate, const float *up, int64_t n, float *out);
/** a[i] += b[i]. */
void gk_add(float *a, const float *b, int64_t n);
/** Dot product of two float vectors. */
float gk_dot(const float *a, const float *b, int64_t n);
/** Stable in-place softmax of one row; returns log(sum(exp(x - max))) + max (the log-sum-exp). */
float gk_softmax(float *x, int64_t n);
/** log(sum(exp(x))) of one row, computed stably. */
float gk_log_sum_exp(const float *x, int64_t n);

/** Pair conventions of rotary position embedding. */
enum {
    GK_ROPE_ADJACENT = 0,   /* (x[2i], x[2i+1]) rotate together: GGUF llama weights */
    GK_ROPE_HALF_SPLIT = 1  /* (x[i], x[i + d/2]) rotate together: Hugging Face weights */
};

/** Rotates `heads` vectors of `head_dim` floats (packed back to back) in place by the angles
    whose cosines and sines (head_dim/2 each) are given; cos/sin already include any scaling. */
void gk_rope(float *x, int64_t heads, int64_t head_dim, const float *cos_table, const float *sin_table, int convention);


#include "gk_attention.h"

#endif
