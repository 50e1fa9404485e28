/* Fused causal attention (see gk_attention.h).

   One source, compiled for every kernel path as vector16.h describes: the body works on
   16-float vectors and is instantiated per instruction set and cached element type.

   Work is split into tasks of (kv head, block of queries, range of keys). Each task keeps, for
   every (query, head) row, the running maximum, the running sum and the weighted value sum of
   an online softmax. When keys are split across tasks (short query blocks against long
   caches, as in decoding) the partial states are merged at the end in a fixed order, so the
   result does not depend on the thread count.

   bfloat16 products read keys and values packed per segment of SEGMENT_KEYS keys: each
   segment is packed, then every task continues its rows' states over it, so the packed
   operands take a segment's memory, not the whole cache's. */
#include "exp16.h"
#include "kv_cache.h"
#include <math.h>
#include <stdbool.h>

/* Queries per task, keys per task when keys are split, and (query, head) rows per tile. */
enum { QUERY_BLOCK = 16, KEY_SPLIT = 1024, TILE_ROWS = GK_ATTENTION_TILE_ROWS };
/* Keys packed at once for bfloat16 products (a multiple of the 32-key group). */
enum { SEGMENT_KEYS = 2048 };

/* tanh on 16 lanes: with m = e^(-2|x|) - 1 (formed without cancellation), tanh|x| = -m / (m + 2);
   relative error a few ulp. */
GK_INLINE v16f tanh16(v16f x) {
    v16f magnitude = __builtin_elementwise_abs(x);
    v16f y = splat(-2.0f) * magnitude;
    y = y < splat(-87.3f) ? splat(-87.3f) : y;
    v16f k;
    v16f m = exp_parts16(y, &k);
    v16f whole = k == splat(0.0f) ? m : (m + splat(1.0f)) * pow2i16(k) - splat(1.0f);
    v16f t = -whole / (whole + splat(2.0f));
    return x < splat(0.0f) ? -t : t;
}

/* ---- Random numbers for logit noise ----------------------------------------------------
   The noise of (seed, layer, head, query i, key j) is a pure function of those numbers, so it
   does not depend on tiling or threads: entry (start + j) mod 2^17 of a table of standard
   numbers, where start hashes (seed, layer, head, i) (splitmix64 to a 32-bit row key). A
   row's numbers are consecutive table entries, so a 16-key block costs one load. The table is
   filled once per seed from a counter-based generator: a 32-bit integer hash of (row key,
   counter) makes 16 lanes at a time. Uniform numbers take the hash's top 24 bits, one counter
   per entry. Gaussian numbers come from Box-Muller with a polynomial log, cosine and sine
   (errors below 1e-6): one counter per pair of entries j and j + 16 of a group of 32, the
   cosine for the first and the sine for the second. */

static inline uint64_t mix64(uint64_t z) {
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline uint32_t noise_row_key(uint64_t seed, int32_t layer, int32_t head, int64_t i) {
    uint64_t h = mix64(seed);
    h = mix64(h ^ (uint64_t)(uint32_t)layer);
    h = mix64(h ^ ((uint64_t)(uint32_t)head << 32));
    return (uint32_t)(mix64(h ^ (uint64_t)i) >> 32);
}

GK_INLINE v16u hash32(v16u x) {
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

/* Uniform numbers in [0, 1) (stream 1) for keys j0 .. j0+15. */
GK_INLINE v16f uniform16(uint32_t row_key, int64_t j0) {
    const v16u lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    v16u x = hash32(hash32((lane + (uint32_t)j0) * 0x9e3779b9u ^ row_key) ^ 0x68e31da4u);
    return __builtin_convertvector(x >> 8, v16f) * splat(1.0f / 16777216.0f);
}

/* Natural log for x in (0, 1]. */
GK_INLINE v16f log16(v16f x) {
    v16i bits;
    memcpy(&bits, &x, sizeof bits);
    v16i exponent = ((bits >> 23) & 0xff) - 127;
    v16i mantissa_bits = (bits & 0x7fffff) | 0x3f800000;
    v16f m;
    memcpy(&m, &mantissa_bits, sizeof m);
    v16i big = (v16i)(m > splat(1.41421356f));
    m = big ? m * splat(0.5f) : m;
    exponent = exponent + (big & 1);
    v16f t = (m - splat(1.0f)) / (m + splat(1.0f));
    v16f t2 = t * t;
    v16f series = splat(1.0f / 9.0f);
    series = series * t2 + splat(1.0f / 7.0f);
    series = series * t2 + splat(1.0f / 5.0f);
    series = series * t2 + splat(1.0f / 3.0f);
    series = series * t2 + splat(1.0f);
    return __builtin_convertvector(exponent, v16f) * splat(0.69314718056f) + splat(2.0f) * t * series;
}

/* cos(2πu) and sin(2πu) for u in [0, 1): the quadrant from round(4u), then Taylor polynomials
   on [-π/4, π/4] (absolute error below 4e-7). */
GK_INLINE void sincos2pi16(v16f u, v16f *cosine, v16f *sine) {
    const v16f quadrant = __builtin_elementwise_roundeven(u * splat(4.0f));
    const v16f x = (u - quadrant * splat(0.25f)) * splat(6.28318530718f), x2 = x * x;
    v16f s = splat(-1.0f / 5040.0f);
    s = s * x2 + splat(1.0f / 120.0f);
    s = s * x2 + splat(-1.0f / 6.0f);
    s = (s * x2) * x + x;
    v16f c = splat(1.0f / 40320.0f);
    c = c * x2 + splat(-1.0f / 720.0f);
    c = c * x2 + splat(1.0f / 24.0f);
    c = c * x2 + splat(-0.5f);
    c = c * x2 + splat(1.0f);
    const v16i q = __builtin_convertvector(quadrant, v16i) & 3;
    const v16i odd = (q & 1) != 0;
    const v16f c_q = odd ? s : c, s_q = odd ? c : s;
    *cosine = ((q == 1) | (q == 2)) ? -c_q : c_q;
    *sine = ((q == 2) | (q == 3)) ? -s_q : s_q;
}

/* Standard normal numbers for the 32 keys of group `group` (keys 32·group .. 32·group+31):
   Box-Muller on two hashed uniforms per lane, whose cosine serves key 32·group + l and whose
   sine key 32·group + 16 + l, so one logarithm and square root make two numbers. */
GK_INLINE void normal32(uint32_t row_key, int64_t group, v16f *first_block, v16f *second_block) {
    const v16u lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    v16u first = hash32((lane + (uint32_t)group * 16u) * 0x9e3779b9u ^ row_key);
    v16u second = hash32(first ^ 0x2c1b3c6du);
    v16f u1 = __builtin_convertvector((first >> 8) + 1u, v16f) * splat(1.0f / 16777216.0f);   /* (0, 1] */
    v16f u2 = __builtin_convertvector(second >> 8, v16f) * splat(1.0f / 16777216.0f);         /* [0, 1) */
    v16f radius = __builtin_elementwise_sqrt(splat(-2.0f) * log16(u1));
    v16f c, s;
    sincos2pi16(u2, &c, &s);
    *first_block = radius * c;
    *second_block = radius * s;
}

/* The numbers a table draws from: the generator's row (layer, head, i) = (-1, -1, -1), which no
   attention row uses. */
void gk_noise_table_fill(int kind, uint64_t seed, float *table) {
    const uint32_t table_key = noise_row_key(seed, -1, -1, -1);
    for (int64_t j0 = 0; j0 < GK_NOISE_TABLE_SIZE; j0 += 2 * GK_KEY_BLOCK) {
        v16f first, second;
        if (kind == GK_NOISE_GAUSSIAN) {
            normal32(table_key, j0 / (2 * GK_KEY_BLOCK), &first, &second);
        } else {
            first = uniform16(table_key, j0);
            second = uniform16(table_key, j0 + GK_KEY_BLOCK);
        }
        memcpy(table + j0, &first, sizeof first);
        memcpy(table + j0 + GK_KEY_BLOCK, &second, sizeof second);
    }
    memcpy(table + GK_NOISE_TABLE_SIZE, table, sizeof(float) * GK_NOISE_TABLE_PAD);
}

uint32_t gk_noise_row_start(uint64_t seed, int32_t layer, int32_t head, int64_t i) {
    return noise_row_key(seed, layer, head, i) & (GK_NOISE_TABLE_SIZE - 1);
}

/* What the noise of one (query, head) row needs, computed once per row: where its numbers start
   in the table, its gaussian mean, and its deviation at key j as at_query - per_distance · j
   (sigma times the uniform scale; per_distance = 0 when it does not scale with distance). */
typedef struct {
    uint32_t start;
    float offset, at_query, per_distance;
} noise_row;

GK_INLINE noise_row noise_row_of(const gk_attention_args *a, int64_t q, int32_t h) {
    const gk_attention_noise *n = a->noise;
    const int64_t i = a->first_query_index + q;
    noise_row row = { gk_noise_row_start(n->seed, n->layer, h, i), 0.0f, 1.0f, 0.0f };
    if (n->kind == GK_NOISE_GAUSSIAN && n->row_offset) row.offset = n->row_offset[q * a->heads + h];
    if (n->kind != GK_NOISE_GAUSSIAN && n->row_scale) row.at_query = n->row_scale[q * a->heads + h];
    if (n->scale_std) {
        row.per_distance = n->std_base / (float)n->total_key_count * row.at_query;
        row.at_query = row.per_distance * (float)i;
    }
    return row;
}

/* Where noise applies among keys j0 .. j0+15 (the same for every row): keys that exist and, when
   only interpolated keys get noise, are interpolated. */
GK_INLINE v16i noise_applies16(const gk_attention_args *a, int64_t j0) {
    const gk_attention_noise *n = a->noise;
    const v16i lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    v16i applies = (lane + (int32_t)j0) < (int32_t)a->key_count;
    if (n->only_interpolated) {
        v16i flags = {0};
        if (j0 + GK_KEY_BLOCK <= a->key_count) {
            v16u8 bytes;
            memcpy(&bytes, n->interpolated_keys + j0, sizeof bytes);
            flags = __builtin_convertvector(bytes, v16i);
        } else {
            for (int l = 0; j0 + l < a->key_count; l++) flags[l] = n->interpolated_keys[j0 + l];
        }
        applies = applies & (flags != 0);
    }
    return applies;
}

/* `logits` of keys j0 .. j0+15 (their indices `keys` as floats) plus `row`'s noise where
   `applies`: the row's 16 numbers from the table (its padding keeps the load whole) times the
   deviation, plus the mean. Without a mean (the default) the noise is added by one
   multiply-add, which the vector paths fuse. */
GK_INLINE v16f add_noise16(const gk_attention_args *a, const noise_row *row, int64_t j0, v16f keys, v16i applies, v16f logits) {
    const v16f z = load16(a->noise->table + ((row->start + (uint64_t)j0) & (GK_NOISE_TABLE_SIZE - 1)));
    const v16f deviation = splat(row->at_query) - splat(row->per_distance) * keys;
    if (row->offset == 0.0f) return applies ? logits + z * deviation : logits;
    return applies ? logits + (z * deviation + splat(row->offset)) : logits;
}

/* Key indices j0 .. j0+15 as floats. */
GK_INLINE v16f key_indices16(int64_t j0) {
    const v16f lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    return splat((float)j0) + lane;
}

/* ---- Helpers shared by every instantiation -------------------------------------------- */

/* View used by query q for key j: the number of thresholds above j. */
static inline int view_of(const gk_attention_args *a, int64_t q, int64_t j) {
    int view = 0;
    if (a->view_count > 1) {
        const int32_t *t = a->thresholds + q * (a->view_count - 1);
        while (view < a->view_count - 1 && j < t[view]) view++;
    }
    return view;
}

/* First key that query at sequence index i sees: the sliding window's lower edge, else 0. */
static inline int64_t first_visible_key(const gk_attention_args *a, int64_t i) {
    return a->sliding_window > 0 && i - a->sliding_window + 1 > 0 ? i - a->sliding_window + 1 : 0;
}

/* The logit soft-cap: c · tanh(x / c), or x when there is none. */
GK_INLINE v16f soft_cap16(const gk_attention_args *a, v16f x) {
    if (a->logit_softcap == 0) return x;
    return splat(a->logit_softcap) * tanh16(x * splat(1.0f / a->logit_softcap));
}

static inline float key_element(const gk_attention_args *a, int view, int32_t g, int64_t j, int t) {
    return gk_cached_key_element(a->keys[view], g * a->key_head_stride + (j / GK_KEY_BLOCK) * a->head_dim * GK_KEY_BLOCK,
                                 a->head_dim, (int)(j % GK_KEY_BLOCK), t, a->kv_type);
}

float gk_attention_logit(const gk_attention_args *a, int64_t q, int32_t h, int64_t j) {
    int view = view_of(a, q, j);
    int32_t g = h / (a->heads / a->kv_heads);
    const float *query = a->queries[view] + (q * a->heads + h) * a->head_dim;
    float sum = 0;
    for (int t = 0; t < a->head_dim; t++) sum += query[t] * key_element(a, view, g, j, t);
    return soft_cap16(a, splat(sum * a->logit_scale))[0];
}

/* ---- The kernel body ------------------------------------------------------------------- */

typedef struct {
    const gk_attention_args *args;
    int64_t query_blocks, key_splits, split_length;
    float *partial;   /* [query_blocks * QUERY_BLOCK][heads][key_splits][head_dim + 2] */
    /* bfloat16 products: each partial state's softmax sum kept per lane [same rows][16], so that
       a row continuing over the next segment adds up exactly as in one pass */
    float *sum_lanes;
    /* Keys [segment_begin, segment_end) are computed in this pass (all keys unless bfloat16
       products pack them by segment). */
    int64_t segment_begin, segment_end;
    /* bfloat16 products only (attention_bf16.c has the layouts): per view, queries
       [query_count][heads][head_dim / 2] and the segment's keys [kv_heads][group][2][head_dim / 2][16];
       values [kv_heads][group][16][head_dim]; groups of 32 keys, from first_group on. */
    uint32_t *query_pairs[GK_MAX_VIEWS];
    uint32_t *key_pairs[GK_MAX_VIEWS];
    uint32_t *value_pairs;
    int64_t first_group, groups;
} attention_job;

/* Logits of one (query, head) row against the 16 keys of block kb, for every view the row uses
   in this block, selected per key, scaled and soft-capped; invalid keys get -inf. READ: how
   keys are read (see kv_cache.h). */
GK_INLINE v16f block_logits(const gk_attention_args *a, int64_t q, int32_t h, int32_t g, int64_t kb,
                                int64_t key_begin, int64_t key_end, const int READ) {
    const int64_t i = a->first_query_index + q;
    const int64_t j0 = kb * GK_KEY_BLOCK;
    const int d = a->head_dim;
    int first_view = view_of(a, q, j0 + GK_KEY_BLOCK - 1), last_view = view_of(a, q, j0);
    v16f logits = splat(-INFINITY);
    v16i lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    v16i key = lane + (int32_t)j0;
    for (int view = first_view; view <= last_view; view++) {
        const float *query = a->queries[view] + (q * a->heads + h) * d;
        const void *keys = a->keys[view];
        const int64_t block = g * a->key_head_stride + kb * d * GK_KEY_BLOCK;
        /* four independent accumulators keep the FMA pipes busy */
        v16f acc0 = splat(0), acc1 = splat(0), acc2 = splat(0), acc3 = splat(0);
        for (int t0 = 0; t0 < d; t0 += GK_CACHE_GROUP) {
            const v16f scales = key_scales16(keys, block, d, t0, READ);
            const int t_end = t0 + GK_CACHE_GROUP < d ? t0 + GK_CACHE_GROUP : d;
            int t = t0;
            for (; t + 3 < t_end; t += 4) {
                acc0 += splat(query[t]) * load_key16(keys, block, t, scales, READ);
                acc1 += splat(query[t + 1]) * load_key16(keys, block, t + 1, scales, READ);
                acc2 += splat(query[t + 2]) * load_key16(keys, block, t + 2, scales, READ);
                acc3 += splat(query[t + 3]) * load_key16(keys, block, t + 3, scales, READ);
            }
            for (; t < t_end; t++) acc0 += splat(query[t]) * load_key16(keys, block, t, scales, READ);
        }
        v16f dots = soft_cap16(a, ((acc0 + acc1) + (acc2 + acc3)) * splat(a->logit_scale));
        if (first_view == last_view) {
            logits = dots;
        } else {
            /* lanes whose view is `view`: thresholds decide */
            v16i in_view = (v16i)(lane >= 0);
            const int32_t *thr = a->thresholds + q * (a->view_count - 1);
            if (view > 0) in_view = in_view & (key < thr[view - 1]);
            if (view < a->view_count - 1) in_view = in_view & (key >= thr[view]);
            logits = in_view ? dots : logits;
        }
    }
    v16i valid = (key <= (int32_t)i) & (key < (int32_t)key_end) & (key >= (int32_t)key_begin)
               & (key >= (int32_t)first_visible_key(a, i));
    return valid ? logits : splat(-INFINITY);
}

/* One (query, head) row over keys [key_begin, key_end) for head sizes without a tile
   instantiation: online softmax, writes the row's partial state (max, sum, head_dim values). */
GK_INLINE void attention_row(const gk_attention_args *a, int64_t q, int32_t h, int32_t g,
                                 int64_t key_begin, int64_t key_end, float *state, const int READ) {
    const int d = a->head_dim;
    const int64_t i = a->first_query_index + q;
    const int64_t last_key = i < key_end - 1 ? i : key_end - 1;
    const int64_t first_key = key_begin > first_visible_key(a, i) ? key_begin : first_visible_key(a, i);
    float running_max = -INFINITY, running_sum = 0;
    float *acc = state + 2;
    memset(acc, 0, sizeof(float) * (size_t)d);
    noise_row noise;
    if (a->noise) noise = noise_row_of(a, q, h);
    for (int64_t kb = first_key / GK_KEY_BLOCK; kb * GK_KEY_BLOCK <= last_key; kb++) {
        v16f logits = block_logits(a, q, h, g, kb, key_begin, key_end, READ);
        if (a->noise) {
            const int64_t j0 = kb * GK_KEY_BLOCK;
            logits = add_noise16(a, &noise, j0, key_indices16(j0), noise_applies16(a, j0), logits);
        }
        float block_max = hmax16(logits);
        if (block_max == -INFINITY) continue;
        float new_max = block_max > running_max ? block_max : running_max;
        float alpha = running_max == -INFINITY ? 0.0f : expf(running_max - new_max);
        v16f p = exp16(logits - splat(new_max));
        running_sum = running_sum * alpha + hsum16(p);
        running_max = new_max;
        const int64_t rows = g * a->value_head_stride + kb * GK_KEY_BLOCK * d;
        for (int t = 0; t < d; t++) acc[t] *= alpha;
        for (int l = 0; l < GK_KEY_BLOCK; l++) {
            if (p[l] == 0.0f) continue;
            for (int t = 0; t < d; t++) acc[t] += p[l] * gk_cached_element(a->values, rows + l * d + t, a->kv_type);
        }
    }
    state[0] = running_max;
    state[1] = running_sum;
}

/* The per-lane softmax sum kept for the partial state at `state` (bfloat16 products). */
GK_INLINE float *lanes_of(const attention_job *job, const float *state, int D) {
    return job->sum_lanes + (state - job->partial) / (D + 2) * 16;
}

/* A tile of up to TR rows (query, head) that share a kv head, computed together so that each
   key and value load serves every row, 32 keys (two key blocks) at a time: like a GEMM
   micro-kernel, Q·K keeps 2·TR accumulators and P·V updates two 16-float slices of TR output
   rows per value load. D is the (compile-time) head dimension, a multiple of 32. With
   `resume`, the rows continue the online softmax held in `states` (earlier keys' segment)
   instead of starting afresh. */
GK_INLINE void attention_tile(const attention_job *job, const int64_t *tile_q, const int32_t *tile_h, int rows,
                                  int32_t g, int64_t key_begin, int64_t key_end, bool resume, float *const *states,
                                  const int D, const int TR, const int READ) {
    enum { MAX_TILE = 8, MAX_CHUNKS = 8, STEP = 2 * GK_KEY_BLOCK };
    const gk_attention_args *a = job->args;
    v16f o[MAX_TILE][MAX_CHUNKS];
    float o_bf16[MAX_TILE][128] __attribute__((aligned(64)));   /* READ_BF16's output rows */
    v16f sum_lanes[MAX_TILE];   /* READ_BF16's softmax sums, per lane */
    if (READ == READ_BF16) memset(o_bf16, 0, sizeof o_bf16);
    float running_max[MAX_TILE], running_sum[MAX_TILE];
    float weights[MAX_TILE][STEP] __attribute__((aligned(64)));
    noise_row noise_rows[MAX_TILE];
    int64_t last_key = -1, first_key = key_end;
    for (int r = 0; r < TR; r++) {
        if (a->noise && r < rows) noise_rows[r] = noise_row_of(a, tile_q[r], tile_h[r]);
        running_max[r] = -INFINITY;
        running_sum[r] = 0;
        sum_lanes[r] = splat(0);
        for (int c = 0; c < D / 16; c++) o[r][c] = splat(0);
        if (resume && r < rows) {
            running_max[r] = states[r][0];
            running_sum[r] = states[r][1];
            if (READ == READ_BF16) sum_lanes[r] = load16(lanes_of(job, states[r], D));
            for (int c = 0; c < D / 16; c++) {
                if (READ == READ_BF16) store16(o_bf16[r] + c * 16, load16(states[r] + 2 + c * 16));
                else o[r][c] = load16(states[r] + 2 + c * 16);
            }
        }
        if (r < rows) {
            int64_t i = a->first_query_index + tile_q[r];
            int64_t last = i < key_end - 1 ? i : key_end - 1;
            if (last > last_key) last_key = last;
            int64_t first = first_visible_key(a, i);
            if (first < first_key) first_key = first;
        }
    }
    if (first_key < key_begin) first_key = key_begin;
    const v16i lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    /* bfloat16 products work on whole packed groups of 32 keys (two blocks); keys below
       first_key are masked */
    const int64_t first_block = READ == READ_BF16 ? first_key / STEP * 2 : first_key / GK_KEY_BLOCK;
    for (int64_t kb = first_block; kb * GK_KEY_BLOCK <= last_key; kb += 2) {
        const int64_t j0 = kb * GK_KEY_BLOCK;
        /* the second block holds a needed key (packed groups always have both) */
        const bool both = READ == READ_BF16 || j0 + GK_KEY_BLOCK <= last_key;
        const int64_t j_last = both ? j0 + STEP - 1 : j0 + GK_KEY_BLOCK - 1;
        const v16i key0 = lane + (int32_t)j0, key1 = key0 + GK_KEY_BLOCK;
        v16f logits0[MAX_TILE], logits1[MAX_TILE];
        int first_view[MAX_TILE], last_view[MAX_TILE];
        int union_first = GK_MAX_VIEWS, union_last = -1;
        for (int r = 0; r < TR; r++) {
            logits0[r] = splat(-INFINITY);
            logits1[r] = splat(-INFINITY);
            if (r >= rows) { first_view[r] = 1; last_view[r] = 0; continue; }
            first_view[r] = view_of(a, tile_q[r], j_last);
            last_view[r] = view_of(a, tile_q[r], j0);
            if (first_view[r] < union_first) union_first = first_view[r];
            if (last_view[r] > union_last) union_last = last_view[r];
        }
        for (int view = union_first; view <= union_last; view++) {
            const void *keys = a->keys[view];
            const int64_t block = g * a->key_head_stride + kb * D * GK_KEY_BLOCK;
            const float *query[MAX_TILE];
            v16f acc0[MAX_TILE], acc1[MAX_TILE];
            for (int r = 0; r < TR; r++) {
                query[r] = a->queries[view] + (tile_q[r < rows ? r : 0] * a->heads + tile_h[r < rows ? r : 0]) * D;
                acc0[r] = splat(0);
                acc1[r] = splat(0);
            }
            if (READ == READ_BF16) {
#if GK_X86
                const uint32_t *query_pairs[TILE_ROWS];
                float dots[TILE_ROWS][STEP] __attribute__((aligned(64)));
                for (int r = 0; r < TILE_ROWS; r++)
                    query_pairs[r] = job->query_pairs[view] + (tile_q[r < rows ? r : 0] * a->heads + tile_h[r < rows ? r : 0]) * (D / 2);
                gk_bf16_group_logits(job->key_pairs[view] + (g * job->groups + kb / 2 - job->first_group) * 16 * D,
                                     query_pairs, D, dots);
                for (int r = 0; r < TILE_ROWS; r++) {
                    acc0[r] = load16(dots[r]);
                    acc1[r] = load16(dots[r] + GK_KEY_BLOCK);
                }
#endif
            } else {
                const int64_t block1 = block + D * GK_KEY_BLOCK;
                for (int t0 = 0; t0 < D; t0 += GK_CACHE_GROUP) {
                    const v16f scales0 = key_scales16(keys, block, D, t0, READ);
                    if (both) {
                        const v16f scales1 = key_scales16(keys, block1, D, t0, READ);
                        for (int t = t0; t < t0 + GK_CACHE_GROUP; t++) {
                            v16f k0 = load_key16(keys, block, t, scales0, READ);
                            v16f k1 = load_key16(keys, block1, t, scales1, READ);
                            for (int r = 0; r < TR; r++) {
                                v16f q = splat(query[r][t]);
                                acc0[r] += q * k0;
                                acc1[r] += q * k1;
                            }
                        }
                    } else {
                        for (int t = t0; t < t0 + GK_CACHE_GROUP; t++) {
                            v16f k0 = load_key16(keys, block, t, scales0, READ);
                            for (int r = 0; r < TR; r++) acc0[r] += splat(query[r][t]) * k0;
                        }
                    }
                }
            }
            for (int r = 0; r < TR; r++) {
                if (view < first_view[r] || view > last_view[r]) continue;
                v16f dots0 = soft_cap16(a, acc0[r] * splat(a->logit_scale));
                v16f dots1 = soft_cap16(a, acc1[r] * splat(a->logit_scale));
                if (first_view[r] == last_view[r]) {
                    logits0[r] = dots0;
                    logits1[r] = dots1;
                } else {
                    const int32_t *thr = a->thresholds + tile_q[r] * (a->view_count - 1);
                    v16i in0 = (v16i)(lane >= 0), in1 = in0;
                    if (view > 0) { in0 = in0 & (key0 < thr[view - 1]); in1 = in1 & (key1 < thr[view - 1]); }
                    if (view < a->view_count - 1) { in0 = in0 & (key0 >= thr[view]); in1 = in1 & (key1 >= thr[view]); }
                    logits0[r] = in0 ? dots0 : logits0[r];
                    logits1[r] = in1 ? dots1 : logits1[r];
                }
            }
        }
        v16i noise_applies0 = {0}, noise_applies1 = {0};
        v16f key_indices0 = splat(0), key_indices1 = splat(0);
        bool noisy = false;
        if (a->noise) {   /* where noise goes is the same for every row */
            noise_applies0 = noise_applies16(a, j0);
            noise_applies1 = both ? noise_applies16(a, j0 + GK_KEY_BLOCK) : noise_applies1;
            noisy = __builtin_reduce_or(noise_applies0 | noise_applies1) != 0;
            key_indices0 = key_indices16(j0);
            key_indices1 = key_indices0 + splat((float)GK_KEY_BLOCK);
        }
        float alpha[MAX_TILE];
        for (int r = 0; r < TR; r++) {
            alpha[r] = 1;
            if (r >= rows) { memset(weights[r], 0, sizeof weights[r]); continue; }
            int64_t q = tile_q[r], i = a->first_query_index + q;
            if (noisy) {
                logits0[r] = add_noise16(a, &noise_rows[r], j0, key_indices0, noise_applies0, logits0[r]);
                if (both) logits1[r] = add_noise16(a, &noise_rows[r], j0 + GK_KEY_BLOCK, key_indices1, noise_applies1, logits1[r]);
            }
            const int64_t lowest = first_visible_key(a, i) > key_begin ? first_visible_key(a, i) : key_begin;
            v16f masked0 = logits0[r], masked1 = logits1[r];
            if (!(both && j0 >= lowest && j0 + STEP - 1 <= i && j0 + STEP <= key_end)) {   /* not all 32 keys visible */
                v16i valid0 = (key0 <= (int32_t)i) & (key0 < (int32_t)key_end) & (key0 >= (int32_t)lowest);
                v16i valid1 = (key1 <= (int32_t)i) & (key1 < (int32_t)key_end) & (key1 >= (int32_t)lowest);
                masked0 = valid0 ? masked0 : splat(-INFINITY);
                masked1 = both ? (valid1 ? masked1 : splat(-INFINITY)) : splat(-INFINITY);
            }
            float block_max = hmax16(__builtin_elementwise_max(masked0, masked1));
            if (block_max == -INFINITY) { memset(weights[r], 0, sizeof weights[r]); continue; }
            float new_max = block_max > running_max[r] ? block_max : running_max[r];
            /* e^0 = 1 exactly, so an unchanged maximum skips the exp */
            alpha[r] = running_max[r] == -INFINITY ? 0.0f : new_max == running_max[r] ? 1.0f : expf(running_max[r] - new_max);
            /* bfloat16 products round the weights to 8 bits, so a coarser exp serves them */
            v16f p0 = READ == READ_BF16 ? exp16_nonpositive_coarse(masked0 - splat(new_max)) : exp16(masked0 - splat(new_max));
            v16f p1 = READ == READ_BF16 ? exp16_nonpositive_coarse(masked1 - splat(new_max)) : exp16(masked1 - splat(new_max));
            if (READ == READ_BF16) sum_lanes[r] = sum_lanes[r] * splat(alpha[r]) + (p0 + p1);   /* reduced once, at the end */
            else running_sum[r] = running_sum[r] * alpha[r] + hsum16(p0 + p1);
            running_max[r] = new_max;
            store16(weights[r], p0);
            store16(weights[r] + GK_KEY_BLOCK, p1);
        }
        if (READ == READ_BF16) {
#if GK_X86
            gk_bf16_group_accumulate(job->value_pairs + (g * job->groups + kb / 2 - job->first_group) * 16 * D,
                                     (const float (*)[STEP])weights, alpha, D, o_bf16);
#endif
            continue;
        }
        const int64_t values = g * a->value_head_stride + j0 * D;
        int count = (int)(last_key + 1 - j0);
        if (count > STEP) count = STEP;
        /* value slices per pass: all of a row's when few rows leave registers for them */
        enum { MAX_SLICES = 4 };
        const int slices = TR * D / 16 <= 12 ? D / 16 : 2;
        for (int c = 0; c < D / 16; c += slices) {
            v16f acc[MAX_TILE][MAX_SLICES];
            for (int r = 0; r < TR; r++)
                for (int s = 0; s < slices; s++) acc[r][s] = o[r][c + s] * splat(alpha[r]);
            for (int l = 0; l < count; l++) {
                v16f v[MAX_SLICES];
                for (int s = 0; s < slices; s += 2) load_cached32(a->values, values + l * D + (c + s) * 16, &v[s], &v[s + 1], READ);
                for (int r = 0; r < TR; r++) {
                    const v16f w = splat(weights[r][l]);
                    for (int s = 0; s < slices; s++) acc[r][s] += w * v[s];
                }
            }
            for (int r = 0; r < TR; r++)
                for (int s = 0; s < slices; s++) o[r][c + s] = acc[r][s];
        }
    }
    for (int r = 0; r < rows; r++) {
        float *state = states[r];
        state[0] = running_max[r];
        state[1] = READ == READ_BF16 ? hsum16(sum_lanes[r]) : running_sum[r];
        if (READ == READ_BF16) store16(lanes_of(job, state, D), sum_lanes[r]);
        for (int c = 0; c < D / 16; c++) store16(state + 2 + c * 16, READ == READ_BF16 ? load16(o_bf16[r] + c * 16) : o[r][c]);
    }
}

GK_INLINE void attention_task_body(const attention_job *job, int64_t task, const int READ) {
    const gk_attention_args *a = job->args;
    const int group = a->heads / a->kv_heads, d = a->head_dim;
    int64_t split = task % job->key_splits;
    int64_t rest = task / job->key_splits;
    int64_t qb = rest % job->query_blocks;
    int32_t g = (int32_t)(rest / job->query_blocks);
    int64_t q_begin = qb * QUERY_BLOCK, q_end = q_begin + QUERY_BLOCK;
    if (q_end > a->query_count) q_end = a->query_count;
    const int64_t split_begin = split * job->split_length;
    int64_t key_end = split_begin + job->split_length;
    if (key_end > a->key_count) key_end = a->key_count;
    /* this pass computes the split's keys within the segment, continuing earlier segments' states */
    const int64_t key_begin = split_begin > job->segment_begin ? split_begin : job->segment_begin;
    if (key_end > job->segment_end) key_end = job->segment_end;
    if (key_begin >= key_end) return;
    const bool resume = key_begin > split_begin;

    /* Rows (query, head) of this task in order: tiles of TILE_ROWS rows for head sizes 64 and 128,
       single rows for the others. */
    const int tile_rows = d == 64 || d == 128 ? TILE_ROWS : 1;
    int64_t tile_q[8];
    int32_t tile_h[8];
    float *states[8];
    int filled = 0;
    for (int64_t q = q_begin; q < q_end; q++) {
        for (int hh = 0; hh < group; hh++) {
            int32_t h = g * group + hh;
            float *state = job->partial + (((q * a->heads + h) * job->key_splits) + split) * (d + 2);
            if (tile_rows == 1) {   /* never resumes: only bfloat16 products, always tiled, come in segments */
                attention_row(a, q, h, g, key_begin, key_end, state, READ);
                continue;
            }
            tile_q[filled] = q;
            tile_h[filled] = h;
            states[filled] = state;
            filled++;
            bool last = q == q_end - 1 && hh == group - 1;
            if (filled == tile_rows || last) {
                /* a tile of half the rows for short tails (decoding: one query, a group of heads),
                   so that the FMAs are not spent on padding rows */
                if (READ != READ_BF16 && filled <= TILE_ROWS / 2) {
                    if (d == 64) attention_tile(job, tile_q, tile_h, filled, g, key_begin, key_end, resume, states, 64, TILE_ROWS / 2, READ);
                    else attention_tile(job, tile_q, tile_h, filled, g, key_begin, key_end, resume, states, 128, TILE_ROWS / 2, READ);
                } else if (d == 64) {
                    attention_tile(job, tile_q, tile_h, filled, g, key_begin, key_end, resume, states, 64, TILE_ROWS, READ);
                } else {
                    attention_tile(job, tile_q, tile_h, filled, g, key_begin, key_end, resume, states, 128, TILE_ROWS, READ);
                }
                filled = 0;
            }
        }
    }
}

/* One task function per (path, cached element type). */
#define ATTENTION_TASKS(isa, target)                                                                       \
    target static void attention_f32_##isa(void *context, int64_t task, int thread) {                    \
        (void)thread;                                                                                      \
        attention_task_body(context, task, READ_F32);                                                      \
    }                                                                                                      \
    target static void attention_f16_##isa(void *context, int64_t task, int thread) {                    \
        (void)thread;                                                                                      \
        attention_task_body(context, task, HALF_READ_##isa);                                               \
    }                                                                                                      \
    target static void attention_q8_##isa(void *context, int64_t task, int thread) {                     \
        (void)thread;                                                                                      \
        attention_task_body(context, task, Q8_READ_##isa);                                                 \
    }
GK_FOR_EACH_PATH(ATTENTION_TASKS)

#if GK_X86
/* bfloat16 products: the AVX-512 path with the packed operands (the products themselves run in
   attention_bf16.c). */
GK_TARGET_AVX512 static void attention_bf16_avx512(void *context, int64_t task, int thread) {
    (void)thread;
    attention_task_body(context, task, READ_BF16);
}
#endif

/* The task function for the current path and the cache's element type. */
static gk_task_fn attention_task(int kv_type) {
    const int path = gk_path();
    if (kv_type == GK_Q8_0) return GK_PICK(path, attention_q8);
    return kv_type == GK_F16 ? GK_PICK(path, attention_f16) : GK_PICK(path, attention_f32);
}

/* ---- Entry points ---------------------------------------------------------------------- */

void gk_store_cached(const float *source, void *destination, int type, int64_t n) {
    if (type == GK_F16) {
        int64_t i = 0;
        for (; i + 16 <= n; i += 16) store16_half_bits((uint16_t *)destination + i, load16(source + i));
        for (; i < n; i++) ((uint16_t *)destination)[i] = gk_float_to_half(source[i]);
    } else if (type == GK_F32) {
        memcpy(destination, source, sizeof(float) * (size_t)n);
    } else if (type == GK_Q8_0) {
        for (int64_t b = 0; b < n / GK_QK; b++) {
            uint8_t *block = (uint8_t *)destination + b * GK_Q8_0_BYTES;
            uint16_t d = gk_quantize_group(source + b * GK_QK, (int8_t *)block + 2, 1);
            block[0] = (uint8_t)d;
            block[1] = (uint8_t)(d >> 8);
        }
    }
}

/* The sliding window and soft-cap are usable: window >= 0, cap finite and >= 0. */
static int valid_extras(const gk_attention_args *a) {
    return a->sliding_window >= 0 && a->logit_softcap >= 0 && a->logit_softcap < INFINITY && gk_cache_type_valid(a->kv_type)
        && (a->kv_type != GK_Q8_0 || (a->head_dim % GK_QK == 0 && a->key_head_stride % GK_QK == 0
                                      && a->value_head_stride % GK_QK == 0))
        && (a->products == GK_PRODUCTS_F32 || a->products == GK_PRODUCTS_BF16);
}

int gk_attention_key_sums(const gk_attention_args *a, int32_t view, float *sums) {
    if (!valid_extras(a) || view < 0 || view >= a->view_count || a->kv_heads <= 0 || a->head_dim <= 0) return -1;
    for (int32_t g = 0; g < a->kv_heads; g++) {
        for (int t = 0; t < a->head_dim; t++) {
            float total = 0;
            for (int64_t j = 0; j < a->key_count; j++) total += key_element(a, view, g, j, t);
            sums[g * a->head_dim + t] = total;
        }
    }
    return 0;
}

void gk_load_cached(const void *source, int type, float *destination, int64_t n) {
    for (int64_t i = 0; i < n; i++) destination[i] = gk_cached_element(source, i, type);
}

static int valid_args(const gk_attention_args *a) {
    if (!valid_extras(a)) return 0;
    if (a->query_count < 0 || a->key_count < 0 || a->heads <= 0 || a->kv_heads <= 0 || a->head_dim <= 0) return 0;
    if (a->head_dim > 512 || a->heads % a->kv_heads != 0) return 0;
    if (a->view_count < 1 || a->view_count > GK_MAX_VIEWS) return 0;
    if (a->view_count > 1 && !a->thresholds) return 0;
    if (a->first_query_index < 0 || a->first_query_index + a->query_count > a->key_count) return 0;
    if (a->key_count > INT32_MAX) return 0;
    if (a->noise && (!a->noise->table || (a->noise->only_interpolated && !a->noise->interpolated_keys))) return 0;
    return 1;
}

static void plan(const gk_attention_args *a, attention_job *job) {
    job->args = a;
    job->query_blocks = (a->query_count + QUERY_BLOCK - 1) / QUERY_BLOCK;
    /* Split keys only when there are few query blocks (decoding); fixed rule, not thread-based. */
    job->key_splits = 1;
    if (job->query_blocks * a->kv_heads < 16 && a->key_count > 2 * KEY_SPLIT)
        job->key_splits = (a->key_count + KEY_SPLIT - 1) / KEY_SPLIT;
    job->split_length = job->key_splits == 1 ? (a->key_count > 0 ? a->key_count : 1) : KEY_SPLIT;
}

int gk_attention_uses_bf16(const gk_attention_args *a) {
    return a->products == GK_PRODUCTS_BF16 && a->kv_type != GK_Q8_0 && (gk_cpu_features() & GK_CPU_AVX512_BF16) && gk_path() == GK_PATH_AVX512
        && (a->head_dim == 64 || a->head_dim == 128) && a->query_count >= GK_BF16_MIN_QUERIES;
}

/* Bytes of the partial states, then (bfloat16 products) of the packed queries, keys and values. */
static size_t partial_bytes(const gk_attention_args *a, const attention_job *job) {
    size_t bytes = (size_t)(job->query_blocks * QUERY_BLOCK) * (size_t)a->heads * (size_t)job->key_splits * (size_t)(a->head_dim + 2) * sizeof(float);
    return (bytes + 63) / 64 * 64;
}
/* Bytes of the per-lane softmax sums of bfloat16 products: 16 floats per partial state. */
static size_t lane_bytes(const gk_attention_args *a, const attention_job *job) {
    return (size_t)(job->query_blocks * QUERY_BLOCK) * (size_t)a->heads * (size_t)job->key_splits * 16 * sizeof(float);
}
static size_t query_pair_words(const gk_attention_args *a) { return (size_t)a->query_count * (size_t)a->heads * (size_t)(a->head_dim / 2); }
/* Groups of 32 keys that bfloat16 products pack at once: one segment's. */
static int64_t segment_groups(const gk_attention_args *a) {
    const int64_t keys = a->key_count < SEGMENT_KEYS ? a->key_count : SEGMENT_KEYS;
    return (keys + 31) / 32;
}
static size_t key_pair_words(const gk_attention_args *a) {
    return (size_t)a->kv_heads * (size_t)segment_groups(a) * 16 * (size_t)a->head_dim;
}

size_t gk_attention_scratch_bytes(const gk_attention_args *a) {
    attention_job job;
    plan(a, &job);
    size_t bytes = partial_bytes(a, &job) + 64;
    if (gk_attention_uses_bf16(a))
        bytes += lane_bytes(a, &job)
               + ((size_t)a->view_count * (query_pair_words(a) + key_pair_words(a)) + key_pair_words(a)) * sizeof(uint32_t);
    return bytes;
}

#if GK_X86
/* Packs the current segment's keys of every view and its values for bfloat16 products: task =
   (part, kv head, range of PACK_GROUPS groups), part v < view_count the keys of view v, part
   view_count the values. */
enum { PACK_GROUPS = 32 };
static void pack_task(void *context, int64_t task, int thread) {
    (void)thread;
    const attention_job *job = context;
    const gk_attention_args *a = job->args;
    const int64_t ranges = (job->groups + PACK_GROUPS - 1) / PACK_GROUPS;
    const int64_t range = task % ranges, rest = task / ranges;
    const int32_t g = (int32_t)(rest % a->kv_heads);
    const int part = (int)(rest / a->kv_heads);
    const int64_t first = range * PACK_GROUPS;
    const int64_t count = first + PACK_GROUPS <= job->groups ? PACK_GROUPS : job->groups - first;
    const int64_t group_words = 16 * a->head_dim;
    const int64_t offset = (g * job->groups + first) * group_words;
    if (part < a->view_count) {
        gk_bf16_pack_keys((const char *)a->keys[part] + (size_t)(g * a->key_head_stride) * (size_t)gk_type_block_bytes(a->kv_type),
                          a->kv_type, a->key_count, job->first_group + first, count, a->head_dim, job->key_pairs[part] + offset);
    } else {
        gk_bf16_pack_values((const char *)a->values + (size_t)(g * a->value_head_stride) * (size_t)gk_type_block_bytes(a->kv_type),
                            a->kv_type, a->key_count, job->first_group + first, count, a->head_dim, job->value_pairs + offset);
    }
}

/* Lays out the per-lane sums and the packed operands of bfloat16 products in the scratch after
   the partial states, and packs the queries. */
static void lay_out_bf16(const gk_attention_args *a, attention_job *job, void *scratch) {
    job->sum_lanes = (float *)((char *)scratch + partial_bytes(a, job));
    uint32_t *words = (uint32_t *)((char *)job->sum_lanes + lane_bytes(a, job));
    for (int v = 0; v < a->view_count; v++) {
        gk_bf16_pack_rows(a->queries[v], (int64_t)query_pair_words(a) * 2, words);
        job->query_pairs[v] = words;
        words += query_pair_words(a);
        job->key_pairs[v] = words;
        words += key_pair_words(a);
    }
    job->value_pairs = words;
}

/* Packs the keys and values of the job's segment. */
static void pack_segment(struct gk_pool *pool, const gk_attention_args *a, attention_job *job) {
    job->first_group = job->segment_begin / 32;
    job->groups = (job->segment_end - job->segment_begin + 31) / 32;
    const int64_t ranges = (job->groups + PACK_GROUPS - 1) / PACK_GROUPS;
    gk_pool_run(pool, (int64_t)(a->view_count + 1) * a->kv_heads * ranges, pack_task, job);
}
#endif

int gk_attention(struct gk_pool *pool, const gk_attention_args *a, void *scratch) {
    if (!valid_args(a)) return -1;
    if (a->query_count == 0) return 0;
    attention_job job;
    plan(a, &job);
    job.partial = scratch;
    job.sum_lanes = NULL;
    job.segment_begin = 0;
    job.segment_end = a->key_count;
    const int64_t tasks = (int64_t)a->kv_heads * job.query_blocks * job.key_splits;
#if GK_X86
    if (gk_attention_uses_bf16(a)) {
        lay_out_bf16(a, &job, scratch);
        for (int64_t begin = 0; begin < a->key_count; begin += SEGMENT_KEYS) {
            job.segment_begin = begin;
            job.segment_end = begin + SEGMENT_KEYS < a->key_count ? begin + SEGMENT_KEYS : a->key_count;
            pack_segment(pool, a, &job);
            gk_pool_run(pool, tasks, attention_bf16_avx512, &job);
        }
    } else
#endif
        gk_pool_run(pool, tasks, attention_task(a->kv_type), &job);

    /* Merge the key splits of every row in split order and normalise. */
    const int d = a->head_dim;
    for (int64_t q = 0; q < a->query_count; q++) {
        for (int32_t h = 0; h < a->heads; h++) {
            const float *states = job.partial + ((q * a->heads + h) * job.key_splits) * (d + 2);
            float maximum = -INFINITY;
            for (int64_t s = 0; s < job.key_splits; s++) {
                float m = states[s * (d + 2)];
                if (m > maximum) maximum = m;
            }
            float *out = a->output + (q * a->heads + h) * d;
            memset(out, 0, sizeof(float) * (size_t)d);
            float total = 0;
            if (maximum != -INFINITY) {
                for (int64_t s = 0; s < job.key_splits; s++) {
                    const float *state = states + s * (d + 2);
                    if (state[0] == -INFINITY) continue;
                    float weight = expf(state[0] - maximum);
                    total += state[1] * weight;
                    for (int t = 0; t < d; t++) out[t] += state[2 + t] * weight;
                }
                float inverse = 1.0f / total;
                for (int t = 0; t < d; t++) out[t] *= inverse;
            }
            if (a->row_log_sum_exp) a->row_log_sum_exp[q * a->heads + h] = maximum + logf(total);
        }
    }
    return 0;
}

typedef struct {
    const gk_attention_args *args;
    int quantity;
    int64_t total_length;
    int32_t resolution;
    double *sums;
    int64_t *counts;
} probe_job;

/* Logits of row (q, h) against key block kb over all keys, on the portable path (noise excluded). */
static v16f probe_logits(const gk_attention_args *a, int64_t q, int32_t h, int32_t g, int64_t kb) {
    if (a->kv_type == GK_Q8_0) return block_logits(a, q, h, g, kb, 0, a->key_count, Q8_READ_portable);
    return a->kv_type == GK_F16 ? block_logits(a, q, h, g, kb, 0, a->key_count, HALF_READ_portable)
                                : block_logits(a, q, h, g, kb, 0, a->key_count, READ_F32);
}

/* One task per grid row: the queries that fall in it, so tasks never write the same cells. */
static void probe_task(void *context, int64_t task, int thread) {
    const probe_job *job = context;
    const gk_attention_args *a = job->args;
    (void)thread;
    const int64_t n = job->total_length, res = job->resolution;
    double *row_sums = job->sums + task * res;
    int64_t *row_counts = job->counts + task * res;
    for (int64_t q = 0; q < a->query_count; q++) {
        int64_t i = a->first_query_index + q;
        if (i * res / n != task) continue;
        for (int32_t h = 0; h < a->heads; h++) {
            int32_t g = h / (a->heads / a->kv_heads);
            float maximum = -INFINITY;
            double total = 0;
            if (job->quantity == 1) {
                for (int64_t kb = 0; kb * GK_KEY_BLOCK <= i; kb++) {
                    v16f logits = probe_logits(a, q, h, g, kb);
                    for (int l = 0; l < GK_KEY_BLOCK; l++) {
                        if (logits[l] == -INFINITY) continue;
                        if (logits[l] > maximum) { total *= exp((double)maximum - logits[l]); maximum = logits[l]; }
                        total += exp((double)logits[l] - maximum);
                    }
                }
            }
            for (int64_t kb = 0; kb * GK_KEY_BLOCK <= i; kb++) {
                v16f logits = probe_logits(a, q, h, g, kb);
                for (int l = 0; l < GK_KEY_BLOCK; l++) {
                    if (logits[l] == -INFINITY) continue;
                    int64_t j = kb * GK_KEY_BLOCK + l;
                    double value = job->quantity == 1 ? exp((double)logits[l] - maximum) / total : logits[l];
                    row_sums[j * res / n] += value;
                    row_counts[j * res / n] += 1;
                }
            }
        }
    }
}

int gk_attention_probe(struct gk_pool *pool, const gk_attention_args *a, int quantity, int64_t total_length,
                       int32_t resolution, double *sums, int64_t *counts) {
    if (!valid_args(a) || a->noise || resolution < 1 || total_length < a->key_count || quantity < 0 || quantity > 1) return -1;
    probe_job job = { a, quantity, total_length, resolution, sums, counts };
    gk_pool_run(pool, resolution, probe_task, &job);
    return 0;
}

typedef struct {
    const gk_attention_args *args;
    float *row_max;
} row_max_job;

static void row_max_task(void *context, int64_t task, int thread) {
    (void)thread;
    const row_max_job *job = context;
    const gk_attention_args *a = job->args;
    int64_t q = task / a->heads;
    int32_t h = (int32_t)(task % a->heads);
    float maximum = -INFINITY;
    for (int64_t j = first_visible_key(a, a->first_query_index + q); j < a->key_count; j++) {
        float logit = gk_attention_logit(a, q, h, j);
        if (logit > maximum) maximum = logit;
    }
    job->row_max[q * a->heads + h] = maximum;
}

int gk_attention_row_max(struct gk_pool *pool, const gk_attention_args *a, float *row_max) {
    if (!valid_extras(a) || a->view_count < 1 || a->view_count > GK_MAX_VIEWS || a->heads <= 0 || a->kv_heads <= 0 || a->heads % a->kv_heads != 0) return -1;
    row_max_job job = { a, row_max };
    gk_pool_run(pool, a->query_count * a->heads, row_max_task, &job);
    return 0;
}
