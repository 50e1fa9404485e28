/* The one way CKernels writes a kernel for several instruction sets.

   A kernel body is written once, as a GK_INLINE function over 16-float vectors of Clang's
   vector extensions (v16f: one AVX-512 register, two AVX2 registers, four SSE/NEON registers).
   GK_FOR_EACH_PATH(DEFINE) then expands DEFINE(suffix, target) once per kernel path compiled on
   this architecture, each a function with that path's target attribute into which the body is
   inlined, so the compiler emits the body once per instruction set; GK_PICK(path, name) selects
   the function for a path at run time (gk_path(), kernel_path.c). The "portable" instantiation
   has no target attribute: it is the baseline build (SSE2 on x86-64, NEON on arm64) and the
   GK_PATH_SCALAR path. Bodies and helpers carry no target attribute, only the instantiating
   wrappers do: Clang rejects a call that passes a 16-float vector from a function with AVX-512
   enabled into one without it, so a function with a target attribute cannot call these helpers.

   Only what the vector extensions cannot say portably is a primitive here: partial loads and
   stores at row ends, horizontal sums and maxima (halving trees, the order AVX-512's
   reduce instructions use), and half-precision loads. Kernels whose inner loop needs an
   instruction with no portable spelling (VNNI dot products in linear_fast_*.c) stay in
   intrinsics. */
#ifndef GK_VECTOR16_H
#define GK_VECTOR16_H
#include "internal.h"

/* Vectors pass between always-inline helpers only, so the ABI note does not apply. */
#pragma clang diagnostic ignored "-Wpsabi"

typedef float v16f __attribute__((ext_vector_type(16)));
typedef float v8f __attribute__((ext_vector_type(8)));
typedef double v8d __attribute__((ext_vector_type(8)));
typedef int32_t v16i __attribute__((ext_vector_type(16)));
typedef uint32_t v16u __attribute__((ext_vector_type(16)));
typedef uint16_t v16u16 __attribute__((ext_vector_type(16)));
typedef uint8_t v16u8 __attribute__((ext_vector_type(16)));
typedef int8_t v16i8 __attribute__((ext_vector_type(16)));
typedef _Float16 v16h __attribute__((ext_vector_type(16)));

/* ---- Instantiation per path ------------------------------------------------------------ */

#if GK_X86
/** DEFINE(suffix, target) for the paths with vector instructions beyond the baseline. */
#define GK_FOR_EACH_VECTOR_PATH(DEFINE) DEFINE(avx2, GK_TARGET_AVX2) DEFINE(avx512, GK_TARGET_AVX512)
/** The instantiation `name##_suffix` for `path`. */
#define GK_PICK(path, name) \
    ((path) == GK_PATH_AVX512 ? name##_avx512 : (path) == GK_PATH_AVX2 ? name##_avx2 : name##_portable)
#else
#define GK_FOR_EACH_VECTOR_PATH(DEFINE)
#define GK_PICK(path, name) ((void)(path), name##_portable)
#endif
/** DEFINE(suffix, target) for every path: the portable baseline and the vector paths. */
#define GK_FOR_EACH_PATH(DEFINE) DEFINE(portable, ) GK_FOR_EACH_VECTOR_PATH(DEFINE)

/* ---- Loads and stores ------------------------------------------------------------------ */

GK_INLINE v16f splat(float x) { return (v16f)x; }
GK_INLINE v16f load16(const float *p) { v16f v; memcpy(&v, p, sizeof v); return v; }
GK_INLINE void store16(float *p, v16f v) { memcpy(p, &v, sizeof v); }

/** The first min(count, 16) floats at p; the other lanes hold `fill` (nothing past p + count is read). */
GK_INLINE v16f load16_upto(const float *p, int64_t count, float fill) {
    if (count >= 16) return load16(p);
    v16f v = splat(fill);
    for (int l = 0; l < count; l++) v[l] = p[l];
    return v;
}

/** Stores the first min(count, 16) lanes of v at p. */
GK_INLINE void store16_upto(float *p, v16f v, int64_t count) {
    if (count >= 16) { store16(p, v); return; }
    for (int l = 0; l < count; l++) p[l] = v[l];
}

/** 16 IEEE halves to floats with the instruction set's conversion (F16C, AVX-512, NEON). */
GK_INLINE v16f load16_half(const uint16_t *p) {
    v16h h;
    memcpy(&h, p, sizeof h);
    return __builtin_convertvector(h, v16f);
}

/** 16 IEEE halves to floats with integer operations, for builds without a half conversion
    instruction (the x86-64 baseline): exact for every half, subnormals, infinities and NaN. */
GK_INLINE v16f load16_half_bits(const uint16_t *p) {
    v16u16 raw;
    memcpy(&raw, p, sizeof raw);
    v16u h = __builtin_convertvector(raw, v16u);
    v16u magnitude = (h & 0x7fffu) << 13;
    v16f value;
    memcpy(&value, &magnitude, sizeof value);
    value = value * splat(0x1p112f);   /* rebias the exponent; subnormal halves become normal floats */
    v16u bits;
    memcpy(&bits, &value, sizeof bits);
    bits = (h & 0x7c00u) == 0x7c00u ? (magnitude | 0x7f800000u) : bits;
    bits |= (h & 0x8000u) << 16;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/** 16 floats to IEEE halves at p with integer operations, rounding exactly as gk_float_to_half
    does (to nearest even; overflow to infinity, NaN to the quiet NaN 0x7e00 with its sign). */
GK_INLINE void store16_half_bits(uint16_t *p, v16f v) {
    v16u x;
    memcpy(&x, &v, sizeof x);
    const v16u magnitude = x & 0x7fffffffu;
    /* normal halves: rebias the exponent and round the 13 dropped bits to nearest even */
    v16u result = (magnitude - (112u << 23) + 0xfffu + ((magnitude >> 13) & 1u)) >> 13;
    /* subnormal halves: the magnitude in units of the smallest subnormal (exact), rounded */
    v16f value;
    memcpy(&value, &magnitude, sizeof value);
    value = __builtin_elementwise_min(value * splat(0x1p24f), splat(2048.0f));   /* only lanes below 2^-14 use it */
    v16u whole = __builtin_convertvector(value, v16u);
    v16f rest = value - __builtin_convertvector(whole, v16f);
    v16i up = (rest > splat(0.5f)) | ((rest == splat(0.5f)) & ((v16i)(whole & 1u) != 0));
    whole += (v16u)up & 1u;
    result = (v16i)(magnitude < 0x38800000u) ? whole : result;
    result = (v16i)(magnitude >= 0x477ff000u) ? (v16u)0x7c00u : result;
    result = (v16i)(magnitude > 0x7f800000u) ? (v16u)0x7e00u : result;
    result |= (x >> 16) & 0x8000u;
    v16u16 halves = __builtin_convertvector(result, v16u16);
    memcpy(p, &halves, sizeof halves);
}

/** 16 bfloat16 values to floats (exact). */
GK_INLINE v16f load16_bf16(const uint16_t *p) {
    v16u16 raw;
    memcpy(&raw, p, sizeof raw);
    v16u bits = __builtin_convertvector(raw, v16u) << 16;
    v16f value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/* ---- Horizontal reductions (halving trees) --------------------------------------------- */

/** Σ of the 16 lanes: halves added pairwise, 16 → 8 → 4 → 2 → 1. */
GK_INLINE float hsum16(v16f v) {
    v8f h = __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7) + __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
    float q[4] = { h[0] + h[4], h[1] + h[5], h[2] + h[6], h[3] + h[7] };
    float pair0 = q[0] + q[2], pair1 = q[1] + q[3];
    return pair0 + pair1;
}

/** Σ of the 8 lanes of a double vector, by the same halving tree. */
GK_INLINE double hsum8d(v8d v) {
    double q[4] = { v[0] + v[4], v[1] + v[5], v[2] + v[6], v[3] + v[7] };
    double pair0 = q[0] + q[2], pair1 = q[1] + q[3];
    return pair0 + pair1;
}

/** Largest of the 16 lanes. */
GK_INLINE float hmax16(v16f v) {
    v8f h = __builtin_elementwise_max(__builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7),
                                      __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15));
    float q0 = h[0] > h[4] ? h[0] : h[4], q1 = h[1] > h[5] ? h[1] : h[5];
    float q2 = h[2] > h[6] ? h[2] : h[6], q3 = h[3] > h[7] ? h[3] : h[7];
    float pair0 = q0 > q2 ? q0 : q2, pair1 = q1 > q3 ? q1 : q3;
    return pair0 > pair1 ? pair0 : pair1;
}

/** Lanes 0..7 and 8..15 of v widened to double. */
GK_INLINE v8d low8_to_double(v16f v) { return __builtin_convertvector(__builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7), v8d); }
GK_INLINE v8d high8_to_double(v16f v) { return __builtin_convertvector(__builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15), v8d); }

#endif
