import Foundation
import Tensor
import XCTest

final class ThreadPoolTests: XCTestCase {
    /// Every task runs exactly once; thread ids are in range and no id is used by two tasks at
    /// the same moment; many regions run back to back.
    func testTasksRunOnceWithUniqueThreadIds() throws {
        for threads in 1...4 {
            let pool = try ThreadPool(threadCount: threads)
            XCTAssertEqual(pool.threadCount, threads)
            let lock = NSLock()
            for (region, taskCount) in [1, 2, 3, 7, 64, 1000].enumerated() {
                var runs = [Int](repeating: 0, count: taskCount)
                var busy = [Bool](repeating: false, count: threads)
                var problems: [String] = []
                pool.parallelFor(taskCount) { task, thread in
                    lock.lock()
                    if !(0..<threads).contains(thread) {
                        problems.append("thread id \(thread) out of range")
                        lock.unlock()
                        return
                    }
                    if busy[thread] { problems.append("thread id \(thread) used twice at once") }
                    busy[thread] = true
                    runs[task] += 1
                    lock.unlock()
                    var spin = 0
                    for i in 0..<(task % 5) * 200 { spin &+= i }
                    if spin == -1 { print(spin) }
                    lock.lock()
                    busy[thread] = false
                    lock.unlock()
                }
                XCTAssertEqual(problems, [], "\(threads) threads, region \(region)")
                XCTAssertTrue(runs.allSatisfy { $0 == 1 }, "\(threads) threads, \(taskCount) tasks: \(runs.filter { $0 != 1 }.count) ran not exactly once")
            }
        }
    }

    func testManyRegionsBackToBack() throws {
        for threads in 1...4 {
            let pool = try ThreadPool(threadCount: threads)
            let lock = NSLock()
            var total = 0
            for region in 0..<3000 {
                let tasks = region % 9 + 1
                pool.parallelFor(tasks) { task, _ in
                    lock.lock()
                    total += task + 1
                    lock.unlock()
                }
            }
            let expected = (0..<3000).reduce(0) { sum, region in let n = region % 9 + 1; return sum + n * (n + 1) / 2 }
            XCTAssertEqual(total, expected, "\(threads) threads")
        }
    }

    func testInvalidThreadCountsThrow() {
        XCTAssertThrowsError(try ThreadPool(threadCount: 0))
        XCTAssertThrowsError(try ThreadPool(threadCount: -3))
        XCTAssertThrowsError(try ThreadPool(threadCount: 100_000))
    }

    func testZeroTasksReturnImmediately() throws {
        let pool = try ThreadPool(threadCount: 2)
        var called = false
        pool.parallelFor(0) { _, _ in called = true }
        XCTAssertFalse(called)
    }
}
