/* The table of element types: layout (ggml's) and the kernels each type has. */
#include "internal.h"

const gk_type_traits gk_type_table[GK_TYPE_TABLE_SIZE] = {
    [GK_F32] = { "F32", 1, 4, 0, 0, 0 },
    [GK_F16] = { "F16", 1, 2, 0, 0, 1 },
    [GK_BF16] = { "BF16", 1, 2, 0, 0, 1 },
    [GK_Q4_0] = { "Q4_0", GK_QK, GK_Q4_0_BYTES, 32, 1, 1 },
    [GK_Q4_1] = { "Q4_1", GK_QK, GK_Q4_1_BYTES, 32, 1, 1 },
    [GK_Q5_0] = { "Q5_0", GK_QK, GK_Q5_0_BYTES, 32, 0, 0 },
    [GK_Q5_1] = { "Q5_1", GK_QK, GK_Q5_1_BYTES, 32, 0, 0 },
    [GK_Q8_0] = { "Q8_0", GK_QK, GK_Q8_0_BYTES, 32, 1, 1 },
    [GK_Q4_K] = { "Q4_K", GK_QK_K, GK_Q4_K_BYTES, 32, 0, 0 },
    [GK_Q5_K] = { "Q5_K", GK_QK_K, GK_Q5_K_BYTES, 32, 0, 0 },
    [GK_Q6_K] = { "Q6_K", GK_QK_K, GK_Q6_K_BYTES, 16, 0, 0 },
};

gk_type_traits gk_type_traits_of(int type) { return *gk_type(type); }
