import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small persistent pool of threads for data-parallel kernels.
///
/// The calling thread takes part as thread 0, so a pool of `n` threads starts `n - 1` workers.
/// Workers spin briefly (~100 µs) between regions and then sleep, so the hundreds of parallel
/// regions of one decoded token cost microseconds. One caller at a time; `parallelFor` must not
/// be nested on the same pool.
///
/// Tasks are handed out dynamically and may all run on the calling thread: workers that are not
/// ready do not delay a region, and while other processes keep the cores busy (a worker stalls
/// inside a task, or the caller gets too little CPU time) the pool runs regions on the caller
/// alone for a while. Task bodies must therefore not wait for each other.
public final class ThreadPool: @unchecked Sendable {
    let pool: OpaquePointer
    /// Number of threads, the caller included.
    public let threadCount: Int

    /// Number of processors available to this process.
    public static var activeProcessorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Creates a pool of `threadCount` threads (default: the active processor count).
    /// Throws when `threadCount` is less than 1 or the threads cannot be started.
    public init(threadCount: Int = ThreadPool.activeProcessorCount) throws {
        guard threadCount >= 1, threadCount <= 1024 else {
            throw TensorError.unsupported("thread count must be between 1 and 1024, not \(threadCount)")
        }
        guard let pool = gk_pool_create(Int32(threadCount)) else {
            throw TensorError.unsupported("could not start \(threadCount) threads")
        }
        self.pool = pool
        self.threadCount = Int(gk_pool_thread_count(pool))
    }

    deinit { gk_pool_destroy(pool) }

    /// Regions (of more than one task) run so far: in parallel, and on the calling thread alone
    /// because other processes were keeping the cores busy.
    public var statistics: (parallelRegions: Int, backedOffRegions: Int) {
        var parallel: Int64 = 0, backedOff: Int64 = 0
        gk_pool_statistics(pool, &parallel, &backedOff)
        return (Int(parallel), Int(backedOff))
    }

    /// Runs `body(task, thread)` for every `task` in `0..<taskCount` across the pool and returns
    /// when all have finished. `thread` is in `0..<threadCount` and is unique among tasks running
    /// at the same moment, so it can index per-thread scratch memory.
    public func parallelFor(_ taskCount: Int, _ body: (_ task: Int, _ thread: Int) -> Void) {
        guard taskCount > 0 else { return }
        withoutActuallyEscaping(body) { escapable in
            var closure = escapable
            withUnsafeMutablePointer(to: &closure) { pointer in
                gk_pool_run(pool, Int64(taskCount), { context, task, thread in
                    let body = context!.assumingMemoryBound(to: ((Int, Int) -> Void).self).pointee
                    body(Int(task), Int(thread))
                }, UnsafeMutableRawPointer(pointer))
            }
        }
    }
}
