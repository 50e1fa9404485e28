import XCTest
@testable import Experiments

/// Python's `random` reproduced: the numbers below are what CPython prints.
final class PythonRandomTests: XCTestCase {
    func testReferencePasskeyDraws() {
        // random.seed(42); [(randint(0, 2600), randint(1, 50000)) for _ in range(3)]
        var random = PythonRandom(seed: 42)
        let draws = (0..<3).map { _ in (random.randint(0, 2600), random.randint(1, 50000)) }
        XCTAssertEqual(draws.map(\.0), [456, 1126, 914])
        XCTAssertEqual(draws.map(\.1), [1640, 16050, 9145])
    }

    func testReferenceNeedleKeys() {
        // random.seed(42); [randint(50000, 500000) for _ in range(4)]
        XCTAssertEqual(PassKeyPrompt.needleKeys(count: 4, seed: 42), [385243, 108369, 63112, 438786])
    }

    func testWideRangesAndBits() {
        // random.seed(7); [randint(0, 10**9) for _ in range(3)], getrandbits(40), getrandbits(64)
        var random = PythonRandom(seed: 7)
        XCTAssertEqual((0..<3).map { _ in random.randint(0, 1_000_000_000) }, [347712782, 161973069, 423938499])
        XCTAssertEqual(random.getrandbits(40), 54335349840)
        XCTAssertEqual(random.getrandbits(64), 15149836622520594227)
    }

    func testTrialsFollowTheReferenceOrder() {
        let trials = PassKeyPrompt.passkeyTrials(nGarbage: 2600, times: 3, seed: 42)
        XCTAssertEqual(trials.map(\.prefixCharacters), [456, 1126, 914])
        XCTAssertEqual(trials.map(\.passKey), [1640, 16050, 9145])
        XCTAssertEqual(trials.map(\.index), [0, 1, 2])
    }
}
