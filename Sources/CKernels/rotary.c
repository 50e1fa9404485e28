/* Rotary position embedding of attention inputs: angle tables, rotation of query rows, and
   rotation of keys into the blocked key layout, including GALI's blend of two rotations. */
#include "kv_cache.h"
#include <math.h>

enum { MAX_HEAD_DIM = 512, ROWS_PER_TASK = 64 };

void gk_rotary_angles(const float *inv_freq, int32_t half_dim, float scaling, const float *positions, int64_t count,
                      const float *cos_table, const float *sin_table, int64_t table_positions,
                      float *cos_out, float *sin_out) {
    for (int64_t r = 0; r < count; r++) {
        float position = positions[r];
        float *c = cos_out + r * half_dim, *s = sin_out + r * half_dim;
        if (position >= 0 && position < (float)table_positions && position == floorf(position)) {
            int64_t row = (int64_t)position;
            memcpy(c, cos_table + row * half_dim, sizeof(float) * (size_t)half_dim);
            memcpy(s, sin_table + row * half_dim, sizeof(float) * (size_t)half_dim);
            continue;
        }
        for (int32_t i = 0; i < half_dim; i++) {
            float angle = position * inv_freq[i];
            c[i] = (float)cos((double)angle) * scaling;
            s[i] = (float)sin((double)angle) * scaling;
        }
    }
}

GK_INLINE void rotate_vector(const float *in, float *out, int32_t head_dim, const float *c, const float *s, int convention) {
    int32_t half = head_dim / 2;
    if (convention == GK_ROPE_ADJACENT) {
        for (int32_t i = 0; i < half; i++) {
            float x0 = in[2 * i], x1 = in[2 * i + 1];
            out[2 * i] = x0 * c[i] - x1 * s[i];
            out[2 * i + 1] = x1 * c[i] + x0 * s[i];
        }
    } else {
        for (int32_t i = 0; i < half; i++) {
            float x0 = in[i], x1 = in[i + half];
            out[i] = x0 * c[i] - x1 * s[i];
            out[i + half] = x1 * c[i] + x0 * s[i];
        }
    }
}

typedef struct {
    const float *input;
    int64_t input_stride;
    float *output;
    int64_t output_stride, rows;
    int32_t heads, head_dim;
    const float *cos_rows, *sin_rows;
    int convention;
} rows_job;

GK_INLINE void rotate_rows_body(void *context, int64_t task) {
    const rows_job *job = context;
    int32_t half = job->head_dim / 2;
    int64_t first = task * ROWS_PER_TASK, last = first + ROWS_PER_TASK;
    if (last > job->rows) last = job->rows;
    for (int64_t row = first; row < last; row++) {
        for (int32_t h = 0; h < job->heads; h++) {
            rotate_vector(job->input + row * job->input_stride + h * job->head_dim,
                          job->output + row * job->output_stride + h * job->head_dim, job->head_dim,
                          job->cos_rows + row * half, job->sin_rows + row * half, job->convention);
        }
    }
}

/* Undoes rotate_vector with the same angle row: each pair is multiplied by the transposed
   rotation and divided by c² + s², so the result is the input of rotate_vector up to float
   rounding whatever the angle's magnitude (no angle arithmetic is involved). */
GK_INLINE void unrotate_vector(float *v, int32_t head_dim, const float *c, const float *s, int convention) {
    int32_t half = head_dim / 2;
    for (int32_t i = 0; i < half; i++) {
        int32_t a = convention == GK_ROPE_ADJACENT ? 2 * i : i, b = convention == GK_ROPE_ADJACENT ? 2 * i + 1 : i + half;
        float y0 = v[a], y1 = v[b], norm = c[i] * c[i] + s[i] * s[i];
        v[a] = (y0 * c[i] + y1 * s[i]) / norm;
        v[b] = (y1 * c[i] - y0 * s[i]) / norm;
    }
}

typedef struct {
    const float *keys;           /* unrotated rows, or NULL when the source is `cached` */
    const void *cached;          /* rotated keys in the blocked layout (elements of cached_type) */
    int cached_type;
    int64_t cached_head_stride;
    const float *cos0_rows, *sin0_rows;   /* the rotation of `cached` (row j for key j) */
    int64_t row_stride, first, count;
    int32_t kv_heads, head_dim;
    const float *cos_rows, *sin_rows, *cos2_rows, *sin2_rows, *weight2;
    int convention;
    void *out;
    int out_type;
    int64_t out_head_stride;
} keys_job;

GK_INLINE void recover_key(const keys_job *job, int64_t j, int32_t g, float *key) {
    const int32_t d = job->head_dim, half = d / 2;
    int64_t block = g * job->cached_head_stride + (j / GK_KEY_BLOCK) * d * GK_KEY_BLOCK;
    for (int32_t t = 0; t < d; t++)
        key[t] = gk_cached_key_element(job->cached, block, d, (int)(j % GK_KEY_BLOCK), t, job->cached_type);
    unrotate_vector(key, d, job->cos0_rows + j * half, job->sin0_rows + j * half, job->convention);
}

GK_INLINE void rotate_keys_body(void *context, int64_t task) {
    const keys_job *job = context;
    const int32_t d = job->head_dim, half = d / 2;
    float rotated[MAX_HEAD_DIM], rotated2[MAX_HEAD_DIM], recovered[MAX_HEAD_DIM];
    int64_t begin = job->first + task * ROWS_PER_TASK, end = begin + ROWS_PER_TASK;
    if (end > job->first + job->count) end = job->first + job->count;
    for (int64_t j = begin; j < end; j++) {
        float w = job->cos2_rows ? job->weight2[j] : 0.0f;
        for (int32_t g = 0; g < job->kv_heads; g++) {
            const float *key = recovered;
            if (job->keys) key = job->keys + j * job->row_stride + g * d;
            else recover_key(job, j, g, recovered);
            rotate_vector(key, rotated, d, job->cos_rows + j * half, job->sin_rows + j * half, job->convention);
            if (w != 0) {
                rotate_vector(key, rotated2, d, job->cos2_rows + j * half, job->sin2_rows + j * half, job->convention);
                for (int32_t t = 0; t < d; t++) rotated[t] = (1 - w) * rotated[t] + w * rotated2[t];
            }
            gk_store_key(rotated, job->out, g * job->out_head_stride + (j / GK_KEY_BLOCK) * d * GK_KEY_BLOCK, d,
                         (int)(j % GK_KEY_BLOCK), job->out_type);
        }
    }
}

/* The bodies compiled for each path (vector16.h); the compiler vectorises their loops. */
#define ROTARY_TASKS(isa, target)                                                                                  \
    target static void rotate_rows_##isa(void *context, int64_t task, int thread) { (void)thread; rotate_rows_body(context, task); } \
    target static void rotate_keys_##isa(void *context, int64_t task, int thread) { (void)thread; rotate_keys_body(context, task); }
GK_FOR_EACH_PATH(ROTARY_TASKS)

void gk_rotate_rows(struct gk_pool *pool, const float *input, int64_t input_stride, float *output, int64_t output_stride,
                    int64_t rows, int32_t heads, int32_t head_dim, const float *cos_rows, const float *sin_rows, int convention) {
    rows_job job = { input, input_stride, output, output_stride, rows, heads, head_dim, cos_rows, sin_rows, convention };
    gk_pool_run(pool, (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK, GK_PICK(gk_path(), rotate_rows), &job);
}

void gk_rotate_keys_blocked(struct gk_pool *pool, const float *keys, int64_t row_stride, int64_t first, int64_t count,
                            int32_t kv_heads, int32_t head_dim, const float *cos_rows, const float *sin_rows,
                            const float *cos2_rows, const float *sin2_rows, const float *weight2, int convention,
                            void *out, int out_type, int64_t out_head_stride) {
    if (!gk_cache_type_valid(out_type) || (out_type == GK_Q8_0 && head_dim % GK_QK != 0)) return;
    keys_job job = { keys, NULL, GK_F32, 0, NULL, NULL, row_stride, first, count, kv_heads, head_dim, cos_rows, sin_rows,
                     cos2_rows, sin2_rows, weight2, convention, out, out_type, out_head_stride };
    gk_pool_run(pool, (count + ROWS_PER_TASK - 1) / ROWS_PER_TASK, GK_PICK(gk_path(), rotate_keys), &job);
}

void gk_reposition_cached_keys(struct gk_pool *pool, const void *cached, int cached_type, int64_t cached_head_stride,
                               const float *cos0_rows, const float *sin0_rows, int64_t first, int64_t count,
                               int32_t kv_heads, int32_t head_dim, const float *cos_rows, const float *sin_rows,
                               const float *cos2_rows, const float *sin2_rows, const float *weight2, int convention,
                               void *out, int out_type, int64_t out_head_stride) {
    if (!gk_cache_type_valid(out_type) || !gk_cache_type_valid(cached_type) || (head_dim % GK_QK != 0
        && (out_type == GK_Q8_0 || cached_type == GK_Q8_0))) return;
    keys_job job = { NULL, cached, cached_type, cached_head_stride, cos0_rows, sin0_rows, 0, first, count, kv_heads, head_dim,
                     cos_rows, sin_rows, cos2_rows, sin2_rows, weight2, convention, out, out_type, out_head_stride };
    gk_pool_run(pool, (count + ROWS_PER_TASK - 1) / ROWS_PER_TASK, GK_PICK(gk_path(), rotate_keys), &job);
}
