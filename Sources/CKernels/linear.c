/* Linear layers output = input · Wᵀ: preparation of the input, choice of kernel, and the split
   of the work into tasks for the thread pool.

   Kernels:
   * FAST, quantized weights, ≤ GK_DIRECT_ROWS rows, Q4_0/Q4_1/Q8_0 on AVX2/AVX-512: direct
     matrix-vector kernels over the weight blocks as stored (decoding).
   * FAST otherwise: per task one panel of 32 weight rows is unpacked to bytes and every input
     row of the task is multiplied with it by an integer micro-kernel (prefill).
   * Float path (EXACT, or float weights): ≤ GK_DIRECT_ROWS rows dequantize one weight row at a
     time and take dot products; more rows use a float panel and an FMA micro-kernel.
   Tasks cover a range of output features (and, for panels, a range of input rows); each output
   element is computed by exactly one task in an order that does not depend on the split, so
   results do not depend on the number of threads. */
#include "internal.h"

static int64_t align64(int64_t n) { return (n + 63) & ~(int64_t)63; }
static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

static void run(gk_pool *pool, int64_t tasks, gk_task_fn fn, void *context) {
    if (pool) {
        gk_pool_run(pool, tasks, fn, context);
    } else {
        for (int64_t task = 0; task < tasks; task++) fn(context, task, 0);
    }
}

/* ---- Input preparation ----------------------------------------------------------------- */

size_t gk_linear_input_bytes(int64_t rows, int64_t in_features, int precision) {
    if (precision != GK_PRECISION_FAST || rows <= 0 || in_features <= 0 || in_features % 32 != 0) return 0;
    int64_t blocks = in_features / 32;
    return (size_t)(align64(rows * align64(in_features)) + 2 * align64(rows * blocks * 4) + align64(rows * blocks * 8));
}

typedef struct {
    gk_linear_input *prepared;
    int path;
    int64_t rows_per_task;
} quantize_job;

static void quantize_task(void *context, int64_t task, int thread) {
    (void)thread;
    const quantize_job *job = context;
    gk_linear_input *p = job->prepared;
    int64_t blocks = p->in_features / 32;
    int64_t first = task * job->rows_per_task, last = first + job->rows_per_task;
    if (last > p->rows) last = p->rows;
    for (int64_t r = first; r < last; r++) {
        const float *x = p->input + r * p->input_stride;
        int8_t *q = (int8_t *)p->q + r * p->q_stride;
        float *scale = (float *)p->scale + r * blocks, *sum32 = (float *)p->sum32 + r * blocks;
        float *sum16 = (float *)p->sum16 + r * 2 * blocks;
        switch (job->path) {
        case GK_PATH_AVX512: gk_quantize_row_avx512(x, p->in_features, q, scale, sum32, sum16); break;
        case GK_PATH_AVX2: gk_quantize_row_avx2(x, p->in_features, q, scale, sum32, sum16); break;
        default: gk_quantize_row_scalar(x, p->in_features, q, scale, sum32, sum16); break;
        }
    }
}

void gk_linear_prepare(gk_pool *pool, gk_linear_input *prepared, const float *input, int64_t input_stride,
                       int64_t rows, int64_t in_features, int precision, void *buffer) {
    memset(prepared, 0, sizeof *prepared);
    prepared->input = input;
    prepared->input_stride = input_stride;
    prepared->rows = rows;
    prepared->in_features = in_features;
    prepared->precision = precision;
    if (gk_linear_input_bytes(rows, in_features, precision) == 0) return;
    int64_t blocks = in_features / 32;
    uint8_t *b = buffer;
    prepared->quantized = 1;
    prepared->q_stride = align64(in_features);
    prepared->q = (const int8_t *)b;
    b += align64(rows * prepared->q_stride);
    prepared->scale = (const float *)b;
    b += align64(rows * blocks * 4);
    prepared->sum32 = (const float *)b;
    b += align64(rows * blocks * 4);
    prepared->sum16 = (const float *)b;
    quantize_job job = { prepared, gk_path(), 16 };
    int threads = pool ? gk_pool_thread_count(pool) : 1;
    if (threads > 1 && rows >= 64) {
        run(pool, ceil_div(rows, job.rows_per_task), quantize_task, &job);
    } else {
        job.rows_per_task = rows;
        quantize_task(&job, 0, 0);
    }
}

/* ---- Work memory ------------------------------------------------------------------------- */

/* Per thread: a header (the panel currently packed), a panel (the float panel, 128 bytes per
   input feature, is the largest), a row buffer and a tile. */
enum { HEADER_BYTES = 64, TILE_BYTES = GK_PANEL * 8 * 4 };

static int64_t panel_bytes(int64_t in_features) { return align64((int64_t)GK_PANEL * 4 * in_features); }
/* The float panel's row of floats, or the FAST panel's unpacked rows. */
static int64_t row_buffer_bytes(int64_t in_features) {
    const int64_t fast = (int64_t)gk_fast_panel_row_buffer_bytes(in_features), float_row = 4 * in_features;
    return align64(fast > float_row ? fast : float_row) + 128;
}
static int64_t thread_bytes(int64_t in_features) {
    return HEADER_BYTES + panel_bytes(in_features) + row_buffer_bytes(in_features) + TILE_BYTES;
}

size_t gk_linear_work_bytes(int weight_type, int64_t in_features, int threads) {
    (void)weight_type;
    if (threads < 1) threads = 1;
    if (in_features < 0) in_features = 0;
    return (size_t)(threads * thread_bytes(in_features));
}

/* ---- Apply ------------------------------------------------------------------------------- */

enum { MODE_FAST_DIRECT, MODE_FAST_PANEL, MODE_FLOAT_ROWS, MODE_FLOAT_PANEL };

typedef struct {
    const gk_linear_input *x;
    const uint8_t *weight;
    int type;
    int mode;
    int path;
    int tile_rows;
    int64_t out_features;
    int64_t row_bytes;
    float *output;
    int64_t output_stride;
    int64_t outputs_per_task;   /* direct and row modes */
    int64_t chunks;             /* panel modes: tasks per group of panels */
    int64_t chunk_rows;
    int64_t panels_per_task;    /* panel modes: consecutive panels of one task (a group) */
    gk_tile_sink sink;          /* panel modes: takes the tiles instead of `output` when set */
    void *sink_context;
    uint8_t *work;
    int64_t thread_bytes;
} linear_job;

static void fast_direct_task(void *context, int64_t task, int thread) {
    (void)thread;
    const linear_job *job = context;
    int64_t first = task * job->outputs_per_task, last = first + job->outputs_per_task;
    if (last > job->out_features) last = job->out_features;
    if (job->path == GK_PATH_AVX512)
        gk_fast_direct_avx512(job->type, job->weight, job->row_bytes, first, last, job->x, job->output, job->output_stride);
    else
        gk_fast_direct_avx2(job->type, job->weight, job->row_bytes, first, last, job->x, job->output, job->output_stride);
}

static void float_rows_task(void *context, int64_t task, int thread) {
    const linear_job *job = context;
    const gk_linear_input *x = job->x;
    uint8_t *mine = job->work + thread * job->thread_bytes;
    float *row = (float *)(mine + HEADER_BYTES + panel_bytes(x->in_features));
    int64_t first = task * job->outputs_per_task, last = first + job->outputs_per_task;
    if (last > job->out_features) last = job->out_features;
    if (job->path == GK_PATH_AVX512 &&
        gk_float_rows_avx512(job->type, job->weight, job->row_bytes, first, last, x, job->output, job->output_stride) == 0)
        return;
    for (int64_t o = first; o < last; o++) {
        const uint8_t *source = job->weight + o * job->row_bytes;
        const float *w = row;
        if (job->type == GK_F32 && ((uintptr_t)source & 3) == 0)
            w = (const float *)source;
        else
            gk_dequantize_row_path(job->path, job->type, source, row, x->in_features);
        for (int64_t r = 0; r < x->rows; r++)
            job->output[r * job->output_stride + o] = gk_dot_path(job->path, x->input + r * x->input_stride, w, x->in_features);
    }
}

static void panel_rows(const linear_job *job, int64_t panel_index, int64_t group, int64_t chunk, int thread);

/* Task = (group of panels_per_task panels, chunk of rows). */
static void panel_task(void *context, int64_t task, int thread) {
    const linear_job *job = context;
    const int64_t group = task / job->chunks, chunk = task % job->chunks;
    const int64_t panels = ceil_div(job->out_features, GK_PANEL);
    const int64_t last_panel = (group + 1) * job->panels_per_task < panels ? (group + 1) * job->panels_per_task : panels;
    for (int64_t panel_index = group * job->panels_per_task; panel_index < last_panel; panel_index++)
        panel_rows(job, panel_index, group, chunk, thread);
}

/* Rows of chunk `chunk` times panel `panel_index` (of task group `group`), into the output or
   the sink. */
static void panel_rows(const linear_job *job, int64_t panel_index, int64_t group, int64_t chunk, int thread) {
    const gk_linear_input *x = job->x;
    const int64_t in_features = x->in_features;
    uint8_t *mine = job->work + thread * job->thread_bytes;
    int64_t *packed = (int64_t *)mine;
    uint8_t *panel_memory = mine + HEADER_BYTES;
    void *row_buffer = panel_memory + panel_bytes(in_features);
    float *tile = (float *)((uint8_t *)row_buffer + row_buffer_bytes(in_features));
    int64_t first_output = panel_index * GK_PANEL, count = job->out_features - first_output;
    if (count > GK_PANEL) count = GK_PANEL;

    int fast = job->mode == MODE_FAST_PANEL;
    gk_fast_panel panel = { panel_memory, 0, 0, 0 };
    if (*packed != panel_index) {
        if (fast)
            gk_fast_panel_pack(&panel, job->type, job->weight, job->row_bytes, first_output, count, in_features,
                               job->path == GK_PATH_AVX2, row_buffer);
        else
            gk_float_panel_pack((float *)panel_memory, job->type, job->weight, job->row_bytes, first_output, count,
                                in_features, job->path, row_buffer);
        *packed = panel_index;
    } else if (fast) {
        panel.sub = gk_fast_panel_sub(job->type);
        panel.sub_blocks = in_features / panel.sub;
        panel.is_signed = job->type == GK_Q8_0 && job->path == GK_PATH_AVX2;
    }

    int64_t begin = chunk * job->chunk_rows, end = begin + job->chunk_rows;
    if (end > x->rows) end = x->rows;
    int64_t blocks = in_features / 32;
    for (int64_t r0 = begin; r0 < end; r0 += job->tile_rows) {
        int rows = (int)(end - r0 < job->tile_rows ? end - r0 : job->tile_rows);
        if (fast) {
            gk_fast_rows tile_rows;
            for (int r = 0; r < rows; r++) {
                int64_t row = r0 + r;
                tile_rows.q[r] = x->q + row * x->q_stride;
                tile_rows.scale[r] = x->scale + row * blocks;
                tile_rows.sum[r] = panel.sub == 32 ? x->sum32 + row * blocks : x->sum16 + row * 2 * blocks;
            }
            switch (job->path) {
            case GK_PATH_AVX512: gk_fast_tile_avx512(&panel, &tile_rows, rows, tile); break;
            case GK_PATH_AVX2: gk_fast_tile_avx2(&panel, &tile_rows, rows, tile); break;
            default: gk_fast_tile_scalar(&panel, &tile_rows, rows, tile); break;
            }
        } else {
            const float *inputs[GK_FLOAT_TILE_ROWS];
            for (int r = 0; r < rows; r++) inputs[r] = x->input + (r0 + r) * x->input_stride;
            const float *p = (const float *)panel_memory;
            switch (job->path) {
            case GK_PATH_AVX512: gk_float_tile_avx512(p, in_features, inputs, rows, tile); break;
            case GK_PATH_AVX2: gk_float_tile_avx2(p, in_features, inputs, rows, tile); break;
            default: gk_float_tile_scalar(p, in_features, inputs, rows, tile); break;
            }
        }
        if (job->sink) {
            job->sink(job->sink_context, tile, r0, rows, first_output, (int)count, group);
            continue;
        }
        for (int r = 0; r < rows; r++)
            memcpy(job->output + (r0 + r) * job->output_stride + first_output, tile + r * GK_PANEL,
                   (size_t)count * sizeof(float));
    }
}

/* The job's fields every mode shares; 0, or -1 when the weight's rows are not whole blocks. */
static int set_up(linear_job *job, const gk_linear_input *x, const void *weight, int weight_type, int64_t out_features,
                  void *work) {
    const int64_t block = gk_type_block_size(weight_type), in_features = x->in_features;
    if (block == 0 || in_features <= 0 || in_features % block != 0) return -1;
    memset(job, 0, sizeof *job);
    job->x = x;
    job->weight = weight;
    job->type = weight_type;
    job->path = gk_path();
    job->out_features = out_features;
    job->row_bytes = in_features / block * gk_type_block_bytes(weight_type);
    job->work = work;
    job->thread_bytes = thread_bytes(in_features);
    job->panels_per_task = 1;
    return 0;
}

/* Runs a panel mode job: tasks of `panels_per_task` panels and a chunk of rows. */
static void run_panels(gk_pool *pool, linear_job *job, int threads) {
    const gk_linear_input *x = job->x;
    const int float_path = gk_type_is_float(job->type) || !x->quantized;
    job->mode = float_path ? MODE_FLOAT_PANEL : MODE_FAST_PANEL;
    job->tile_rows = float_path ? GK_FLOAT_TILE_ROWS : gk_fast_tile_rows(job->path);
    const int64_t groups = ceil_div(ceil_div(job->out_features, GK_PANEL), job->panels_per_task);
    /* Enough tasks to balance the threads, but as few row chunks as possible, since each chunk
       packs the panel again (a thread reuses its panel for consecutive chunks). */
    int64_t chunks = groups >= 4 * threads ? 1 : ceil_div(4 * threads, groups);
    const int64_t most = ceil_div(x->rows, job->tile_rows);
    if (chunks > most) chunks = most;
    job->chunk_rows = ceil_div(ceil_div(x->rows, chunks), job->tile_rows) * job->tile_rows;
    job->chunks = ceil_div(x->rows, job->chunk_rows);
    for (int t = 0; t < threads; t++) *(int64_t *)(job->work + t * job->thread_bytes) = -1;
    run(pool, groups * job->chunks, panel_task, job);
}

int gk_linear_apply_to_sink(gk_pool *pool, const gk_linear_input *x, const void *weight, int weight_type, int64_t out_features,
                            int64_t panels_per_group, gk_tile_sink sink, void *sink_context, void *work) {
    linear_job job;
    if (set_up(&job, x, weight, weight_type, out_features, work) != 0 || panels_per_group < 1) return -1;
    if (x->rows <= 0 || out_features <= 0) return 0;
    job.panels_per_task = panels_per_group;
    job.sink = sink;
    job.sink_context = sink_context;
    run_panels(pool, &job, pool ? gk_pool_thread_count(pool) : 1);
    return 0;
}

int gk_linear_apply(gk_pool *pool, const gk_linear_input *x, const void *weight, int weight_type,
                    int64_t out_features, float *output, int64_t output_stride, void *work) {
    linear_job job;
    if (set_up(&job, x, weight, weight_type, out_features, work) != 0) return -1;
    if (x->rows <= 0 || out_features <= 0) return 0;
    const int threads = pool ? gk_pool_thread_count(pool) : 1;
    job.output = output;
    job.output_stride = output_stride;

    int float_path = gk_type_is_float(weight_type) || !x->quantized;
    if (x->rows <= GK_DIRECT_ROWS && (float_path || gk_fast_direct_supported(job.path, weight_type))) {
        job.mode = float_path ? MODE_FLOAT_ROWS : MODE_FAST_DIRECT;
        /* Few tasks (each grab of a task is a cache-line transfer between cores, which is
           not small next to a 576×576 product), but at most ~256 KB of weights per task so
           that a big matrix still balances when a core is busy with something else. */
        int64_t per_task = threads == 1 ? out_features : ceil_div(out_features, (int64_t)threads * 2);
        int64_t most = (int64_t)262144 / (job.row_bytes > 0 ? job.row_bytes : 1);
        if (threads > 1 && per_task > most) per_task = most;
        if (per_task < 16) per_task = 16;
        job.outputs_per_task = per_task;
        run(pool, ceil_div(out_features, per_task), float_path ? float_rows_task : fast_direct_task, &job);
        return 0;
    }

    run_panels(pool, &job, threads);
    return 0;
}
