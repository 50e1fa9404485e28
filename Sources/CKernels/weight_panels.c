/* Packing of GK_PANEL consecutive weight rows into the layouts the matrix-matrix micro-kernels
   stream: unsigned (or signed) bytes with per-sub-block scale and offset for FAST precision,
   float32 columns for the float path. A panel is packed once per task and reused for every
   input row of the task. */
#include "internal.h"

/* One weight row as bytes u with w = d[s] · u + m[s] for sub-block s. */
static void unpack_row(int type, const uint8_t *b, int64_t n, int signed_q8, uint8_t *u, float *d, float *m) {
    const int64_t block_bytes = gk_type_block_bytes(type);
    switch (type) {
    case GK_Q4_0:
    case GK_Q4_1:
        for (int64_t i = 0; i < n / 32; i++, u += 32) {
            const uint8_t *qs = b + (type == GK_Q4_1 ? 4 : 2);
            d[i] = gk_half_to_float(gk_read_u16(b));
            m[i] = type == GK_Q4_1 ? gk_half_to_float(gk_read_u16(b + 2)) : -8.0f * d[i];
            for (int j = 0; j < 16; j++) {
                u[j] = qs[j] & 0x0f;
                u[j + 16] = qs[j] >> 4;
            }
            b += block_bytes;
        }
        return;
    case GK_Q5_0:
    case GK_Q5_1:
        for (int64_t i = 0; i < n / 32; i++, u += 32) {
            int has_min = type == GK_Q5_1;
            d[i] = gk_half_to_float(gk_read_u16(b));
            m[i] = has_min ? gk_half_to_float(gk_read_u16(b + 2)) : -16.0f * d[i];
            uint32_t qh = gk_read_u32(b + (has_min ? 4 : 2));
            const uint8_t *qs = b + (has_min ? 8 : 6);
            for (int j = 0; j < 16; j++) {
                u[j] = (uint8_t)((qs[j] & 0x0f) | (((qh >> j) & 1) << 4));
                u[j + 16] = (uint8_t)((qs[j] >> 4) | (((qh >> (j + 16)) & 1) << 4));
            }
            b += block_bytes;
        }
        return;
    case GK_Q8_0:
        for (int64_t i = 0; i < n / 32; i++, u += 32, b += GK_Q8_0_BYTES) {
            d[i] = gk_half_to_float(gk_read_u16(b));
            m[i] = signed_q8 ? 0.0f : -128.0f * d[i];
            for (int j = 0; j < 32; j++) u[j] = signed_q8 ? b[2 + j] : (uint8_t)((int8_t)b[2 + j] + 128);
        }
        return;
    case GK_Q4_K:
    case GK_Q5_K:
        for (int64_t i = 0; i < n / 256; i++) {
            int five = type == GK_Q5_K;
            float dd = gk_half_to_float(gk_read_u16(b)), dmin = gk_half_to_float(gk_read_u16(b + 2));
            const uint8_t *scales = b + 4, *qh = b + 16, *ql = b + (five ? 48 : 16);
            for (int j = 0; j < 4; j++, ql += 32, u += 64) {
                for (int half = 0; half < 2; half++) {
                    int sc, mn;
                    gk_scale_min_k4(2 * j + half, scales, &sc, &mn);
                    d[8 * i + 2 * j + half] = dd * (float)sc;
                    m[8 * i + 2 * j + half] = -(dmin * (float)mn);
                }
                for (int l = 0; l < 32; l++) {
                    int high0 = five ? ((qh[l] >> (2 * j)) & 1) << 4 : 0;
                    int high1 = five ? ((qh[l] >> (2 * j + 1)) & 1) << 4 : 0;
                    u[l] = (uint8_t)((ql[l] & 0x0f) | high0);
                    u[l + 32] = (uint8_t)((ql[l] >> 4) | high1);
                }
            }
            b += block_bytes;
        }
        return;
    case GK_Q6_K:
        for (int64_t i = 0; i < n / 256; i++, b += GK_Q6_K_BYTES) {
            const uint8_t *ql = b, *qh = b + 128;
            const int8_t *sc = (const int8_t *)(b + 192);
            float dd = gk_half_to_float(gk_read_u16(b + 208));
            for (int s = 0; s < 16; s++) {
                d[16 * i + s] = dd * (float)sc[s];
                m[16 * i + s] = -32.0f * d[16 * i + s];
            }
            for (int half = 0; half < 2; half++, ql += 64, qh += 32, u += 128) {
                for (int l = 0; l < 32; l++) {
                    u[l] = (uint8_t)((ql[l] & 0x0f) | (((qh[l] >> 0) & 3) << 4));
                    u[l + 32] = (uint8_t)((ql[l + 32] & 0x0f) | (((qh[l] >> 2) & 3) << 4));
                    u[l + 64] = (uint8_t)((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4));
                    u[l + 96] = (uint8_t)((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4));
                }
            }
        }
        return;
    default:
        return;
    }
}

void gk_fast_panel_pack(gk_fast_panel *panel, int type, const uint8_t *weight, int64_t row_bytes,
                        int64_t first, int64_t count, int64_t in_features, int signed_q8, void *row_buffer) {
    int sub = gk_fast_panel_sub(type);
    int64_t sub_blocks = in_features / sub, stride = gk_fast_panel_stride(sub);
    panel->sub = sub;
    panel->sub_blocks = sub_blocks;
    panel->is_signed = type == GK_Q8_0 && signed_q8;
    uint8_t *u = row_buffer;
    float *d = (float *)(u + ((in_features + 63) & ~(int64_t)63)), *m = d + sub_blocks;
    for (int i = 0; i < GK_PANEL; i++) {
        if (i < count) {
            unpack_row(type, weight + (first + i) * row_bytes, in_features, panel->is_signed, u, d, m);
        } else {
            memset(u, 0, (size_t)in_features);
            memset(d, 0, (size_t)sub_blocks * sizeof(float));
            memset(m, 0, (size_t)sub_blocks * sizeof(float));
        }
        for (int64_t s = 0; s < sub_blocks; s++) {
            uint8_t *base = panel->data + s * stride;
            const uint8_t *source = u + s * sub;
            for (int g = 0; g < sub / 4; g++) memcpy(base + g * 128 + 4 * i, source + 4 * g, 4);
            memcpy(base + sub * GK_PANEL + 4 * i, d + s, 4);
            memcpy(base + sub * GK_PANEL + 128 + 4 * i, m + s, 4);
        }
    }
}

void gk_float_panel_pack(float *panel, int type, const uint8_t *weight, int64_t row_bytes, int64_t first,
                         int64_t count, int64_t in_features, int path, float *row_buffer) {
    for (int i = 0; i < GK_PANEL; i++) {
        if (i < count) {
            gk_dequantize_row_path(path, type, weight + (first + i) * row_bytes, row_buffer, in_features);
            for (int64_t k = 0; k < in_features; k++) panel[k * GK_PANEL + i] = row_buffer[k];
        } else {
            for (int64_t k = 0; k < in_features; k++) panel[k * GK_PANEL + i] = 0;
        }
    }
}
