/* Scalar dequantization of ggml block formats (layouts as ggml defines them). */
#include "internal.h"

static void dequant_q4_0(const uint8_t *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, b += GK_Q4_0_BYTES, y += GK_QK) {
        float d = gk_half_to_float(gk_read_u16(b));
        const uint8_t *qs = b + 2;
        for (int j = 0; j < 16; j++) {
            y[j] = ((qs[j] & 0x0f) - 8) * d;
            y[j + 16] = ((qs[j] >> 4) - 8) * d;
        }
    }
}

static void dequant_q4_1(const uint8_t *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, b += GK_Q4_1_BYTES, y += GK_QK) {
        float d = gk_half_to_float(gk_read_u16(b)), m = gk_half_to_float(gk_read_u16(b + 2));
        const uint8_t *qs = b + 4;
        for (int j = 0; j < 16; j++) {
            y[j] = (qs[j] & 0x0f) * d + m;
            y[j + 16] = (qs[j] >> 4) * d + m;
        }
    }
}

static void dequant_q5_0(const uint8_t *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, b += GK_Q5_0_BYTES, y += GK_QK) {
        float d = gk_half_to_float(gk_read_u16(b));
        uint32_t qh = gk_read_u32(b + 2);
        const uint8_t *qs = b + 6;
        for (int j = 0; j < 16; j++) {
            int high0 = ((qh >> j) << 4) & 0x10, high1 = (qh >> (j + 12)) & 0x10;
            y[j] = (((qs[j] & 0x0f) | high0) - 16) * d;
            y[j + 16] = (((qs[j] >> 4) | high1) - 16) * d;
        }
    }
}

static void dequant_q5_1(const uint8_t *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, b += GK_Q5_1_BYTES, y += GK_QK) {
        float d = gk_half_to_float(gk_read_u16(b)), m = gk_half_to_float(gk_read_u16(b + 2));
        uint32_t qh = gk_read_u32(b + 4);
        const uint8_t *qs = b + 8;
        for (int j = 0; j < 16; j++) {
            int high0 = ((qh >> j) << 4) & 0x10, high1 = (qh >> (j + 12)) & 0x10;
            y[j] = ((qs[j] & 0x0f) | high0) * d + m;
            y[j + 16] = ((qs[j] >> 4) | high1) * d + m;
        }
    }
}

static void dequant_q8_0(const uint8_t *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, b += GK_Q8_0_BYTES, y += GK_QK) {
        float d = gk_half_to_float(gk_read_u16(b));
        const int8_t *qs = (const int8_t *)(b + 2);
        for (int j = 0; j < 32; j++) y[j] = qs[j] * d;
    }
}

/* 6-bit scale and min of sub-block j of a Q4_K/Q5_K super-block. */
static void dequant_q4_k(const uint8_t *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, b += GK_Q4_K_BYTES) {
        float d = gk_half_to_float(gk_read_u16(b)), dmin = gk_half_to_float(gk_read_u16(b + 2));
        const uint8_t *scales = b + 4, *q = b + 16;
        for (int j = 0, is = 0; j < 256; j += 64, is += 2, q += 32) {
            int sc, m;
            gk_scale_min_k4(is, scales, &sc, &m);
            float d1 = d * sc, m1 = dmin * m;
            gk_scale_min_k4(is + 1, scales, &sc, &m);
            float d2 = d * sc, m2 = dmin * m;
            for (int l = 0; l < 32; l++) *y++ = d1 * (q[l] & 0x0f) - m1;
            for (int l = 0; l < 32; l++) *y++ = d2 * (q[l] >> 4) - m2;
        }
    }
}

static void dequant_q5_k(const uint8_t *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, b += GK_Q5_K_BYTES) {
        float d = gk_half_to_float(gk_read_u16(b)), dmin = gk_half_to_float(gk_read_u16(b + 2));
        const uint8_t *scales = b + 4, *qh = b + 16, *ql = b + 48;
        uint8_t u1 = 1, u2 = 2;
        for (int j = 0, is = 0; j < 256; j += 64, is += 2, ql += 32, u1 <<= 2, u2 <<= 2) {
            int sc, m;
            gk_scale_min_k4(is, scales, &sc, &m);
            float d1 = d * sc, m1 = dmin * m;
            gk_scale_min_k4(is + 1, scales, &sc, &m);
            float d2 = d * sc, m2 = dmin * m;
            for (int l = 0; l < 32; l++) *y++ = d1 * ((ql[l] & 0x0f) + ((qh[l] & u1) ? 16 : 0)) - m1;
            for (int l = 0; l < 32; l++) *y++ = d2 * ((ql[l] >> 4) + ((qh[l] & u2) ? 16 : 0)) - m2;
        }
    }
}

static void dequant_q6_k(const uint8_t *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, b += GK_Q6_K_BYTES) {
        const uint8_t *ql = b, *qh = b + 128;
        const int8_t *sc = (const int8_t *)(b + 192);
        float d = gk_half_to_float(gk_read_u16(b + 208));
        for (int n = 0; n < 256; n += 128, y += 128, ql += 64, qh += 32, sc += 8) {
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int q1 = (int)((ql[l] & 0x0f) | (((qh[l] >> 0) & 3) << 4)) - 32;
                int q2 = (int)((ql[l + 32] & 0x0f) | (((qh[l] >> 2) & 3) << 4)) - 32;
                int q3 = (int)((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                int q4 = (int)((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[l] = d * sc[is] * q1;
                y[l + 32] = d * sc[is + 2] * q2;
                y[l + 64] = d * sc[is + 4] * q3;
                y[l + 96] = d * sc[is + 6] * q4;
            }
        }
    }
}

static int dequantize_row_scalar(int type, const void *source, float *destination, int64_t n) {
    const uint8_t *b = (const uint8_t *)source;
    int64_t block = gk_type_block_size(type);
    if (block == 0 || n < 0 || n % block != 0) return -1;
    switch (type) {
    case GK_F32: memcpy(destination, b, (size_t)n * 4); return 0;
    case GK_F16: for (int64_t i = 0; i < n; i++) destination[i] = gk_half_to_float(gk_read_u16(b + 2 * i)); return 0;
    case GK_BF16: for (int64_t i = 0; i < n; i++) destination[i] = gk_bf16_to_float(gk_read_u16(b + 2 * i)); return 0;
    case GK_Q4_0: dequant_q4_0(b, destination, n / 32); return 0;
    case GK_Q4_1: dequant_q4_1(b, destination, n / 32); return 0;
    case GK_Q5_0: dequant_q5_0(b, destination, n / 32); return 0;
    case GK_Q5_1: dequant_q5_1(b, destination, n / 32); return 0;
    case GK_Q8_0: dequant_q8_0(b, destination, n / 32); return 0;
    case GK_Q4_K: dequant_q4_k(b, destination, n / 256); return 0;
    case GK_Q5_K: dequant_q5_k(b, destination, n / 256); return 0;
    case GK_Q6_K: dequant_q6_k(b, destination, n / 256); return 0;
    default: return -1;
    }
}

int gk_dequantize_row_path(int path, int type, const void *source, float *destination, int64_t n) {
    int64_t block = gk_type_block_size(type);
    if (block == 0 || n < 0 || n % block != 0) return -1;
    if (gk_dequantize_row_vector(path, type, source, destination, n) == 0) return 0;
    return dequantize_row_scalar(type, source, destination, n);
}

int gk_dequantize_row(int type, const void *source, float *destination, int64_t n) {
    return gk_dequantize_row_path(gk_path(), type, source, destination, n);
}
