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

/* Keys [lo, hi) of one key block (16 keys) of kv head g, READ saying how the cached keys are
   read: each key is taken from its unrotated row, or recovered from the cached keys (the
   block's dimensions loaded as 16-key vectors, then the key's rotation undone), rotated,
   blended with its second rotation, and stored; Float32 and half outputs collect the block's
   dimensions and store each as one vector when the block is whole. */
GK_INLINE void reposition_block(const keys_job *job, int32_t g, int64_t lo, int64_t hi, const int READ) {
    const int32_t d = job->head_dim, half = d / 2;
    const int64_t j0 = lo / GK_KEY_BLOCK * GK_KEY_BLOCK;
    float columns[MAX_HEAD_DIM][GK_KEY_BLOCK] __attribute__((aligned(64)));
    if (!job->keys) {
        const int64_t block = g * job->cached_head_stride + j0 * d;
        for (int t0 = 0; t0 < d; t0 += GK_CACHE_GROUP) {
            const v16f scales = key_scales16(job->cached, block, d, t0, READ);
            for (int t = t0; t < t0 + GK_CACHE_GROUP && t < d; t++) store16(columns[t], load_key16(job->cached, block, t, scales, READ));
        }
    }
    for (int64_t j = lo; j < hi; j++) {
        const int l = (int)(j - j0);
        float key[MAX_HEAD_DIM], rotated[MAX_HEAD_DIM], rotated2[MAX_HEAD_DIM];
        if (job->keys) {
            memcpy(key, job->keys + j * job->row_stride + g * d, sizeof(float) * (size_t)d);
        } else {
            for (int32_t t = 0; t < d; t++) key[t] = columns[t][l];
            unrotate_vector(key, d, job->cos0_rows + j * half, job->sin0_rows + j * half, job->convention);
        }
        rotate_vector(key, rotated, d, job->cos_rows + j * half, job->sin_rows + j * half, job->convention);
        const float w = job->cos2_rows ? job->weight2[j] : 0.0f;
        if (w != 0) {
            rotate_vector(key, rotated2, d, job->cos2_rows + j * half, job->sin2_rows + j * half, job->convention);
            for (int32_t t = 0; t < d; t++) rotated[t] = (1 - w) * rotated[t] + w * rotated2[t];
        }
        if (job->out_type == GK_Q8_0) {
            gk_store_key(rotated, job->out, g * job->out_head_stride + j0 * d, d, l, job->out_type);
        } else {
            for (int32_t t = 0; t < d; t++) columns[t][l] = rotated[t];
        }
    }
    if (job->out_type == GK_Q8_0) return;
    const int64_t block = g * job->out_head_stride + j0 * d;
    const int first = (int)(lo - j0), last = (int)(hi - j0);
    for (int32_t t = 0; t < d; t++) {
        if (job->out_type == GK_F16) {
            uint16_t *out = (uint16_t *)job->out + block + t * GK_KEY_BLOCK;
            if (first == 0 && last == GK_KEY_BLOCK) store16_half_bits(out, load16(columns[t]));
            else for (int l = first; l < last; l++) out[l] = gk_float_to_half(columns[t][l]);
        } else {
            float *out = (float *)job->out + block + t * GK_KEY_BLOCK;
            memcpy(out + first, columns[t] + first, sizeof(float) * (size_t)(last - first));
        }
    }
}

/* Task `task` covers the keys of the job in one aligned window of ROWS_PER_TASK keys (a whole
   number of key blocks, so no block is shared between tasks). */
GK_INLINE void rotate_keys_body(const keys_job *job, int64_t task, const int READ) {
    const int64_t end = job->first + job->count;
    int64_t begin = (job->first / ROWS_PER_TASK + task) * ROWS_PER_TASK;
    int64_t stop = begin + ROWS_PER_TASK < end ? begin + ROWS_PER_TASK : end;
    if (begin < job->first) begin = job->first;
    for (int64_t lo = begin; lo < stop; lo = (lo / GK_KEY_BLOCK + 1) * GK_KEY_BLOCK) {
        int64_t hi = (lo / GK_KEY_BLOCK + 1) * GK_KEY_BLOCK;
        if (hi > stop) hi = stop;
        for (int32_t g = 0; g < job->kv_heads; g++) reposition_block(job, g, lo, hi, READ);
    }
}

/* Number of tasks of a keys job: the aligned windows its keys touch. */
static int64_t key_tasks(int64_t first, int64_t count) {
    return count > 0 ? (first + count - 1) / ROWS_PER_TASK - first / ROWS_PER_TASK + 1 : 0;
}

/* The bodies compiled for each path (vector16.h); the compiler vectorises their loops. */
#define ROTARY_TASKS(isa, target)                                                                                  \
    target static void rotate_rows_##isa(void *context, int64_t task, int thread) { (void)thread; rotate_rows_body(context, task); } \
    target static void rotate_keys_##isa(void *context, int64_t task, int thread) {                               \
        (void)thread;                                                                                              \
        const keys_job *job = context;                                                                             \
        if (job->keys || job->cached_type == GK_F32) rotate_keys_body(job, task, READ_F32);                        \
        else if (job->cached_type == GK_F16) rotate_keys_body(job, task, HALF_READ_##isa);                         \
        else rotate_keys_body(job, task, Q8_READ_##isa);                                                           \
    }
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
    gk_pool_run(pool, key_tasks(first, count), GK_PICK(gk_path(), rotate_keys), &job);
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
    gk_pool_run(pool, key_tasks(first, count), GK_PICK(gk_path(), rotate_keys), &job);
}
