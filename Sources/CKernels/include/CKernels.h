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
    GK_CPU_NEON_DOTPROD = 1 << 4,
    GK_CPU_AVX512_BF16 = 1 << 5
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
/** Counts of regions with more than one task since the pool was created: run in parallel, and
    run on the caller alone because other processes were keeping the cores busy. */
void gk_pool_statistics(const gk_pool *pool, int64_t *parallel_regions, int64_t *backed_off_regions);

/* ---- Element types (ggml type ids) ----------------------------------------------------- */

enum {
    GK_F32 = 0, GK_F16 = 1, GK_Q4_0 = 2, GK_Q4_1 = 3, GK_Q5_0 = 6, GK_Q5_1 = 7, GK_Q8_0 = 8,
    GK_Q4_K = 12, GK_Q5_K = 13, GK_Q6_K = 14, GK_BF16 = 30
};

/** Block layouts as ggml defines them: elements per block, and bytes per block of each type. */
enum {
    GK_QK = 32,     /* elements per block of Q4_0, Q4_1, Q5_0, Q5_1 and Q8_0 */
    GK_QK_K = 256,  /* elements per block of the K-quants (Q4_K, Q5_K, Q6_K) */
    GK_Q4_0_BYTES = 18, GK_Q4_1_BYTES = 20, GK_Q5_0_BYTES = 22, GK_Q5_1_BYTES = 24, GK_Q8_0_BYTES = 34,
    GK_Q4_K_BYTES = 144, GK_Q5_K_BYTES = 176, GK_Q6_K_BYTES = 210
};

/** What CKernels knows of one element type: its layout and which kernels it has. The one
    table of these (type_traits.c) is what both the C kernels and Swift's `DType` read. */
typedef struct {
    const char *name;             /* ggml's name ("Q4_1"); NULL for an id that is not a supported type */
    int32_t block_size;           /* elements per block: 1 for F32/F16/BF16 */
    int32_t block_bytes;          /* bytes per block */
    int32_t fast_panel_sub;       /* sub-block length of the FAST weight panels; 0 for float types */
    uint8_t direct_matvec;        /* 1 when the AVX2/AVX-512 matrix-vector kernels read its blocks in place */
    uint8_t vector_dequantize;    /* 1 when dequantization has a vector version (AVX2/AVX-512) */
} gk_type_traits;

/** The traits of ggml type id `type` (all zero, name NULL, for an unsupported id). */
gk_type_traits gk_type_traits_of(int type);

/** Converts `n` elements of a row of type `type` (n a multiple of the block size) to float.
    Returns 0 on success, -1 for an unknown type. */
int gk_dequantize_row(int type, const void *source, float *destination, int64_t n);

/* ---- Kernel paths (SIMD instruction sets) --------------------------------------------- */

/** Instruction-set paths of the kernels. Every kernel has a portable scalar version; the
    others run only where the CPU supports them (see gk_path_supported). */
enum {
    GK_PATH_SCALAR = 0,   /* portable C */
    GK_PATH_AVX2 = 1,     /* x86-64 AVX2 + FMA + F16C */
    GK_PATH_AVX512 = 2,   /* x86-64 AVX-512 F/BW/VL/DQ + VNNI (plus AVX2, FMA, F16C) */
    GK_PATH_COUNT = 3
};

/** 1 when `path` can run on this CPU, else 0. */
int gk_path_supported(int path);
/** The best path this CPU supports. */
int gk_path_best(void);
/** The path the kernels use now: the one forced by gk_set_path, else the one named by the
    environment variable GALI_KERNELS (scalar, avx2, avx512) when supported, else the best. */
int gk_path(void);
/** Forces `path` for all later kernel calls. Returns 0, or -1 (changing nothing) when the
    CPU does not support it. Not synchronised with kernels running on other threads. */
int gk_set_path(int path);
/** The path named `name` ("scalar", "avx2", "avx512"), or -1 for any other text. */
int gk_path_from_name(const char *name);
/** Name of `path` ("scalar", "avx2", "avx512", or "unknown"). */
const char *gk_path_name(int path);

/* ---- Linear layers --------------------------------------------------------------------- */

/** Precision of linear layers: FAST quantizes activations to 8 bits per block of 32 (float
    scale) and uses integer dot products against quantized weights; EXACT dequantizes weights
    exactly to float32 and accumulates with float32 FMA. Float weights (F32, F16, BF16) use
    the float32 path in both precisions. */
enum { GK_PRECISION_FAST = 0, GK_PRECISION_EXACT = 1 };

/** Block of activations quantized for FAST integer dot products. */
enum { GK_ACTIVATION_BLOCK = 32 };

/** An input of linear layers prepared once and applied to several weights
    (gk_linear_prepare / gk_linear_apply). The float input is read again by gk_linear_apply
    (float weights, EXACT precision), so it must stay valid and unchanged meanwhile. */
typedef struct {
    const float *input;        /* rows × in_features floats, rows input_stride apart */
    int64_t input_stride;
    int64_t rows;
    int64_t in_features;
    int precision;
    /* 8-bit activations; set (quantized = 1) for FAST precision when in_features % 32 == 0. */
    int quantized;
    const int8_t *q;           /* rows × q_stride bytes, row r's values at q + r * q_stride */
    int64_t q_stride;
    const float *scale;        /* rows × in_features/32: block scale d, x ≈ d · q */
    const float *sum32;        /* rows × in_features/32: d · Σ q over the block */
    const float *sum16;        /* rows × in_features/16: d · Σ q over each half block */
} gk_linear_input;

/** Bytes of buffer gk_linear_prepare needs (64-byte aligned) for this input shape. */
size_t gk_linear_input_bytes(int64_t rows, int64_t in_features, int precision);
/** Prepares `rows` input rows of `in_features` floats (quantizing them for FAST precision)
    into `buffer`; `prepared` then refers to `buffer` and `input`. */
void gk_linear_prepare(gk_pool *pool, gk_linear_input *prepared, const float *input, int64_t input_stride,
                       int64_t rows, int64_t in_features, int precision, void *buffer);
/** Bytes of per-call work memory (64-byte aligned) gk_linear_apply needs. */
size_t gk_linear_work_bytes(int weight_type, int64_t in_features, int threads);
/** output[r * output_stride + o] = Σ_c input[r][c] · W[o][c] for r < rows, o < out_features.
    W is out_features rows of in_features elements of `weight_type` packed back to back.
    Every output element is computed by one thread in a fixed order, so results do not depend
    on the number of threads. Returns 0, or -1 for an unknown type or an in_features that is
    not a whole number of blocks (nothing is written then). */
int gk_linear_apply(gk_pool *pool, const gk_linear_input *input, const void *weight, int weight_type,
                    int64_t out_features, float *output, int64_t output_stride, void *work);

/** Bytes of work memory (64-byte aligned) gk_output_log_sum_exp needs for `rows` rows. */
size_t gk_output_log_sum_exp_work_bytes(int weight_type, int64_t rows, int64_t in_features, int64_t out_features, int threads);
/** The log-softmax pieces of an output head without its rows: for every row r of `input`,
    log_sum_exp[r] = log Σ_o exp(logit[r][o]) and target_logits[r] = logit[r][targets[r]] (NaN
    when targets[r] is not in 0 ..< out_features), with logit[r][o] = Σ_c input[r][c] · W[o][c]
    computed by the same products as gk_linear_apply (panel kernels at any row count). Results
    do not depend on the number of threads. Returns 0, or -1 as gk_linear_apply does. */
int gk_output_log_sum_exp(gk_pool *pool, const gk_linear_input *input, const void *weight, int weight_type, int64_t out_features,
                          const int64_t *targets, float *log_sum_exp, float *target_logits, void *work);

/* ---- Elementwise and row kernels ------------------------------------------------------- */

/** y[r] = x[r] / sqrt(mean(x[r]^2) + eps) * weight, for `rows` rows of `dim` floats. */
void gk_rms_norm(const float *x, const float *weight, float eps, int64_t rows, int64_t dim, float *y);
/** out[i] = silu(gate[i]) * up[i]. */
void gk_silu_mul(const float *gate, const float *up, int64_t n, float *out);
/** a[i] += b[i]. */
void gk_add(float *a, const float *b, int64_t n);
/** Dot product of two float vectors. */
float gk_dot(const float *a, const float *b, int64_t n);
/** log(sum(exp(x))) of one row, computed stably. */
float gk_log_sum_exp(const float *x, int64_t n);

/** Pair conventions of rotary position embedding. */
enum {
    GK_ROPE_ADJACENT = 0,   /* (x[2i], x[2i+1]) rotate together: GGUF llama weights */
    GK_ROPE_HALF_SPLIT = 1  /* (x[i], x[i + d/2]) rotate together: Hugging Face weights */
};


#include "gk_attention.h"

#endif
