import XCTest
import TestSupport
@testable import GALI

/// GALI's greedy schedule against worked examples, the reference fixtures and its invariants.
final class GreedyPositionsTests: XCTestCase {
    /// The reference's loop, transcribed literally: the obvious twin of the closed form.
    func loopPositions(n: Int, window: Int, localWindow: Int) -> [Float] {
        if n <= window { return (0..<n).map(Float.init) }
        let g = Int((Double(n - localWindow) / Double(window - localWindow)).rounded(.up))
        var fractional: [Double] = []
        var i = 0
        var covered = window
        while covered < n {
            fractional += (0..<g).map { Double(i) + (1.0 / Double(g)) * Double($0) }
            i += 1
            covered = window - i + fractional.count
        }
        let tail = (i..<window).map(Double.init)
        return (Array(fractional.prefix(n - tail.count)) + tail).map { Float($0) }
    }

    func testWorkedExamples() throws {
        // n = 1000, W = 512, lw = 128: g = ⌈872/384⌉ = 3, k = ⌈488/2⌉ = 244, tail starts at 1000 − 268 = 732.
        let a = try GreedyPositions(count: 1000, window: 512, localWindow: 128)
        XCTAssertEqual(a.groupSize, 3)
        XCTAssertEqual(a.splitPositions, 244)
        XCTAssertEqual(a.integerTailStart, 732)
        XCTAssertEqual(a.position(of: 0), 0)
        XCTAssertEqual(a.position(of: 1), Float(1.0 / 3.0))
        XCTAssertEqual(a.position(of: 731), Float(243.0 + 2.0 / 3.0))
        XCTAssertEqual(a.position(of: 732), 244)
        XCTAssertEqual(a.position(of: 999), 511)
        // n = 1535, W = 512, lw = 0: g = 3, k = ⌈1023/2⌉ = 512: no integer tail at all.
        let b = try GreedyPositions(count: 1535, window: 512, localWindow: 0)
        XCTAssertEqual(b.groupSize, 3)
        XCTAssertEqual(b.splitPositions, 512)
        XCTAssertEqual(b.integerTailStart, 1535)
        XCTAssertEqual(b.position(of: 1534), Float(511.0 + 1.0 / 3.0))
        // n ≤ W: identity.
        XCTAssertEqual(try GreedyPositions(count: 300, window: 512, localWindow: 128).positions, (0..<300).map(Float.init))
        XCTAssertEqual(try GreedyPositions(count: 512, window: 512, localWindow: 128).positions, (0..<512).map(Float.init))
        // n = W + 1: one position split in two: 0, 0.5, then 1 … 511.
        let c = try GreedyPositions(count: 513, window: 512, localWindow: 128)
        XCTAssertEqual(c.positions, [0, 0.5] + (1..<512).map(Float.init))
        // n = 8W: g = ⌈(4096 − 128)/384⌉ = 11.
        let d = try GreedyPositions(count: 4096, window: 512, localWindow: 128)
        XCTAssertEqual(d.groupSize, 11)
        XCTAssertEqual(d.splitPositions, 359)
    }

    func testMatchesReferenceFixturesExactly() throws {
        guard let document = TestResources.json("reference/gali_positions.json") else { throw XCTSkip("gali_positions.json not available") }
        let fixtures = try XCTUnwrap(document["fixtures"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(fixtures.count, 6)
        for fixture in fixtures {
            let n = fixture["n"] as! Int, window = fixture["window"] as! Int, lw = fixture["local_window"] as! Int
            let schedule = try GreedyPositions(count: n, window: window, localWindow: lw)
            let expected = (fixture["positions"] as! [Double]).map { Float($0) }
            XCTAssertEqual(schedule.positions, expected, "positions for n=\(n) W=\(window) lw=\(lw)")
            XCTAssertEqual(schedule.groupSize, fixture["group_size"] as! Int)
            XCTAssertEqual(schedule.splitPositions, fixture["n_groups"] as! Int)
            XCTAssertEqual(schedule.integerTailStart, fixture["integer_tail_start_index"] as! Int)
        }
    }

    func testClosedFormEqualsLoopAndKeepsInvariants() throws {
        for (window, lw) in [(16, 0), (16, 5), (64, 63), (512, 128), (100, 1)] {
            for n in Array(1...(6 * window)).filter({ $0 % 7 == 0 || $0 <= window + 3 }) {
                let schedule = try GreedyPositions(count: n, window: window, localWindow: lw)
                let positions = schedule.positions
                XCTAssertEqual(positions, loopPositions(n: n, window: window, localWindow: lw), "n=\(n) W=\(window) lw=\(lw)")
                XCTAssertEqual(positions.count, n)
                XCTAssertTrue(zip(positions, positions.dropFirst()).allSatisfy { $0 < $1 }, "strictly increasing")
                XCTAssertTrue(positions.allSatisfy { $0 >= 0 && $0 < Float(window) })
                if n > window {
                    let tail = positions[schedule.integerTailStart...]
                    XCTAssertGreaterThanOrEqual(tail.count, lw)
                    if lw > 0 { XCTAssertEqual(tail.last, Float(window - 1)) }
                    XCTAssertTrue(tail.allSatisfy { $0 == $0.rounded() })
                }
            }
        }
    }

    func testRejectsBadWindows() {
        XCTAssertThrowsError(try GreedyPositions(count: 10, window: 8, localWindow: 8))
        XCTAssertThrowsError(try GreedyPositions(count: 10, window: 8, localWindow: -1))
        XCTAssertThrowsError(try GreedyPositions(count: -1, window: 8, localWindow: 2))
    }
}
