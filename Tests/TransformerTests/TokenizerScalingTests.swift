import Foundation
import XCTest
import Transformer

/// No quadratic behaviour: encoding 1 MB of one repeated character (a single huge pre-token
/// piece for letters and symbols) must cost about 10 times as much as 100 KB, not 100 times.
/// The bound is generous (the machine is shared); absolute speed is measured with
/// `gali bench-tokenizer`, not here.
final class TokenizerScalingTests: XCTestCase {
    func bestTime(runs: Int, _ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<runs {
            let start = ContinuousClock.now
            body()
            let elapsed = ContinuousClock.now - start
            best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        return best
    }

    func testOneMegabyteOfARepeatedCharacterScalesLinearly() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        for unit in ["a", "=", " ", "\n", "7", "🙂", "ab", "é"] {
            let smallCount = 100_000 / unit.utf8.count
            let small = String(repeating: unit, count: smallCount)
            let large = String(repeating: unit, count: smallCount * 10)
            var ids: [Int] = []
            let smallTime = bestTime(runs: 3) { ids = tokenizer.encode(small) }
            XCTAssertEqual(try tokenizer.decode(ids), small)
            let largeTime = bestTime(runs: 3) { ids = tokenizer.encode(large) }
            XCTAssertEqual(try tokenizer.decode(ids), large)
            // Times of a few milliseconds are mostly noise on a shared machine: floor at 5 ms.
            let ratio = largeTime / max(smallTime, 0.005)
            print("repeated \(unit.debugDescription): 100 KB \(String(format: "%.4f", smallTime)) s, 1 MB \(String(format: "%.4f", largeTime)) s, ratio \(String(format: "%.1f", ratio))")
            // Linear is 10x, quadratic 100x; 60 separates them with room for scheduling noise.
            XCTAssertLessThan(ratio, 60, "1 MB of \(unit.debugDescription) took \(ratio)x the time of 100 KB (quadratic?)")
            XCTAssertLessThan(largeTime, 20, "1 MB of \(unit.debugDescription) took \(largeTime) s")
        }
    }
}
