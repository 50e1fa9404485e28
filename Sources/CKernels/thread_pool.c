/* A small persistent thread pool. The calling thread takes part as thread 0; workers spin
   briefly for new work (low latency for the hundreds of parallel regions per decoded token)
   and then sleep on a condition variable. */
#include "CKernels.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GK_PAUSE() _mm_pause()
#elif defined(__aarch64__)
#define GK_PAUSE() __asm__ __volatile__("yield")
#else
#define GK_PAUSE() ((void)0)
#endif

struct gk_pool {
    int threads;
    pthread_t *workers;
    pthread_mutex_t mutex;
    pthread_cond_t wake;
    _Atomic uint64_t generation;     /* bumped once per gk_pool_run */
    _Atomic int64_t next_task;
    _Atomic int busy_workers;        /* workers still inside the current job */
    _Atomic int stopping;
    int64_t task_count;
    gk_task_fn fn;
    void *context;
};

typedef struct { gk_pool *pool; int index; } worker_arg;

static void run_tasks(gk_pool *pool, int thread) {
    for (;;) {
        int64_t task = atomic_fetch_add_explicit(&pool->next_task, 1, memory_order_relaxed);
        if (task >= pool->task_count) break;
        pool->fn(pool->context, task, thread);
    }
}

static void *worker_main(void *raw) {
    worker_arg arg = *(worker_arg *)raw;
    free(raw);
    gk_pool *pool = arg.pool;
    uint64_t seen = 0;
    for (;;) {
        /* Spin for a while, then sleep until the generation changes. */
        int spins = 0;
        uint64_t current;
        while ((current = atomic_load_explicit(&pool->generation, memory_order_acquire)) == seen) {
            if (atomic_load_explicit(&pool->stopping, memory_order_relaxed)) return NULL;
            if (++spins < 20000) { GK_PAUSE(); continue; }
            pthread_mutex_lock(&pool->mutex);
            while (atomic_load_explicit(&pool->generation, memory_order_acquire) == seen &&
                   !atomic_load_explicit(&pool->stopping, memory_order_relaxed))
                pthread_cond_wait(&pool->wake, &pool->mutex);
            pthread_mutex_unlock(&pool->mutex);
            spins = 0;
        }
        if (atomic_load_explicit(&pool->stopping, memory_order_relaxed)) return NULL;
        seen = current;
        run_tasks(pool, arg.index);
        atomic_fetch_sub_explicit(&pool->busy_workers, 1, memory_order_release);
    }
}

gk_pool *gk_pool_create(int threads) {
    if (threads < 1) threads = 1;
    gk_pool *pool = calloc(1, sizeof(gk_pool));
    if (!pool) return NULL;
    pool->threads = threads;
    pthread_mutex_init(&pool->mutex, NULL);
    pthread_cond_init(&pool->wake, NULL);
    atomic_init(&pool->generation, 0);
    atomic_init(&pool->next_task, 0);
    atomic_init(&pool->busy_workers, 0);
    atomic_init(&pool->stopping, 0);
    if (threads > 1) {
        pool->workers = calloc((size_t)threads - 1, sizeof(pthread_t));
        if (!pool->workers) { free(pool); return NULL; }
        for (int i = 1; i < threads; i++) {
            worker_arg *arg = malloc(sizeof(worker_arg));
            if (!arg) { pool->threads = i; break; }
            arg->pool = pool;
            arg->index = i;
            if (pthread_create(&pool->workers[i - 1], NULL, worker_main, arg) != 0) {
                free(arg);
                pool->threads = i;
                break;
            }
        }
    }
    return pool;
}

int gk_pool_thread_count(const gk_pool *pool) { return pool->threads; }

void gk_pool_run(gk_pool *pool, int64_t task_count, gk_task_fn fn, void *context) {
    if (task_count <= 0) return;
    if (pool->threads == 1 || task_count == 1) {
        for (int64_t task = 0; task < task_count; task++) fn(context, task, 0);
        return;
    }
    pool->fn = fn;
    pool->context = context;
    pool->task_count = task_count;
    atomic_store_explicit(&pool->next_task, 0, memory_order_relaxed);
    atomic_store_explicit(&pool->busy_workers, pool->threads - 1, memory_order_relaxed);
    pthread_mutex_lock(&pool->mutex);
    atomic_fetch_add_explicit(&pool->generation, 1, memory_order_release);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mutex);
    run_tasks(pool, 0);
    while (atomic_load_explicit(&pool->busy_workers, memory_order_acquire) > 0) GK_PAUSE();
}

void gk_pool_destroy(gk_pool *pool) {
    if (!pool) return;
    pthread_mutex_lock(&pool->mutex);
    atomic_store(&pool->stopping, 1);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mutex);
    for (int i = 1; i < pool->threads; i++) pthread_join(pool->workers[i - 1], NULL);
    free(pool->workers);
    pthread_mutex_destroy(&pool->mutex);
    pthread_cond_destroy(&pool->wake);
    free(pool);
}
