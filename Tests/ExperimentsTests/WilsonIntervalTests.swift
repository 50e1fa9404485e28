import Experiments
import Foundation
import XCTest

/// Wilson intervals against published values (e.g. Brown, Cai & DasGupta 2001; the 0/n and n/n
/// ends in closed form z²/(n + z²)).
final class WilsonIntervalTests: XCTestCase {
    func testKnownValues() {
        let none = WilsonInterval(successes: 0, trials: 3)
        XCTAssertEqual(none.lower, 0, accuracy: 1e-12)
        XCTAssertEqual(none.upper, 0.5615, accuracy: 1e-4)
        let z2 = WilsonInterval.z95 * WilsonInterval.z95
        XCTAssertEqual(none.upper, z2 / (3 + z2), accuracy: 1e-12)

        let one = WilsonInterval(successes: 1, trials: 3)
        XCTAssertEqual(one.lower, 0.0615, accuracy: 1e-4)
        XCTAssertEqual(one.upper, 0.7923, accuracy: 1e-4)

        let half = WilsonInterval(successes: 5, trials: 10)
        XCTAssertEqual(half.lower, 0.2366, accuracy: 1e-4)
        XCTAssertEqual(half.upper, 0.7634, accuracy: 1e-4)

        let all = WilsonInterval(outcomes: [true, true, true, true, true])
        XCTAssertEqual(all.rate, 1)
        XCTAssertEqual(all.upper, 1, accuracy: 1e-12)
        XCTAssertEqual(all.lower, 5 / (5 + z2), accuracy: 1e-12)
    }

    func testNarrowsWithMoreTrialsAndStaysInUnitRange() {
        var previous = 1.0
        for n in [4, 16, 64, 256] {
            let interval = WilsonInterval(successes: Double(n) / 4, trials: n)
            XCTAssertLessThan(interval.upper - interval.lower, previous)
            XCTAssertTrue(interval.lower >= 0 && interval.upper <= 1 && interval.lower < 0.25 && interval.upper > 0.25)
            previous = interval.upper - interval.lower
        }
    }

    func testNoTrialsAndPartialCredit() {
        let empty = WilsonInterval(outcomes: [])
        XCTAssertTrue(empty.rate.isNaN && empty.lower.isNaN && empty.upper.isNaN)
        XCTAssertEqual(empty.text(), "n=0")
        // Scores 1, 0.5, 0 count as 1.5 successes of 3.
        XCTAssertEqual(WilsonInterval(scores: [1, 0.5, 0]), WilsonInterval(successes: 1.5, trials: 3))
        XCTAssertEqual(WilsonInterval(successes: 1, trials: 3).text(), "[0.06, 0.79] n=3")
        let json = WilsonInterval(successes: 0, trials: 3).json
        let parsed = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Double]
        XCTAssertEqual(parsed?["lower"], 0)
        XCTAssertEqual(parsed?["upper"] ?? 0, 0.5615, accuracy: 1e-4)
        XCTAssertEqual(parsed?["n"], 3)
    }
}
