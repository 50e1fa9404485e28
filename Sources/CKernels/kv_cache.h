/* The key/value cache's element layouts: how kernels read and write cached keys and values of
   each cache type (GK_F32, GK_F16, GK_Q8_0; see gk_attention.h for the layouts).

   Positions in a cache are counted in elements for every type. A Q8_0 cache stores each run of
   32 elements that starts at a multiple of 32 in 34 bytes (the type table's block), so element
   index e of a block-aligned run starts at byte e / 32 * 34. Within a run:
   * values (and any row written by gk_store_cached) are ggml's block_q8_0: the f16 scale d,
     then 32 int8 quants;
   * a key block (16 keys of head_dim dimensions, head_dim * 16 elements) holds the int8 quants
     transposed like the float layouts (dimension t of key l at byte t * 16 + l), then the f16
     scales of the keys' 32-dimension groups: group c of key l at byte head_dim * 16 + (c * 16 + l) * 2.
   A quantized element is float(q) * float(d), exact in f32, so a Q8_0 cache reads exactly as an
   f32 cache holding the dequantized numbers. */
#ifndef GK_KV_CACHE_H
#define GK_KV_CACHE_H
#include "vector16.h"
#include <math.h>

/** Dimensions per Q8_0 scale. */
enum { GK_CACHE_GROUP = GK_QK };

/** How an instantiation reads the cache: Float32; IEEE half converted by the instruction set
    (F16C, AVX-512, NEON) or, where the portable build has none (x86-64 baseline), by integer
    arithmetic; Q8_0 with its f16 scales converted either way. READ_BF16: the attention tile's
    bfloat16 products (attention_bf16.c) work on keys, values and queries packed once per call
    (from F32 or F16 caches) and read no cache element here. */
enum { READ_F32, READ_F16_NATIVE, READ_F16_BITS, READ_Q8_NATIVE, READ_Q8_BITS, READ_BF16 };

/* The READ each kernel path uses for half caches and Q8_0 scales (HALF_READ_##isa,
   Q8_READ_##isa): the x86-64 baseline has no half conversion instruction. */
#if GK_X86
#define HALF_READ_portable READ_F16_BITS
#define Q8_READ_portable READ_Q8_BITS
#else
#define HALF_READ_portable READ_F16_NATIVE
#define Q8_READ_portable READ_Q8_NATIVE
#endif
#define HALF_READ_avx2 READ_F16_NATIVE
#define HALF_READ_avx512 READ_F16_NATIVE
#define Q8_READ_avx2 READ_Q8_NATIVE
#define Q8_READ_avx512 READ_Q8_NATIVE

/** Whether `type` is a key/value cache type the kernels read and write. */
static inline int gk_cache_type_valid(int type) { return type == GK_F32 || type == GK_F16 || type == GK_Q8_0; }

/** Byte offset of element `index` of a cache of `type`; for Q8_0, `index` is a multiple of 32. */
static inline int64_t gk_cache_offset(int type, int64_t index) {
    return index / gk_type_block_size(type) * gk_type_block_bytes(type);
}

/* 16 halves to floats as READ says. */
GK_INLINE v16f cache_half16(const void *p, const int READ) {
    if (READ == READ_F16_BITS || READ == READ_Q8_BITS) return load16_half_bits((const uint16_t *)p);
    return load16_half((const uint16_t *)p);
}

/* One half to float as READ says. */
GK_INLINE float cache_half(const uint8_t *p, const int READ) {
    if (READ == READ_Q8_BITS) return gk_half_to_float(gk_read_u16(p));
    _Float16 h;
    memcpy(&h, p, sizeof h);
    return (float)h;
}

/* 16 int8 quants to floats. */
GK_INLINE v16f load16_i8(const uint8_t *p) {
    v16i8 q;
    memcpy(&q, p, sizeof q);
    return __builtin_convertvector(q, v16f);
}

/** 16 consecutive elements of a float cache (or of a Q8_0 value row: 16 elements starting at
    element `index`, a multiple of 16). */
GK_INLINE v16f load_cached16(const void *base, int64_t index, const int READ) {
    if (READ == READ_F32) return load16((const float *)base + index);
    if (READ == READ_Q8_NATIVE || READ == READ_Q8_BITS) {
        const uint8_t *block = (const uint8_t *)base + index / GK_QK * GK_Q8_0_BYTES;
        return load16_i8(block + 2 + index % GK_QK) * splat(cache_half(block, READ));
    }
    return cache_half16((const uint16_t *)base + index, READ);
}

/** 32 consecutive elements of a float cache or a Q8_0 value row from element `index` (a
    multiple of 32), as two vectors; a Q8_0 block's scale is converted once for both. */
GK_INLINE void load_cached32(const void *base, int64_t index, v16f *first, v16f *second, const int READ) {
    if (READ == READ_Q8_NATIVE || READ == READ_Q8_BITS) {
        const uint8_t *block = (const uint8_t *)base + index / GK_QK * GK_Q8_0_BYTES;
        const v16f scale = splat(cache_half(block, READ));
        *first = load16_i8(block + 2) * scale;
        *second = load16_i8(block + 2 + 16) * scale;
        return;
    }
    *first = load_cached16(base, index, READ);
    *second = load_cached16(base, index + 16, READ);
}

/** The scales of the 16 keys of the key block at element `block` for dimensions t0 .. t0+31
    (t0 a multiple of 32): 1 for float caches, where load_key16 ignores them. */
GK_INLINE v16f key_scales16(const void *keys, int64_t block, int head_dim, int t0, const int READ) {
    if (READ != READ_Q8_NATIVE && READ != READ_Q8_BITS) return splat(1.0f);
    const uint8_t *bytes = (const uint8_t *)keys + block / GK_QK * GK_Q8_0_BYTES;
    return cache_half16(bytes + (int64_t)head_dim * GK_KEY_BLOCK + t0 / GK_CACHE_GROUP * GK_KEY_BLOCK * 2, READ);
}

/** Dimension t of the 16 keys of the key block at element `block`; `scales` are those of
    key_scales16 for t's group. */
GK_INLINE v16f load_key16(const void *keys, int64_t block, int t, v16f scales, const int READ) {
    if (READ != READ_Q8_NATIVE && READ != READ_Q8_BITS) return load_cached16(keys, block + t * GK_KEY_BLOCK, READ);
    const uint8_t *bytes = (const uint8_t *)keys + block / GK_QK * GK_Q8_0_BYTES;
    return load16_i8(bytes + t * GK_KEY_BLOCK) * scales;
}

/** One element of a row-layout cache (values) of `type`. */
static inline float gk_cached_element(const void *base, int64_t index, int type) {
    if (type == GK_F16) return gk_half_to_float(((const uint16_t *)base)[index]);
    if (type == GK_F32) return ((const float *)base)[index];
    const uint8_t *block = (const uint8_t *)base + index / GK_QK * GK_Q8_0_BYTES;
    return (float)(int8_t)block[2 + index % GK_QK] * gk_half_to_float(gk_read_u16(block));
}

/** Dimension t of key l (0..15) of the key block at element `block` of a cache of `type`. */
static inline float gk_cached_key_element(const void *keys, int64_t block, int head_dim, int l, int t, int type) {
    if (type != GK_Q8_0) return gk_cached_element(keys, block + t * GK_KEY_BLOCK + l, type);
    const uint8_t *bytes = (const uint8_t *)keys + block / GK_QK * GK_Q8_0_BYTES;
    const uint8_t *scale = bytes + (int64_t)head_dim * GK_KEY_BLOCK + (t / GK_CACHE_GROUP * GK_KEY_BLOCK + l) * 2;
    return (float)(int8_t)bytes[t * GK_KEY_BLOCK + l] * gk_half_to_float(gk_read_u16(scale));
}

/** ggml's Q8_0 quantization of 32 floats: d = max|x| / 127 (stored as f16), q = round(x / d)
    (halves away from zero, computed with the unrounded d). Writes q[k] at quants[k * stride]
    and returns d's f16 bits. */
static inline uint16_t gk_quantize_group(const float *x, int8_t *quants, int64_t stride) {
    float amax = 0;
    for (int k = 0; k < GK_QK; k++) amax = fabsf(x[k]) > amax ? fabsf(x[k]) : amax;
    const float d = amax / 127.0f, inverse = d != 0 ? 1.0f / d : 0.0f;
    for (int k = 0; k < GK_QK; k++) quants[k * stride] = (int8_t)roundf(x[k] * inverse);
    return gk_float_to_half(d);
}

/** Writes key `key` (head_dim floats) as key l (0..15) of the key block at element `block` of
    a cache of `type`. */
static inline void gk_store_key(const float *key, void *keys, int64_t block, int head_dim, int l, int type) {
    if (type == GK_F16) {
        uint16_t *out = (uint16_t *)keys + block + l;
        for (int t = 0; t < head_dim; t++) out[t * GK_KEY_BLOCK] = gk_float_to_half(key[t]);
    } else if (type == GK_F32) {
        float *out = (float *)keys + block + l;
        for (int t = 0; t < head_dim; t++) out[t * GK_KEY_BLOCK] = key[t];
    } else {
        uint8_t *bytes = (uint8_t *)keys + block / GK_QK * GK_Q8_0_BYTES;
        for (int c = 0; c < head_dim / GK_CACHE_GROUP; c++) {
            uint16_t d = gk_quantize_group(key + c * GK_CACHE_GROUP, (int8_t *)bytes + c * GK_CACHE_GROUP * GK_KEY_BLOCK + l,
                                           GK_KEY_BLOCK);
            uint8_t *scale = bytes + (int64_t)head_dim * GK_KEY_BLOCK + (c * GK_KEY_BLOCK + l) * 2;
            scale[0] = (uint8_t)d;
            scale[1] = (uint8_t)(d >> 8);
        }
    }
}

#endif
