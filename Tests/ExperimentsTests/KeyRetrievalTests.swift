import XCTest
@testable import Experiments

/// Passkey and needle scoring: the answer's digits anywhere in the generation.
final class KeyRetrievalTests: XCTestCase {
    func testContainment() {
        XCTAssertTrue(KeyRetrieval.isCorrect(prediction: " 71432. Remember it.", answer: "71432"))
        XCTAssertTrue(KeyRetrieval.isCorrect(prediction: "The pass key is 1714325", answer: "71432"))  // substring rule
        XCTAssertFalse(KeyRetrieval.isCorrect(prediction: "The pass key is 7143", answer: "71432"))
        XCTAssertFalse(KeyRetrieval.isCorrect(prediction: "71 432", answer: "71432"))
        XCTAssertFalse(KeyRetrieval.isCorrect(prediction: "", answer: "1"))
    }

    func testAccuracy() {
        XCTAssertEqual(KeyRetrieval.accuracy([("is 123", "123"), ("is 12", "123"), ("123!", "123"), ("no", "123")]), 0.5)
        XCTAssertTrue(KeyRetrieval.accuracy([]).isNaN)
    }

    func testNeedleGrid() {
        let results = [NeedleResult(contextLength: 8000, depthPercent: 50, accuracy: 1),
                       NeedleResult(contextLength: 4000, depthPercent: 6.25, accuracy: 0.5),
                       NeedleResult(contextLength: 4000, depthPercent: 50, accuracy: 0.25),
                       NeedleResult(contextLength: 4000, depthPercent: 50, accuracy: 0.75)]
        let grid = KeyRetrieval.needleGrid(results)
        XCTAssertEqual(grid.contextLengths, [4000, 8000])
        XCTAssertEqual(grid.depthPercents, [6.25, 50])
        XCTAssertEqual(grid.values[0][0], 0.5)
        XCTAssertTrue(grid.values[0][1].isNaN)      // no result at 8000 tokens, depth 6.25 %
        XCTAssertEqual(grid.values[1][0], 0.5)      // two results averaged
        XCTAssertEqual(grid.values[1][1], 1)
        XCTAssertEqual(grid, KeyRetrieval.needleGrid(results.reversed()))
        XCTAssertEqual(KeyRetrieval.needleGrid([]).values, [])
    }
}
