#ifndef GK_HALF_H
#define GK_HALF_H
#include <stdint.h>
#include <string.h>

/* IEEE half and bfloat16 to float, portable (no F16C needed). */
static inline float gk_half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exponent = (h >> 10) & 0x1f;
    uint32_t mantissa = h & 0x3ff;
    uint32_t bits;
    if (exponent == 0) {
        if (mantissa == 0) {
            bits = sign;
        } else { /* subnormal: normalise */
            exponent = 127 - 15 + 1;
            while ((mantissa & 0x400) == 0) { mantissa <<= 1; exponent--; }
            mantissa &= 0x3ff;
            bits = sign | (exponent << 23) | (mantissa << 13);
        }
    } else if (exponent == 0x1f) {
        bits = sign | 0x7f800000u | (mantissa << 13);
    } else {
        bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* Float to IEEE half, rounding to nearest even (overflow to infinity, NaN kept NaN). */
static inline uint16_t gk_float_to_half(float f) {
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
    uint32_t magnitude = x & 0x7fffffffu;
    if (magnitude > 0x7f800000u) return sign | 0x7e00;                 /* NaN */
    if (magnitude >= 0x477ff000u) return sign | 0x7c00;                /* rounds to 65520 or more: infinity */
    if (magnitude < 0x38800000u) {                                     /* below 2^-14: subnormal half (or zero) */
        float value;
        memcpy(&value, &magnitude, sizeof value);
        value *= 0x1p24f;                                              /* units of the smallest subnormal, exact */
        uint32_t whole = (uint32_t)value;
        float rest = value - (float)whole;
        if (rest > 0.5f || (rest == 0.5f && (whole & 1))) whole++;
        return sign | (uint16_t)whole;
    }
    return sign | (uint16_t)((magnitude - (112u << 23) + 0xfffu + ((magnitude >> 13) & 1)) >> 13);
}

static inline float gk_bf16_to_float(uint16_t h) {
    uint32_t bits = (uint32_t)h << 16;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static inline uint16_t gk_read_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t gk_read_u32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

#endif
