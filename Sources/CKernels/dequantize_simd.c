/* Vector dequantization of the row types that are hot (float weights for the float32 path,
   Q8_0/Q4_0/Q4_1 for exact linear layers), written once over 16-float vectors (vector16.h) and
   compiled for the vector paths; the scalar path and the other types use dequantize.c.
   Results equal the scalar versions bit for bit: q·d is exact in float for these types, so
   q·d + m rounds once with or without FMA. */
#include "vector16.h"

#if GK_X86   /* the only architecture with vector paths beyond the portable one */

/* The 16 bytes at p as floats, signed or unsigned. */
GK_INLINE v16f bytes16_signed(const uint8_t *p) { v16i8 q; memcpy(&q, p, sizeof q); return __builtin_convertvector(q, v16f); }
GK_INLINE v16f nibbles16(v16u8 q) { return __builtin_convertvector(q, v16f); }

GK_INLINE int dequantize_row_body(int type, const void *source, float *y, int64_t n) {
    const uint8_t *b = source;
    int64_t i = 0;
    switch (type) {
    case GK_F16:
        for (; i + 16 <= n; i += 16) store16(y + i, load16_half((const uint16_t *)(b + 2 * i)));
        for (; i < n; i++) y[i] = gk_half_to_float(gk_read_u16(b + 2 * i));
        return 0;
    case GK_BF16:
        for (; i + 16 <= n; i += 16) store16(y + i, load16_bf16((const uint16_t *)(b + 2 * i)));
        for (; i < n; i++) y[i] = gk_bf16_to_float(gk_read_u16(b + 2 * i));
        return 0;
    case GK_Q8_0:
        for (; i < n; i += GK_QK, b += GK_Q8_0_BYTES) {
            const v16f d = splat(gk_half_to_float(gk_read_u16(b)));
            store16(y + i, bytes16_signed(b + 2) * d);
            store16(y + i + 16, bytes16_signed(b + 18) * d);
        }
        return 0;
    case GK_Q4_0:
    case GK_Q4_1: {
        const int has_min = type == GK_Q4_1;
        const int64_t block_bytes = gk_type_block_bytes(type);
        for (; i < n; i += GK_QK, b += block_bytes) {
            const float scale = gk_half_to_float(gk_read_u16(b));
            const v16f d = splat(scale), m = splat(has_min ? gk_half_to_float(gk_read_u16(b + 2)) : -8.0f * scale);
            v16u8 q;
            memcpy(&q, b + (has_min ? 4 : 2), sizeof q);
            store16(y + i, nibbles16(q & 0x0f) * d + m);
            store16(y + i + 16, nibbles16(q >> 4) * d + m);
        }
        return 0;
    }
    default:
        return -1;
    }
}

#define DEQUANTIZE_ROW(isa, target)                                                      \
    target static int dequantize_row_##isa(int type, const void *source, float *y, int64_t n) { \
        return dequantize_row_body(type, source, y, n);                                  \
    }
GK_FOR_EACH_VECTOR_PATH(DEQUANTIZE_ROW)

#endif

int gk_dequantize_row_vector(int path, int type, const void *source, float *destination, int64_t n) {
    if (!gk_type(type)->vector_dequantize || path == GK_PATH_SCALAR) return -1;
#if GK_X86
    return path == GK_PATH_AVX512 ? dequantize_row_avx512(type, source, destination, n)
                                  : dequantize_row_avx2(type, source, destination, n);
#else
    (void)source; (void)destination; (void)n;
    return -1;
#endif
}
