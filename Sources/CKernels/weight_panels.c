/* Packing of GK_PANEL consecutive weight rows into the layouts the matrix-matrix micro-kernels
   stream: unsigned (or signed) bytes with per-sub-block scale and offset for FAST precision,
   float32 columns for the float path. A panel is packed once per task and reused for every
   input row of the task, so packing costs once per call what the products cost per input row:
   with the 16-row calls of the output head it was as much as the products themselves. So the
   FAST packing unpacks PACK_ROWS rows with 16-byte vector operations and moves them into the
   panel with 4 × 4 word transposes, one 16-byte store per word of four rows. */
#include "internal.h"

typedef uint8_t bytes16 __attribute__((ext_vector_type(16)));
typedef uint32_t words4 __attribute__((ext_vector_type(4)));
typedef float floats4 __attribute__((ext_vector_type(4)));

/* Rows unpacked before they are moved into the panel together. */
enum { PACK_ROWS = 4 };

/* One weight row as bytes u with w = d[s] · u + m[s] for sub-block s. */
static void unpack_row(int type, const uint8_t *b, int64_t n, int signed_q8, uint8_t *u, float *d, float *m) {
    const int64_t block_bytes = gk_type_block_bytes(type);
    switch (type) {
    case GK_Q4_0:
    case GK_Q4_1:
        for (int64_t i = 0; i < n / 32; i++, u += 32) {
            bytes16 q;
            memcpy(&q, b + (type == GK_Q4_1 ? 4 : 2), sizeof q);
            d[i] = gk_half_to_float(gk_read_u16(b));
            m[i] = type == GK_Q4_1 ? gk_half_to_float(gk_read_u16(b + 2)) : -8.0f * d[i];
            const bytes16 low = q & 0x0f, high = q >> 4;
            memcpy(u, &low, sizeof low);
            memcpy(u + 16, &high, sizeof high);
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
            /* q + 128 as an unsigned byte flips q's sign bit */
            const bytes16 flip = signed_q8 ? (bytes16)0 : (bytes16)0x80;
            for (int half = 0; half < 2; half++) {
                bytes16 q;
                memcpy(&q, b + 2 + 16 * half, sizeof q);
                q ^= flip;
                memcpy(u + 16 * half, &q, sizeof q);
            }
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

/* Words w .. w+3 of four rows (r[k] points at word w of row k) as four vectors, one per word,
   each holding that word of the four rows. */
static inline void transpose4(const uint8_t *const r[PACK_ROWS], words4 out[4]) {
    words4 a, b, c, e;
    memcpy(&a, r[0], 16);
    memcpy(&b, r[1], 16);
    memcpy(&c, r[2], 16);
    memcpy(&e, r[3], 16);
    const words4 ab_low = __builtin_shufflevector(a, b, 0, 4, 1, 5), ab_high = __builtin_shufflevector(a, b, 2, 6, 3, 7);
    const words4 ce_low = __builtin_shufflevector(c, e, 0, 4, 1, 5), ce_high = __builtin_shufflevector(c, e, 2, 6, 3, 7);
    out[0] = __builtin_shufflevector(ab_low, ce_low, 0, 1, 4, 5);
    out[1] = __builtin_shufflevector(ab_low, ce_low, 2, 3, 6, 7);
    out[2] = __builtin_shufflevector(ab_high, ce_high, 0, 1, 4, 5);
    out[3] = __builtin_shufflevector(ab_high, ce_high, 2, 3, 6, 7);
}

size_t gk_fast_panel_row_buffer_bytes(int64_t in_features) {
    return PACK_ROWS * (size_t)(((in_features + 63) & ~(int64_t)63) + 2 * (in_features / 16) * (int64_t)sizeof(float));
}

void gk_fast_panel_pack(gk_fast_panel *panel, int type, const uint8_t *weight, int64_t row_bytes,
                        int64_t first, int64_t count, int64_t in_features, int signed_q8, void *row_buffer) {
    const int sub = gk_fast_panel_sub(type);
    const int64_t sub_blocks = in_features / sub, stride = gk_fast_panel_stride(sub);
    panel->sub = sub;
    panel->sub_blocks = sub_blocks;
    panel->is_signed = type == GK_Q8_0 && signed_q8;
    const int64_t row_stride = (int64_t)gk_fast_panel_row_buffer_bytes(in_features) / PACK_ROWS;
    for (int i0 = 0; i0 < GK_PANEL; i0 += PACK_ROWS) {
        const uint8_t *u[PACK_ROWS];
        const float *d[PACK_ROWS], *m[PACK_ROWS];
        for (int k = 0; k < PACK_ROWS; k++) {
            uint8_t *row_u = (uint8_t *)row_buffer + k * row_stride;
            float *row_d = (float *)(row_u + ((in_features + 63) & ~(int64_t)63)), *row_m = row_d + sub_blocks;
            if (i0 + k < count) {
                unpack_row(type, weight + (first + i0 + k) * row_bytes, in_features, panel->is_signed, row_u, row_d, row_m);
            } else {
                memset(row_u, 0, (size_t)in_features);
                memset(row_d, 0, (size_t)sub_blocks * sizeof(float));
                memset(row_m, 0, (size_t)sub_blocks * sizeof(float));
            }
            u[k] = row_u;
            d[k] = row_d;
            m[k] = row_m;
        }
        for (int64_t s = 0; s < sub_blocks; s++) {
            uint8_t *base = panel->data + s * stride + 4 * i0;
            for (int g = 0; g < sub / 4; g += 4) {   /* sub / 4 words per row: 8 or 4 */
                const uint8_t *words[PACK_ROWS] = { u[0] + s * sub + 4 * g, u[1] + s * sub + 4 * g,
                                                    u[2] + s * sub + 4 * g, u[3] + s * sub + 4 * g };
                words4 columns[4];
                transpose4(words, columns);
                for (int c = 0; c < 4; c++) memcpy(base + (g + c) * 128, &columns[c], 16);
            }
            const floats4 scales = { d[0][s], d[1][s], d[2][s], d[3][s] }, offsets = { m[0][s], m[1][s], m[2][s], m[3][s] };
            memcpy(base + sub * GK_PANEL, &scales, 16);
            memcpy(base + sub * GK_PANEL + 128, &offsets, 16);
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
