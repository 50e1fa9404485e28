#ifndef GK_ATTENTION_H
#define GK_ATTENTION_H
/* Fused causal attention with per-(query, key) choice among several rotations ("views"),
   online softmax, optional logit noise. No [heads, q, k] matrix is ever formed. */
#include <stddef.h>
#include <stdint.h>

struct gk_pool;

enum { GK_MAX_VIEWS = 4, GK_KEY_BLOCK = 16 };
/** Arithmetic of the attention products (gk_attention_args.products). */
enum { GK_PRODUCTS_F32 = 0, GK_PRODUCTS_BF16 = 1, GK_BF16_MIN_QUERIES = 16 };


/** Noise added to logits (GALI). For query sequence index i and key index j over K keys:
    sigma = scale_std ? (i - j) / K * std_base : 1;
    gaussian: noise = row_offset + sigma * z; uniform: noise = z * sigma * row_scale.
    z is entry (gk_noise_row_start(seed, layer, head, i) + j) mod GK_NOISE_TABLE_SIZE of a table
    of standard numbers (N(0, 1) or U(0, 1)) filled once per kind and seed by gk_noise_table_fill:
    each row reads a stretch of the table that starts at a hashed place, so the noise does not
    depend on tiling or threads, and a row's numbers are distinct up to 2^17 keys. The table
    (512 KB) stays in a core's L2 cache; one of 4 MB cost 4% more time at 16k tokens. */
enum { GK_NOISE_GAUSSIAN = 1, GK_NOISE_UNIFORM = 2 };
enum { GK_NOISE_TABLE_SIZE = 1 << 17, GK_NOISE_TABLE_PAD = 32 };
typedef struct {
    int kind;
    uint64_t seed;
    int32_t layer;
    const float *table;                 /* [GK_NOISE_TABLE_SIZE + GK_NOISE_TABLE_PAD], gk_noise_table_fill */
    int only_interpolated;              /* add noise only where interpolated_keys[j] != 0 */
    const uint8_t *interpolated_keys;   /* [key_count] */
    int scale_std;
    float std_base;
    int64_t total_key_count;            /* K */
    const float *row_offset;            /* [query_count][heads] or NULL (0) */
    const float *row_scale;             /* [query_count][heads] or NULL (1) */
} gk_attention_noise;

/** Keys and values are cached as Float32, IEEE half or Q8_0 (kv_type). Positions are counted in
    elements: keys are stored per kv head in blocks of GK_KEY_BLOCK keys, each block transposed:
    element t of key j of kv head g is element g * key_head_stride + (j / 16) * head_dim * 16
    + t * 16 + j % 16. Values are rows: element g * value_head_stride + j * head_dim + t.
    Q8_0 (head_dim, key_head_stride and value_head_stride multiples of 32) stores every 32
    elements in 34 bytes, ggml's Q8_0 numbers (int8 quants q of 32-element groups of one key or
    value row along the head dimension, one f16 scale d = max|x| / 127 per group, element q · d):
    the run starting at element e begins at byte e / 32 * 34. A value run is ggml's block_q8_0
    (d, then 32 quants); a key block keeps the quants transposed (dimension t of key l at byte
    t * 16 + l of the block) followed by the scales of dimension group c of key l at byte
    head_dim * 16 + (c * 16 + l) * 2. */
typedef struct {
    int64_t query_count;                 /* m */
    int64_t first_query_index;           /* sequence index of query 0 */
    int64_t key_count;                   /* keys 0..<key_count exist; query i sees keys j <= i */
    int32_t heads, kv_heads, head_dim;
    int32_t view_count;                  /* 1...GK_MAX_VIEWS */
    const float *queries[GK_MAX_VIEWS];  /* [query_count][heads][head_dim], rotated per view */
    const void *keys[GK_MAX_VIEWS];      /* blocked-transposed, see above; elements of kv_type */
    int64_t key_head_stride;             /* in elements */
    const void *values;                  /* elements of kv_type */
    int64_t value_head_stride;           /* in elements */
    int32_t kv_type;                     /* element type of keys and values: GK_F32 (0), GK_F16 or GK_Q8_0 */
    /* GK_PRODUCTS_F32 (0): q·k and p·v in Float32. GK_PRODUCTS_BF16: where the CPU has AVX512-BF16
       and the call has GK_BF16_MIN_QUERIES queries or more (prefill) with head_dim 64 or 128,
       queries, keys, softmax weights and values are rounded to bfloat16 (nearest even) and
       multiplied in pairs with Float32 accumulation; elsewhere Float32 as with GK_PRODUCTS_F32. */
    int32_t products;
    /* [query_count][view_count - 1]: view 0 covers keys j >= t[0], view 1 covers
       t[1] <= j < t[0], ..., view v-1 covers j < t[v-2]. NULL when view_count == 1. */
    const int32_t *thresholds;
    float logit_scale;                   /* multiplies q·k (normally 1/sqrt(head_dim)) */
    /* 0: none; else query at sequence index i sees only keys j with i - j < sliding_window. */
    int64_t sliding_window;
    /* 0: none; else each scaled logit x becomes logit_softcap * tanh(x / logit_softcap),
       before noise and before the softmax. */
    float logit_softcap;
    const gk_attention_noise *noise;     /* NULL: no noise */
    float *output;                       /* [query_count][heads][head_dim] */
    float *row_log_sum_exp;              /* optional [query_count][heads]: log Σ exp(logit) */
} gk_attention_args;

/** Whether gk_attention runs the products of this call in bfloat16 (see products). */
int gk_attention_uses_bf16(const gk_attention_args *args);

/** Scratch bytes gk_attention needs for these arguments. */
size_t gk_attention_scratch_bytes(const gk_attention_args *args);
/** Runs the attention on the pool. Returns 0, or -1 for invalid arguments. */
int gk_attention(struct gk_pool *pool, const gk_attention_args *args, void *scratch);

/** Attention analysis: for every query of the call and every head, the logit (quantity 0) or the
    softmax probability (quantity 1) of each visible key, noise excluded, added into a
    resolution × resolution grid covering a sequence of total_length tokens: cell (r, c) holds
    queries with floor(i * resolution / total_length) == r and keys likewise in c. sums and
    counts accumulate across calls (layers, batches); the mean is sums / counts. */
int gk_attention_probe(struct gk_pool *pool, const gk_attention_args *args, int quantity, int64_t total_length,
                       int32_t resolution, double *sums, int64_t *counts);

/** Maximum over every key 0..<key_count (no causal mask; the sliding window's lower bound
    applies) of the selected, scaled, soft-capped logit, per query and head:
    [query_count][heads] into row_max. Used by GALI's uniform noise. */
int gk_attention_row_max(struct gk_pool *pool, const gk_attention_args *args, float *row_max);

/** The logit the kernel uses for query q (0-based within the call), head h and key j, noise
    excluded (soft-cap included, masks ignored): one value, for tests and analysis tools. */
float gk_attention_logit(const gk_attention_args *args, int64_t q, int32_t h, int64_t j);

/** Per kv head, the sum of the keys 0..<key_count of view `view`: [kv_heads][head_dim] into
    sums (for the mean logit of a row, q · Σk / key_count). Returns 0, or -1 for invalid arguments. */
int gk_attention_key_sums(const gk_attention_args *args, int32_t view, float *sums);

/** Fills table[0 ..< GK_NOISE_TABLE_SIZE + GK_NOISE_TABLE_PAD] with the standard numbers of
    `kind` for `seed`: counter-based (a hash of the seed and the index), Box-Muller for gaussian
    numbers; the last GK_NOISE_TABLE_PAD entries repeat the first. */
void gk_noise_table_fill(int kind, uint64_t seed, float *table);
/** Where the numbers of row (seed, layer, head, query index i) start in the table. */
uint32_t gk_noise_row_start(uint64_t seed, int32_t layer, int32_t head, int64_t i);


/* ---- Rotary position embedding for attention inputs ------------------------------------- */

/** cos and sin of angle p * inv_freq[i] (float32 product, as the references compute it) for
    each position, scaled by `scaling`: rows of half_dim values, into cos_out/sin_out. Integer
    positions below table_positions are copied from the table rows instead (same values). */
void gk_rotary_angles(const float *inv_freq, int32_t half_dim, float scaling, const float *positions, int64_t count,
                      const float *cos_table, const float *sin_table, int64_t table_positions,
                      float *cos_out, float *sin_out);

/** Rotates `rows` rows of `heads` vectors (row r at input + r * input_stride) into
    output + r * output_stride with the angles of row r (cos/sin rows of head_dim/2 values). */
void gk_rotate_rows(struct gk_pool *pool, const float *input, int64_t input_stride, float *output, int64_t output_stride,
                    int64_t rows, int32_t heads, int32_t head_dim, const float *cos_rows, const float *sin_rows, int convention);

/** Rotates keys first..first+count-1 (unrotated rows: key j of kv head g at
    keys[j * row_stride + g * head_dim]) into the blocked key layout at out (heads
    out_head_stride floats apart), key j with angle row j of cos_rows/sin_rows. With cos2_rows,
    key j becomes (1 - w_j) * R1 k_j + w_j * R2 k_j with w = weight2. Angle rows and weights are
    indexed by absolute key index. out holds elements of out_type (GK_F32, GK_F16 rounded to
    nearest even, or GK_Q8_0 quantized as gk_store_cached does; nothing is written for another
    type or a Q8_0 head_dim that is not a multiple of 32); out_head_stride counts elements. */
void gk_rotate_keys_blocked(struct gk_pool *pool, const float *keys, int64_t row_stride, int64_t first, int64_t count,
                            int32_t kv_heads, int32_t head_dim, const float *cos_rows, const float *sin_rows,
                            const float *cos2_rows, const float *sin2_rows, const float *weight2, int convention,
                            void *out, int out_type, int64_t out_head_stride);

/** gk_rotate_keys_blocked with keys recovered from a rotated copy instead of unrotated rows:
    `cached` holds keys in the blocked layout (elements of cached_type, heads cached_head_stride
    elements apart; any cache type, Q8_0 keys read as their dequantized numbers), key j rotated
    with angle row j of cos0_rows/sin0_rows. Each key is first
    rotated back with that same row (exact inverse up to float rounding, no angle arithmetic),
    then rotated (and blended) as gk_rotate_keys_blocked does. `out` must not overlap `cached`. */
void gk_reposition_cached_keys(struct gk_pool *pool, const void *cached, int cached_type, int64_t cached_head_stride,
                               const float *cos0_rows, const float *sin0_rows, int64_t first, int64_t count,
                               int32_t kv_heads, int32_t head_dim, const float *cos_rows, const float *sin_rows,
                               const float *cos2_rows, const float *sin2_rows, const float *weight2, int convention,
                               void *out, int out_type, int64_t out_head_stride);

/** Stores n floats as elements of `type`: GK_F32, GK_F16 rounded to nearest even, or GK_Q8_0
    as n / 32 of ggml's block_q8_0 (n a multiple of 32; d = max|x| / 127 rounded to f16,
    q = round(x / d) with the unrounded d, halves away from zero, as ggml quantizes). */
void gk_store_cached(const float *source, void *destination, int type, int64_t n);
/** Loads n elements of `type` (GK_F32, GK_F16, or GK_Q8_0 rows as gk_store_cached writes them) as floats. */
void gk_load_cached(const void *source, int type, float *destination, int64_t n);

#endif
