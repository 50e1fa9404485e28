/* Rotary position embedding of attention inputs: angle tables, rotation of query rows, and
   rotation of keys into the blocked key layout, including GALI's blend of two rotations. */
#include "kv_cache.h"
#include <math.h>
#include <stdbool.h>

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

/* 16 × 16 floats transposed in place (m[k][l] becomes m[l][k]): four stages, each exchanging
   the off-diagonal blocks of S rows and lanes. For rows k (bit S of k clear) and k + S, row k
   keeps its lanes whose bit S is clear and takes the others from row k + S's lanes l - S; row
   k + S keeps its lanes whose bit S is set and takes the others from row k's lanes l + S. */
GK_INLINE void transpose16(v16f m[16]) {
#define PASS(...) __VA_ARGS__   /* a lane list as one macro argument */
#define SWAP_BLOCKS(S, LOW, HIGH)                                                                           \
    for (int k = 0; k < 16; k++) {                                                                         \
        if (k & S) continue;                                                                               \
        const v16f a = m[k], b = m[k + S];                                                                 \
        m[k] = __builtin_shufflevector(a, b, LOW);                                                         \
        m[k + S] = __builtin_shufflevector(a, b, HIGH);                                                    \
    }
    SWAP_BLOCKS(8, PASS(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23),
                PASS(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31))
    SWAP_BLOCKS(4, PASS(0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27),
                PASS(4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31))
    SWAP_BLOCKS(2, PASS(0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29),
                PASS(2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31))
    SWAP_BLOCKS(1, PASS(0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30),
                PASS(1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31))
#undef SWAP_BLOCKS
#undef PASS
}

/* out[k][l] = rows[j · row_stride + k] for k < count (≤ 16) and j = j0 + l clamped to [lo, hi):
   per-key rows (angles, unrotated keys) of a key block with the keys as lanes. Lanes outside
   [lo, hi) repeat a key of the range; their results are never stored. */
GK_INLINE void load_key_lanes(const float *rows, int64_t row_stride, int64_t j0, int64_t lo, int64_t hi, int count,
                              v16f out[16]) {
    for (int l = 0; l < GK_KEY_BLOCK; l++) {
        const int64_t j = j0 + l < lo ? lo : j0 + l >= hi ? hi - 1 : j0 + l;
        out[l] = load16_upto(rows + j * row_stride, count, 0.0f);
    }
    transpose16(out);
}

/* Keys [lo, hi) of one key block (16 keys) of kv head g, READ saying how the cached keys are
   read, computed with the block's 16 keys as vector lanes: each dimension of the block is one
   vector, taken from the cached keys (whose rotation is then undone) or from the unrotated
   rows; each rotation pair is rotated, blended with its second rotation, and stored. The angle
   rows, one per key, are turned into lanes 16 frequencies at a time. */
GK_INLINE void reposition_block(const keys_job *job, int32_t g, int64_t lo, int64_t hi, const int READ) {
    const int32_t d = job->head_dim, half = d / 2;
    const int64_t j0 = lo / GK_KEY_BLOCK * GK_KEY_BLOCK;
    v16f columns[MAX_HEAD_DIM + GK_KEY_BLOCK];   /* dimension t of the block's keys; room for a last partial load */
    if (job->keys) {
        for (int t0 = 0; t0 < d; t0 += 16)
            load_key_lanes(job->keys + g * d + t0, job->row_stride, j0, lo, hi, d - t0 < 16 ? d - t0 : 16, columns + t0);
    } else {
        const int64_t block = g * job->cached_head_stride + j0 * d;
        for (int t0 = 0; t0 < d; t0 += GK_CACHE_GROUP) {
            const v16f scales = key_scales16(job->cached, block, d, t0, READ);
            for (int t = t0; t < t0 + GK_CACHE_GROUP && t < d; t++) columns[t] = load_key16(job->cached, block, t, scales, READ);
        }
    }
    v16f w = splat(0.0f);
    if (job->cos2_rows) {
        for (int l = 0; l < GK_KEY_BLOCK; l++) w[l] = j0 + l >= lo && j0 + l < hi ? job->weight2[j0 + l] : 0.0f;
    }
    const bool blend = __builtin_reduce_or((v16i)(w != splat(0.0f))) != 0;
    for (int32_t i0 = 0; i0 < half; i0 += 16) {
        const int n = half - i0 < 16 ? half - i0 : 16;
        v16f c[16], s[16], c0[16], s0[16], c2[16], s2[16];
        load_key_lanes(job->cos_rows + i0, half, j0, lo, hi, n, c);
        load_key_lanes(job->sin_rows + i0, half, j0, lo, hi, n, s);
        if (!job->keys) {
            load_key_lanes(job->cos0_rows + i0, half, j0, lo, hi, n, c0);
            load_key_lanes(job->sin0_rows + i0, half, j0, lo, hi, n, s0);
        }
        if (blend) {
            load_key_lanes(job->cos2_rows + i0, half, j0, lo, hi, n, c2);
            load_key_lanes(job->sin2_rows + i0, half, j0, lo, hi, n, s2);
        }
        for (int k = 0; k < n; k++) {
            const int32_t i = i0 + k;
            const int32_t a = job->convention == GK_ROPE_ADJACENT ? 2 * i : i;
            const int32_t b = job->convention == GK_ROPE_ADJACENT ? 2 * i + 1 : i + half;
            v16f x0 = columns[a], x1 = columns[b];
            if (!job->keys) {
                /* undo the cached rotation: the pair times the transposed rotation, divided by
                   c² + s², is the rotation's input up to float rounding whatever the angle's
                   magnitude (no angle arithmetic is involved) */
                const v16f y0 = x0, y1 = x1, norm = c0[k] * c0[k] + s0[k] * s0[k];
                x0 = (y0 * c0[k] + y1 * s0[k]) / norm;
                x1 = (y1 * c0[k] - y0 * s0[k]) / norm;
            }
            v16f r0 = x0 * c[k] - x1 * s[k], r1 = x1 * c[k] + x0 * s[k];
            if (blend) {
                const v16f q0 = x0 * c2[k] - x1 * s2[k], q1 = x1 * c2[k] + x0 * s2[k];
                r0 = (splat(1.0f) - w) * r0 + w * q0;
                r1 = (splat(1.0f) - w) * r1 + w * q1;
            }
            columns[a] = r0;
            columns[b] = r1;
        }
    }
    const int first = (int)(lo - j0), last = (int)(hi - j0);
    if (job->out_type == GK_Q8_0) {
        for (int l = first; l < last; l++) {
            float key[MAX_HEAD_DIM];
            for (int32_t t = 0; t < d; t++) key[t] = columns[t][l];
            gk_store_key(key, job->out, g * job->out_head_stride + j0 * d, d, l, job->out_type);
        }
        return;
    }
    const int64_t block = g * job->out_head_stride + j0 * d;
    for (int32_t t = 0; t < d; t++) {
        if (job->out_type == GK_F16) {
            uint16_t *out = (uint16_t *)job->out + block + t * GK_KEY_BLOCK;
            if (first == 0 && last == GK_KEY_BLOCK) store16_half_bits(out, columns[t]);
            else for (int l = first; l < last; l++) out[l] = gk_float_to_half(columns[t][l]);
        } else {
            float *out = (float *)job->out + block + t * GK_KEY_BLOCK;
            for (int l = first; l < last; l++) out[l] = columns[t][l];
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
