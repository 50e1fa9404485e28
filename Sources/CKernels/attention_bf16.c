/* bfloat16 products for the attention tile (AVX512-BF16's vdpbf16ps: 32 products per
   instruction, accumulated in Float32, twice the FMA's 16).

   vdpbf16ps multiplies pairs: lane i of the accumulator gains a[2i]·b[2i] + a[2i+1]·b[2i+1].
   So both operands are packed as pairs of bfloat16 (rounded to nearest even) in one 32-bit word:
   * queries: (q[2p], q[2p+1]), consecutive dimensions, one word per pair, broadcast to 16 lanes;
   * keys, per group of 32 keys (two key blocks): [block][pair p][key lane] words holding
     (k[2p], k[2p+1]) of that key, so one 16-word load serves 16 keys;
   * values and softmax weights, per group of 32 keys: the pair is key l and key l + 16 of the
     group, [l][dimension] words holding (v_l[t], v_{l+16}[t]), and weight words (p_l, p_{l+16}).
   Pairing l with l + 16 lets the weights of one group be packed from its two 16-lane halves
   with one conversion and one interleave.

   Everything here works on memory (pointers in, floats out): the attention body that calls it
   is compiled for every path without this target, and Clang does not pass vectors across
   target attributes (vector16.h). */
#include "internal.h"
#include <math.h>

#if GK_X86

#define GK_TARGET_AVX512_BF16 \
    __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16,avx2,fma,f16c")))

/* Interleaves the 16 bfloat16 of the low half of v with the 16 of the high half: word i
   becomes (low[i], high[i]). */
GK_INLINE GK_TARGET_AVX512_BF16 __m512i interleave_halves(__m512i v) {
    const __m512i order = _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8,
                                           23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
    return _mm512_permutexvar_epi16(order, v);
}

/* Words (a[i], b[i]) of 16 floats each, rounded to bfloat16. */
GK_INLINE GK_TARGET_AVX512_BF16 __m512i pack_pairs(__m512 a, __m512 b) {
    return interleave_halves((__m512i)_mm512_cvtne2ps_pbh(b, a));
}

/* 16 cached elements (GK_F32 or GK_F16) at element `index`, as floats; lanes at or past
   `available` are zero. */
GK_INLINE GK_TARGET_AVX512_BF16 __m512 load_cached(const void *base, int type, int64_t index, int64_t available) {
    if (available <= 0) return _mm512_setzero_ps();
    __mmask16 mask = available >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << available) - 1);
    if (type == GK_F16) return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(mask, (const uint16_t *)base + index));
    return _mm512_maskz_loadu_ps(mask, (const float *)base + index);
}

GK_TARGET_AVX512_BF16 void gk_bf16_pack_rows(const float *source, int64_t count, uint32_t *pairs) {
    int64_t i = 0;
    for (; i + 32 <= count; i += 32) {
        __m512 low = _mm512_loadu_ps(source + i), high = _mm512_loadu_ps(source + i + 16);
        _mm512_storeu_si512(pairs + i / 2, (__m512i)_mm512_cvtne2ps_pbh(high, low));
    }
    for (; i < count; i += 2) {
        __m512 two = _mm512_maskz_loadu_ps(count - i >= 2 ? 3 : 1, source + i);
        __m512i packed = (__m512i)_mm512_cvtne2ps_pbh(two, two);
        pairs[i / 2] = (uint32_t)_mm_cvtsi128_si32(_mm512_castsi512_si128(packed));
    }
}

GK_TARGET_AVX512_BF16 void gk_bf16_pack_keys(const void *keys, int type, int64_t key_count, int64_t first_group,
                                             int64_t group_count, int head_dim, uint32_t *pairs) {
    for (int64_t group = first_group; group < first_group + group_count; group++) {
        for (int block = 0; block < 2; block++) {
            const int64_t kb = group * 2 + block;
            const int64_t available = key_count - kb * GK_KEY_BLOCK;   /* keys of this block that exist */
            const int64_t base = kb * (int64_t)head_dim * GK_KEY_BLOCK;
            uint32_t *out = pairs + ((group - first_group) * 2 + block) * (int64_t)(head_dim / 2) * 16;
            for (int p = 0; p < head_dim / 2; p++) {
                __m512 even = load_cached(keys, type, base + 2 * p * GK_KEY_BLOCK, available);
                __m512 odd = load_cached(keys, type, base + (2 * p + 1) * GK_KEY_BLOCK, available);
                _mm512_storeu_si512(out + p * 16, pack_pairs(even, odd));
            }
        }
    }
}

GK_TARGET_AVX512_BF16 void gk_bf16_pack_values(const void *values, int type, int64_t key_count, int64_t first_group,
                                               int64_t group_count, int head_dim, uint32_t *pairs) {
    for (int64_t group = first_group; group < first_group + group_count; group++) {
        uint32_t *out = pairs + (group - first_group) * 16 * (int64_t)head_dim;
        for (int l = 0; l < 16; l++) {
            const int64_t first = group * 32 + l, second = first + 16;
            for (int c = 0; c < head_dim; c += 16) {
                __m512 a = load_cached(values, type, first * head_dim + c, first < key_count ? 16 : 0);
                __m512 b = load_cached(values, type, second * head_dim + c, second < key_count ? 16 : 0);
                _mm512_storeu_si512(out + l * head_dim + c, pack_pairs(a, b));
            }
        }
    }
}

/* logits[r][0..32) = Σ_p q_r pair p · key pair p, for the 32 keys of one group. */
GK_INLINE GK_TARGET_AVX512_BF16 void group_logits(const uint32_t *keys, const uint32_t *const *queries,
                                                  float (*logits)[32], const int D) {
    enum { TR = GK_ATTENTION_TILE_ROWS };
    __m512 acc0[TR], acc1[TR];
    for (int r = 0; r < TR; r++) acc0[r] = acc1[r] = _mm512_setzero_ps();
    const uint32_t *second = keys + (D / 2) * 16;
    for (int p = 0; p < D / 2; p++) {
        __m512bh k0 = (__m512bh)_mm512_loadu_si512(keys + p * 16);
        __m512bh k1 = (__m512bh)_mm512_loadu_si512(second + p * 16);
        for (int r = 0; r < TR; r++) {
            __m512bh q = (__m512bh)_mm512_set1_epi32((int)queries[r][p]);
            acc0[r] = _mm512_dpbf16_ps(acc0[r], q, k0);
            acc1[r] = _mm512_dpbf16_ps(acc1[r], q, k1);
        }
    }
    for (int r = 0; r < TR; r++) {
        _mm512_storeu_ps(logits[r], acc0[r]);
        _mm512_storeu_ps(logits[r] + 16, acc1[r]);
    }
}

GK_TARGET_AVX512_BF16 void gk_bf16_group_logits(const uint32_t *keys, const uint32_t *const *queries, int head_dim,
                                                float (*logits)[32]) {
    if (head_dim == 64) group_logits(keys, queries, logits, 64);
    else group_logits(keys, queries, logits, 128);
}

/* out[r] = out[r] · alpha[r] + Σ_l weight pair l of row r · value pair l, over one group. */
GK_INLINE GK_TARGET_AVX512_BF16 void group_accumulate(const uint32_t *values, const float (*weights)[32],
                                                      const float *alpha, float (*out)[128], const int D) {
    enum { TR = GK_ATTENTION_TILE_ROWS };
    uint32_t weight_pairs[TR][16] __attribute__((aligned(64)));
    for (int r = 0; r < TR; r++)
        _mm512_store_si512(weight_pairs[r], pack_pairs(_mm512_loadu_ps(weights[r]), _mm512_loadu_ps(weights[r] + 16)));
    for (int c = 0; c < D; c += 32) {
        __m512 o0[TR], o1[TR];
        for (int r = 0; r < TR; r++) {
            __m512 scale = _mm512_set1_ps(alpha[r]);
            o0[r] = _mm512_mul_ps(_mm512_loadu_ps(out[r] + c), scale);
            o1[r] = _mm512_mul_ps(_mm512_loadu_ps(out[r] + c + 16), scale);
        }
        for (int l = 0; l < 16; l++) {
            __m512bh v0 = (__m512bh)_mm512_loadu_si512(values + l * D + c);
            __m512bh v1 = (__m512bh)_mm512_loadu_si512(values + l * D + c + 16);
            for (int r = 0; r < TR; r++) {
                __m512bh w = (__m512bh)_mm512_set1_epi32((int)weight_pairs[r][l]);
                o0[r] = _mm512_dpbf16_ps(o0[r], w, v0);
                o1[r] = _mm512_dpbf16_ps(o1[r], w, v1);
            }
        }
        for (int r = 0; r < TR; r++) {
            _mm512_storeu_ps(out[r] + c, o0[r]);
            _mm512_storeu_ps(out[r] + c + 16, o1[r]);
        }
    }
}

GK_TARGET_AVX512_BF16 void gk_bf16_group_accumulate(const uint32_t *values, const float (*weights)[32], const float *alpha,
                                                    int head_dim, float (*out)[128]) {
    if (head_dim == 64) group_accumulate(values, weights, alpha, out, 64);
    else group_accumulate(values, weights, alpha, out, 128);
}

#endif
