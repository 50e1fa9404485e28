/* The output head's log-softmax without its rows (gk_output_log_sum_exp): the log-sum-exp of
   every input row's logits and the logit of one target per row.

   Scoring needs, per token, only log Σ exp(logit) and the target's logit. Computed from whole
   logit rows, the head runs on a few rows at a time (a row is vocabulary-sized), and its
   weights, the largest matrix of a small model, are unpacked again for every few rows. Here the
   head runs as one linear layer over all rows, its tiles going to a sink that keeps an online
   softmax state (maximum, sum) per row and group of GROUP_PANELS panels; the states are merged
   per row in group order, so results do not depend on the thread count. */
#include "exp16.h"
#include <math.h>

/* Panels (GK_PANEL vocabulary entries each) per group: one state per row and group. */
enum { GROUP_PANELS = 16 };

typedef struct {
    int64_t groups;
    float *maxima, *sums;        /* [row][group] */
    const int64_t *targets;      /* per row, or -1 */
    float *target_logits;
} head_sink;

/* Folds a tile into its rows' states of its group and picks out target logits. */
GK_INLINE void fold_tile(void *context, const float *tile, int64_t first_row, int rows, int64_t first_output, int count,
                         int64_t group) {
    const head_sink *sink = context;
    const v16i lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    for (int r = 0; r < rows; r++) {
        const int64_t row = first_row + r;
        const float *logits = tile + r * GK_PANEL;
        const v16f a = lane < count ? load16(logits) : splat(-INFINITY);
        const v16f b = lane + 16 < count ? load16(logits + 16) : splat(-INFINITY);
        const float tile_max = hmax16(__builtin_elementwise_max(a, b));
        float *maximum = sink->maxima + row * sink->groups + group, *sum = sink->sums + row * sink->groups + group;
        const float new_max = tile_max > *maximum ? tile_max : *maximum;
        if (new_max == -INFINITY) continue;   /* NaN logits propagate through the sums */
        const float rescale = *maximum == new_max ? 1.0f : expf(*maximum - new_max);
        *sum = *sum * rescale + hsum16(exp16(a - splat(new_max)) + exp16(b - splat(new_max)));
        *maximum = new_max;
        const int64_t target = sink->targets[row] - first_output;
        if (target >= 0 && target < count) sink->target_logits[row] = logits[target];
    }
}

#define FOLD_TILE(isa, target)                                                                                  \
    target static void fold_tile_##isa(void *context, const float *tile, int64_t first_row, int rows,          \
                                       int64_t first_output, int count, int64_t group) {                        \
        fold_tile(context, tile, first_row, rows, first_output, count, group);                                  \
    }
GK_FOR_EACH_PATH(FOLD_TILE)

static int64_t group_count(int64_t out_features) {
    return (out_features + GROUP_PANELS * GK_PANEL - 1) / (GROUP_PANELS * GK_PANEL);
}

size_t gk_output_log_sum_exp_work_bytes(int weight_type, int64_t rows, int64_t in_features, int64_t out_features, int threads) {
    const size_t states = 2 * (size_t)rows * (size_t)group_count(out_features) * sizeof(float);
    return gk_linear_work_bytes(weight_type, in_features, threads) + (states + 63) / 64 * 64;
}

int gk_output_log_sum_exp(gk_pool *pool, const gk_linear_input *input, const void *weight, int weight_type, int64_t out_features,
                          const int64_t *targets, float *log_sum_exp, float *target_logits, void *work) {
    const int64_t rows = input->rows, groups = group_count(out_features);
    if (rows <= 0) return 0;
    if (out_features <= 0) return -1;
    const int threads = pool ? gk_pool_thread_count(pool) : 1;
    const size_t linear_bytes = gk_linear_work_bytes(weight_type, input->in_features, threads);
    head_sink sink = { groups, (float *)((char *)work + linear_bytes), NULL, targets, target_logits };
    sink.sums = sink.maxima + rows * groups;
    for (int64_t i = 0; i < rows * groups; i++) {
        sink.maxima[i] = -INFINITY;
        sink.sums[i] = 0;
    }
    for (int64_t r = 0; r < rows; r++) target_logits[r] = NAN;
    if (gk_linear_apply_to_sink(pool, input, weight, weight_type, out_features, GROUP_PANELS, GK_PICK(gk_path(), fold_tile), &sink,
                                work) != 0)
        return -1;
    for (int64_t r = 0; r < rows; r++) {
        const float *maxima = sink.maxima + r * groups, *sums = sink.sums + r * groups;
        float maximum = -INFINITY;
        for (int64_t g = 0; g < groups; g++) maximum = maxima[g] > maximum ? maxima[g] : maximum;
        float total = 0;
        for (int64_t g = 0; g < groups; g++) {
            if (maxima[g] != -INFINITY) total += sums[g] * expf(maxima[g] - maximum);
        }
        log_sum_exp[r] = maximum + logf(total);
    }
    return 0;
}
