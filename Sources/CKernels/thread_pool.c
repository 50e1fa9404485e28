/* A small persistent thread pool. The calling thread takes part as thread 0; workers spin
   briefly for new work (low latency for the hundreds of parallel regions per decoded token)
   and then sleep on a condition variable.

   One atomic word describes the current region: generation (high 32 bits), a "closed" bit and
   the number of workers inside it. A worker joins a region only while it is open; the caller
   closes the region once it finds no task left and then waits only for the workers that
   joined. So a worker that is descheduled (the machine may be shared) never delays a region
   it did not take part in. Tasks are taken from an atomic counter, so fast threads take more.

   On a machine whose cores are busy with other processes, parallel regions lose: a worker
   preempted inside a task, or a caller preempted because our spinning threads outnumber the
   free cores, stops the region for a scheduler tick (4 ms). The caller watches for this, by
   how long it waits for joined workers and by how much CPU time it got over a window of
   regions, and then runs the next regions alone (the workers fall asleep), for a stretch that
   doubles while contention persists and halves while parallel regions go well. Results never
   depend on which thread runs a task, so this changes only speed. */
#include "CKernels.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GK_PAUSE() _mm_pause()
#elif defined(__aarch64__)
#define GK_PAUSE() __asm__ __volatile__("yield")
#else
#define GK_PAUSE() ((void)0)
#endif

/* A pause takes ~25 ns on the development machine: workers spin ~100 µs after a region
   (enough to stay awake between the back-to-back regions of a decoding step) and then sleep,
   so that they do not hold a core other processes need. */
enum { WORKER_SPINS = 4000, CALLER_SPINS_BEFORE_YIELD = 2000 };
/* Contention back-off: CPU time is checked over windows of at least 16 regions and 10 ms (so
   one stray preemption does not count); serial stretches last 32 to 4096 regions. */
enum { WINDOW_REGIONS = 16, SERIAL_FIRST = 32, SERIAL_MOST = 4096 };
#define WINDOW_SECONDS 10e-3
#define CLOSED_BIT ((uint64_t)1 << 31)
#define ACTIVE_MASK (CLOSED_BIT - 1)

/* Fields written by different threads live on separate cache lines, so that taking a task
   does not steal the line workers spin on (each transfer costs ~100 ns between cores). */
struct gk_pool {
    _Alignas(64) int threads;
    pthread_t *workers;
    int64_t task_count;              /* written by the caller before opening a region */
    gk_task_fn fn;
    void *context;
    _Alignas(64) _Atomic uint64_t state;   /* generation << 32 | closed bit | joined workers */
    _Alignas(64) _Atomic int64_t next_task;
    _Alignas(64) _Atomic int sleepers;
    _Atomic int stopping;
    /* Caller-only state of the contention back-off. */
    int64_t serial_left, serial_next, window_regions;
    int64_t parallel_regions, backed_off_regions;
    double window_wall, window_cpu;
    pthread_mutex_t mutex;
    pthread_cond_t wake;
};

typedef struct { gk_pool *pool; int index; } worker_arg;

static uint32_t generation_of(uint64_t state) { return (uint32_t)(state >> 32); }

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
    uint32_t seen = generation_of(atomic_load(&pool->state));
    for (;;) {
        int spins = 0;
        uint64_t state;
        while (generation_of(state = atomic_load(&pool->state)) == seen) {
            if (atomic_load_explicit(&pool->stopping, memory_order_relaxed)) return NULL;
            if (++spins < WORKER_SPINS) { GK_PAUSE(); continue; }
            pthread_mutex_lock(&pool->mutex);
            atomic_fetch_add(&pool->sleepers, 1);
            while (generation_of(atomic_load(&pool->state)) == seen && !atomic_load(&pool->stopping))
                pthread_cond_wait(&pool->wake, &pool->mutex);
            atomic_fetch_sub(&pool->sleepers, 1);
            pthread_mutex_unlock(&pool->mutex);
            spins = 0;
        }
        if (atomic_load(&pool->stopping)) return NULL;
        /* Join the region unless it has closed (or a newer one started: then loop again). */
        seen = generation_of(state);
        int joined = 0;
        while (generation_of(state) == seen && !(state & CLOSED_BIT)) {
            if (atomic_compare_exchange_weak(&pool->state, &state, state + 1)) { joined = 1; break; }
        }
        if (!joined) {
            if (generation_of(state) != seen) seen = generation_of(state) - 1;  /* look at the newer one */
            continue;
        }
        run_tasks(pool, arg.index);
        atomic_fetch_sub_explicit(&pool->state, 1, memory_order_release);
    }
}

gk_pool *gk_pool_create(int threads) {
    if (threads < 1) threads = 1;
    gk_pool *pool = aligned_alloc(64, (sizeof(gk_pool) + 63) / 64 * 64);
    if (!pool) return NULL;
    memset(pool, 0, sizeof *pool);
    pool->threads = threads;
    pthread_mutex_init(&pool->mutex, NULL);
    pthread_cond_init(&pool->wake, NULL);
    atomic_init(&pool->state, 0);
    atomic_init(&pool->next_task, 0);
    atomic_init(&pool->sleepers, 0);
    atomic_init(&pool->stopping, 0);
    pool->serial_next = SERIAL_FIRST;
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

static double clock_seconds(clockid_t clock) {
    struct timespec time;
    clock_gettime(clock, &time);
    return (double)time.tv_sec + 1e-9 * (double)time.tv_nsec;
}

/* Contention seen: run the next regions on the caller alone, longer each time. */
static void back_off(gk_pool *pool) {
    pool->serial_left = pool->serial_next;
    if (pool->serial_next < SERIAL_MOST) pool->serial_next *= 2;
    pool->window_regions = 0;
}

void gk_pool_run(gk_pool *pool, int64_t task_count, gk_task_fn fn, void *context) {
    if (task_count <= 0) return;
    if (pool->threads == 1 || task_count == 1 || pool->serial_left > 0) {
        if (pool->serial_left > 0) { pool->serial_left--; pool->backed_off_regions++; }
        for (int64_t task = 0; task < task_count; task++) fn(context, task, 0);
        return;
    }
    pool->parallel_regions++;
    if (pool->window_regions == 0) {
        pool->window_wall = clock_seconds(CLOCK_MONOTONIC);
        pool->window_cpu = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
    }
    pool->fn = fn;
    pool->context = context;
    pool->task_count = task_count;
    atomic_store_explicit(&pool->next_task, 0, memory_order_relaxed);
    uint64_t generation = generation_of(atomic_load(&pool->state)) + 1;
    atomic_store(&pool->state, (uint64_t)(uint32_t)generation << 32);   /* open, nobody joined */
    if (atomic_load(&pool->sleepers) > 0) {
        pthread_mutex_lock(&pool->mutex);
        pthread_cond_broadcast(&pool->wake);
        pthread_mutex_unlock(&pool->mutex);
    }
    double start = clock_seconds(CLOCK_MONOTONIC);
    run_tasks(pool, 0);
    /* Every task has been taken; close the region and wait for those still running one. */
    uint64_t state = atomic_fetch_or(&pool->state, CLOSED_BIT) | CLOSED_BIT;
    if ((state & ACTIVE_MASK) != 0) {
        double finished = clock_seconds(CLOCK_MONOTONIC);
        int spins = 0;
        while ((state & ACTIVE_MASK) != 0) {
            if (++spins < CALLER_SPINS_BEFORE_YIELD) GK_PAUSE(); else sched_yield();
            state = atomic_load_explicit(&pool->state, memory_order_acquire);
        }
        double now = clock_seconds(CLOCK_MONOTONIC);
        if (now - finished > 2 * (finished - start) + 500e-6) { back_off(pool); return; }  /* a stalled worker */
    }
    if (++pool->window_regions < WINDOW_REGIONS) return;
    double wall = clock_seconds(CLOCK_MONOTONIC) - pool->window_wall;
    if (wall < WINDOW_SECONDS) return;
    /* End of a window: was the caller running most of the time? */
    double cpu = clock_seconds(CLOCK_THREAD_CPUTIME_ID) - pool->window_cpu;
    pool->window_regions = 0;
    if (cpu < 0.7 * wall) {
        back_off(pool);
    } else if (pool->serial_next > SERIAL_FIRST) {
        pool->serial_next /= 2;
    }
}

void gk_pool_statistics(const gk_pool *pool, int64_t *parallel_regions, int64_t *backed_off_regions) {
    *parallel_regions = pool->parallel_regions;
    *backed_off_regions = pool->backed_off_regions;
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
