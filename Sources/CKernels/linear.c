/* Linear layers: output = input · Wᵀ with W in any supported element type.
   Portable version: each task dequantizes a few weight rows into per-thread scratch and dots
   them with every input row. */
#include "CKernels.h"

enum { ROWS_PER_TASK = 16 };

size_t gk_linear_scratch_bytes(int weight_type, int64_t rows, int64_t in_features, int threads, int precision) {
    (void)weight_type; (void)rows; (void)precision;
    return (size_t)threads * (size_t)in_features * sizeof(float) + 64;
}

typedef struct {
    const gk_linear_args *args;
    float *scratch;
    size_t row_bytes;
} linear_job;

static void linear_task(void *context, int64_t task, int thread) {
    const linear_job *job = context;
    const gk_linear_args *a = job->args;
    float *row = job->scratch + (size_t)thread * (size_t)a->in_features;
    int64_t first = task * ROWS_PER_TASK, last = first + ROWS_PER_TASK;
    if (last > a->out_features) last = a->out_features;
    for (int64_t o = first; o < last; o++) {
        gk_dequantize_row(a->weight_type, (const char *)a->weight + (size_t)o * job->row_bytes, row, a->in_features);
        for (int64_t r = 0; r < a->rows; r++)
            a->output[r * a->output_stride + o] = gk_dot(a->input + r * a->input_stride, row, a->in_features);
    }
}

static size_t row_bytes(int type, int64_t n) {
    switch (type) {
    case GK_F32: return (size_t)n * 4;
    case GK_F16: case GK_BF16: return (size_t)n * 2;
    case GK_Q4_0: return (size_t)n / 32 * 18;
    case GK_Q4_1: return (size_t)n / 32 * 20;
    case GK_Q5_0: return (size_t)n / 32 * 22;
    case GK_Q5_1: return (size_t)n / 32 * 24;
    case GK_Q8_0: return (size_t)n / 32 * 34;
    case GK_Q4_K: return (size_t)n / 256 * 144;
    case GK_Q5_K: return (size_t)n / 256 * 176;
    case GK_Q6_K: return (size_t)n / 256 * 210;
    default: return 0;
    }
}

void gk_linear(gk_pool *pool, const gk_linear_args *args, void *scratch) {
    linear_job job = { args, (float *)scratch, row_bytes(args->weight_type, args->in_features) };
    int64_t tasks = (args->out_features + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    gk_pool_run(pool, tasks, linear_task, &job);
}
