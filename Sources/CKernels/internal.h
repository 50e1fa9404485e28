/* Declarations shared by the C files of CKernels (not part of the module's interface). */
#ifndef GK_INTERNAL_H
#define GK_INTERNAL_H
#include "CKernels.h"
#include "half.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define GK_X86 1
#include <immintrin.h>
/* Function-level targets: the package is compiled for the baseline ISA and these functions
   run only after gk_path() found the instruction sets. */
#define GK_TARGET_AVX2 __attribute__((target("avx2,fma,f16c")))
#define GK_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")))
#else
#define GK_X86 0
#endif

#define GK_INLINE static inline __attribute__((always_inline))

/* ---- Element types --------------------------------------------------------------------- */

/** The type table (type_traits.c), indexed by ggml type id. */
enum { GK_TYPE_TABLE_SIZE = GK_BF16 + 1 };
extern const gk_type_traits gk_type_table[GK_TYPE_TABLE_SIZE];

/** Row `type` of the table, or an all-zero row for an unsupported id; inline, so that kernels
    may look types up inside their loops. */
static inline const gk_type_traits *gk_type(int type) {
    static const gk_type_traits unsupported = { 0 };
    return type >= 0 && type < GK_TYPE_TABLE_SIZE ? &gk_type_table[type] : &unsupported;
}

/** Elements per block of `type` (1 for float types), or 0 for an unknown type. */
static inline int64_t gk_type_block_size(int type) { return gk_type(type)->block_size; }
/** Bytes per block of `type`, or 0 for an unknown type. */
static inline int64_t gk_type_block_bytes(int type) { return gk_type(type)->block_bytes; }
/** Whether `type` is F32, F16 or BF16. */
static inline int gk_type_is_float(int type) { return gk_type(type)->block_size == 1; }

/** The 6-bit scale and min of sub-block j (0..7) of a Q4_K/Q5_K super-block, from its 12
    packed scale bytes q (ggml's layout). */
static inline void gk_scale_min_k4(int j, const uint8_t *q, int *scale, int *min) {
    if (j < 4) {
        *scale = q[j] & 63;
        *min = q[j + 4] & 63;
    } else {
        *scale = (q[j + 4] & 0x0f) | ((q[j - 4] >> 6) << 4);
        *min = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

/** Vector dequantization on a vector path of the types that have one; returns -1 (writing
    nothing) for the other types and for the scalar path. */
int gk_dequantize_row_vector(int path, int type, const void *source, float *destination, int64_t n);
/** Dequantization on an explicit path. */
int gk_dequantize_row_path(int path, int type, const void *source, float *destination, int64_t n);

/* ---- Vector row kernels ---------------------------------------------------------------- */

/** Dot product on an explicit path. */
float gk_dot_path(int path, const float *a, const float *b, int64_t n);

/* ---- Activation quantization (FAST linear layers) -------------------------------------- */

/** Quantizes one row of n floats (n % 32 == 0) to int8 per block of 32:
    d = max|x| / 127, q = round(x · 127 / max|x|) (ties to even), sums as in gk_linear_input. */
void gk_quantize_row_scalar(const float *x, int64_t n, int8_t *q, float *scale, float *sum32, float *sum16);
void gk_quantize_row_avx2(const float *x, int64_t n, int8_t *q, float *scale, float *sum32, float *sum16);
void gk_quantize_row_avx512(const float *x, int64_t n, int8_t *q, float *scale, float *sum32, float *sum16);

/* ---- Weight panels --------------------------------------------------------------------- */

/** Output features per panel: the tile width of every matrix-matrix micro-kernel. */
enum { GK_PANEL = 32 };

/** A panel of GK_PANEL weight rows in the integer layout of the FAST micro-kernels.
    The row is cut in sub-blocks of `sub` (16 or 32) elements, each with one float scale d and
    offset m per row: w = d · u + m with u the stored byte (unsigned, or signed when
    `is_signed`). Sub-block s occupies stride = sub·32 + 256 bytes at data + s·stride:
      bytes  [g][row][4]  for g < sub/4: elements 4g..4g+3 of the sub-block of each row,
      d      float[32], then m float[32].
    Rows past the matrix's end are zero (d = m = 0). */
typedef struct {
    uint8_t *data;
    int64_t sub_blocks;
    int sub;
    int is_signed;
} gk_fast_panel;

/** Bytes of one sub-block of a fast panel. */
static inline int64_t gk_fast_panel_stride(int sub) { return (int64_t)sub * GK_PANEL + 2 * GK_PANEL * 4; }
/** Sub-block length used for `type` (16 for Q6_K, else 32), or 0 when not quantized. */
static inline int gk_fast_panel_sub(int type) { return gk_type(type)->fast_panel_sub; }
/** Unpacks rows [first, first + count) (count ≤ GK_PANEL) of a quantized weight into `panel`.
    `signed_q8` stores Q8_0 as signed bytes with m = 0 instead of q + 128 with m = -128·d.
    `row_buffer` holds gk_fast_panel_row_buffer_bytes(in_features) bytes (a few unpacked rows). */
void gk_fast_panel_pack(gk_fast_panel *panel, int type, const uint8_t *weight, int64_t row_bytes,
                        int64_t first, int64_t count, int64_t in_features, int signed_q8, void *row_buffer);
/** Bytes of gk_fast_panel_pack's row buffer. */
size_t gk_fast_panel_row_buffer_bytes(int64_t in_features);

/** Packs rows [first, first + count) dequantized to float as panel[k · 32 + i]; rows past
    `count` are zero. `row_buffer` holds in_features floats. */
void gk_float_panel_pack(float *panel, int type, const uint8_t *weight, int64_t row_bytes, int64_t first,
                         int64_t count, int64_t in_features, int path, float *row_buffer);

/* ---- Linear layers into a sink ---------------------------------------------------------- */

/** Takes one tile of a linear layer instead of the output matrix: `tile[r · GK_PANEL + i]` is
    output column first_output + i (i < count) of input row first_row + r (r < rows); `group` is
    the task group of panels the tile belongs to. The tiles of one (group, row) come from one task,
    in column order. */
typedef void (*gk_tile_sink)(void *context, const float *tile, int64_t first_row, int rows, int64_t first_output, int count,
                             int64_t group);
/** gk_linear_apply with every tile handed to `sink`: tasks cover groups of `panels_per_group`
    consecutive panels (GK_PANEL output columns each), so the sink can keep a state per row and
    group without locks. Uses the panel kernels whatever the row count. Returns 0, or -1 as
    gk_linear_apply does. */
int gk_linear_apply_to_sink(gk_pool *pool, const gk_linear_input *x, const void *weight, int weight_type, int64_t out_features,
                            int64_t panels_per_group, gk_tile_sink sink, void *sink_context, void *work);

/* ---- Micro-kernels --------------------------------------------------------------------- */

/** Row pointers of a tile of quantized activations. */
typedef struct {
    const int8_t *q[8];
    const float *scale[8];
    const float *sum[8];   /* sum32 for sub = 32, sum16 for sub = 16 */
} gk_fast_rows;

/** Largest tile height (input rows) of the FAST micro-kernels per path. */
int gk_fast_tile_rows(int path);
/** tile[r · 32 + i] = Σ over the panel row i · activation row r, for r < rows (≤ tile rows). */
void gk_fast_tile_scalar(const gk_fast_panel *panel, const gk_fast_rows *x, int rows, float *tile);
void gk_fast_tile_avx2(const gk_fast_panel *panel, const gk_fast_rows *x, int rows, float *tile);
void gk_fast_tile_avx512(const gk_fast_panel *panel, const gk_fast_rows *x, int rows, float *tile);

/** Largest input row count the direct (matrix-vector) FAST kernels take. */
enum { GK_DIRECT_ROWS = 3 };
/** Whether a direct FAST kernel exists for `type` on `path`. */
static inline int gk_fast_direct_supported(int path, int type) {
    return (path == GK_PATH_AVX2 || path == GK_PATH_AVX512) && gk_type(type)->direct_matvec;
}
/** out[r · out_stride + o] for o in [first, last), all input rows (≤ GK_DIRECT_ROWS), reading
    the weight blocks directly (no panel). */
void gk_fast_direct_avx2(int type, const uint8_t *weight, int64_t row_bytes, int64_t first, int64_t last,
                         const gk_linear_input *x, float *out, int64_t out_stride);
void gk_fast_direct_avx512(int type, const uint8_t *weight, int64_t row_bytes, int64_t first, int64_t last,
                           const gk_linear_input *x, float *out, int64_t out_stride);

/** Float-path matrix-vector kernel with the weight blocks dequantized in registers (Q4_0,
    Q4_1, Q8_0); returns -1 (computing nothing) for other types. */
int gk_float_rows_avx512(int type, const uint8_t *weight, int64_t row_bytes, int64_t first, int64_t last,
                         const gk_linear_input *x, float *out, int64_t out_stride);

#if GK_X86
/** Stores the accumulators of a micro-kernel tile, two registers per row: rows × 32 outputs
    (AVX-512), or the 16 outputs of half `half` of each row (AVX2), at tile[r · GK_PANEL]. */
GK_INLINE GK_TARGET_AVX512 void gk_store_tile_avx512(float *tile, __m512 (*acc)[2], const int rows) {
#pragma clang loop unroll(full)
    for (int r = 0; r < rows; r++) {
        _mm512_storeu_ps(tile + r * GK_PANEL, acc[r][0]);
        _mm512_storeu_ps(tile + r * GK_PANEL + 16, acc[r][1]);
    }
}
GK_INLINE GK_TARGET_AVX2 void gk_store_tile_half_avx2(float *tile, __m256 (*acc)[2], const int rows, int half) {
#pragma clang loop unroll(full)
    for (int r = 0; r < rows; r++) {
        _mm256_storeu_ps(tile + r * GK_PANEL + half * 16, acc[r][0]);
        _mm256_storeu_ps(tile + r * GK_PANEL + half * 16 + 8, acc[r][1]);
    }
}
#endif

/** Input rows per tile of the float micro-kernels. */
enum { GK_FLOAT_TILE_ROWS = 6 };
/** tile[r · 32 + i] = Σ_k x_r[k] · panel[k · 32 + i], accumulated in order of k with FMA. */
void gk_float_tile_scalar(const float *panel, int64_t k_count, const float *const *x, int rows, float *tile);
void gk_float_tile_avx2(const float *panel, int64_t k_count, const float *const *x, int rows, float *tile);
void gk_float_tile_avx512(const float *panel, int64_t k_count, const float *const *x, int rows, float *tile);


/* ---- Attention with bfloat16 products (attention_bf16.c, AVX512-BF16 only) ------------- */

/** (query, head) rows per attention tile. */
enum { GK_ATTENTION_TILE_ROWS = 6 };

#if GK_X86
/** Packs count floats (count even) as words of two consecutive bfloat16 (nearest even). */
void gk_bf16_pack_rows(const float *source, int64_t count, uint32_t *pairs);
/** Packs the keys of groups first_group..<first_group + group_count (32 keys each) of one kv
    head's blocked key layout (elements of type GK_F32 or GK_F16; keys from key_count on read as
    zero) into [group - first_group][block][dimension pair][16] words. */
void gk_bf16_pack_keys(const void *keys, int type, int64_t key_count, int64_t first_group, int64_t group_count,
                       int head_dim, uint32_t *pairs);
/** Packs the value rows of those groups (one kv head, rows of head_dim elements of `type`) into
    [group - first_group][l][dimension] words (v_l, v_{l+16}); rows from key_count on read as zero. */
void gk_bf16_pack_values(const void *values, int type, int64_t key_count, int64_t first_group, int64_t group_count,
                         int head_dim, uint32_t *pairs);
/** logits[r][i] = Σ_p queries[r][p] · key pair p of key i of the group at `keys`, for the
    GK_ATTENTION_TILE_ROWS rows (head_dim 64 or 128). */
void gk_bf16_group_logits(const uint32_t *keys, const uint32_t *const *queries, int head_dim, float (*logits)[32]);
/** out[r] = out[r] · alpha[r] + Σ_i weights[r][i] · value of key i of the group (weights rounded
    to bfloat16), for the GK_ATTENTION_TILE_ROWS rows (head_dim 64 or 128). */
void gk_bf16_group_accumulate(const uint32_t *values, const float (*weights)[32], const float *alpha, int head_dim,
                              float (*out)[128]);
#endif

#endif
