/* The exponential every vector kernel uses (attention softmax and soft-cap, SiLU, log-sum-exp).

   e^x = 2^k · e^r with k = round(x / ln2) and |r| <= ln2/2, r formed in two steps (ln2 split in
   a high part with few mantissa bits and a low part) so that k · ln2_high is exact. e^r - 1 is
   r + r² · p(r) with p a degree-5 polynomial (Cephes' expf coefficients); relative error below
   2e-7 on [-87.3, 88.7]. */
#ifndef GK_EXP16_H
#define GK_EXP16_H
#include "vector16.h"

/** For x in [-87.3, 88.7]: e^x = 2^k · (1 + m). Returns m (formed without cancellation near
    x = 0, so it also gives e^x - 1) and stores k, an integral float. */
GK_INLINE v16f exp_parts16(v16f x, v16f *k_out) {
    v16f k = __builtin_elementwise_floor(x * splat(1.44269504088896341f) + splat(0.5f));
    v16f r = x - k * splat(0.693359375f);
    r = r - k * splat(-2.12194440e-4f);
    v16f p = splat(1.9875691500e-4f);
    p = p * r + splat(1.3981999507e-3f);
    p = p * r + splat(8.3334519073e-3f);
    p = p * r + splat(4.1665795894e-2f);
    p = p * r + splat(1.6666665459e-1f);
    p = p * r + splat(5.0000001201e-1f);
    *k_out = k;
    return p * (r * r) + r;
}

/** 2^k for integral k in [-126, 127]. */
GK_INLINE v16f pow2i16(v16f k) {
    v16i bits = (__builtin_convertvector(k, v16i) + 127) << 23;
    v16f scale;
    memcpy(&scale, &bits, sizeof scale);
    return scale;
}

/** e^x on 16 lanes: below -87.3 (-inf included) 0, above 88.7 +inf, NaN stays NaN. */
GK_INLINE v16f exp16(v16f x) {
    const v16f lo = splat(-87.3f), hi = splat(88.7f);
    /* NaN compares false both ways and is replaced by lo, so k stays a small integer */
    v16f clamped = x >= lo ? (x <= hi ? x : hi) : lo;
    v16f k;
    v16f m = exp_parts16(clamped, &k);
    v16f result = (m + splat(1.0f)) * pow2i16(k);
    result = x < lo ? splat(0.0f) : result;
    result = x > hi ? splat(__builtin_inff()) : result;
    return x != x ? x : result;
}

/** e^x for x <= 0 (-inf gives 0, NaN stays NaN) with a relative error below 5e-5: the
    polynomial of exp16 cut to degree 2, enough for softmax weights that are rounded to bfloat16
    (2^-9) for their products anyway (the bfloat16 attention tile). */
GK_INLINE v16f exp16_nonpositive_coarse(v16f x) {
    const v16f lo = splat(-87.3f);
    const v16f clamped = x >= lo ? x : lo;
    const v16f k = __builtin_elementwise_floor(clamped * splat(1.44269504088896341f) + splat(0.5f));
    v16f r = clamped - k * splat(0.693359375f);
    r = r - k * splat(-2.12194440e-4f);
    v16f p = splat(4.1666666667e-2f);
    p = p * r + splat(1.6666666667e-1f);
    p = p * r + splat(0.5f);
    const v16f result = (p * (r * r) + r + splat(1.0f)) * pow2i16(k);
    return x != x ? x : x < lo ? splat(0.0f) : result;
}

#endif
