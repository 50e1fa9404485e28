import Experiments
import XCTest

/// RULER's string-match metrics on hand-computed cases.
final class RulerScoringTests: XCTestCase {
    func testStringMatchAllGivesTheShareOfReferencesFound() {
        let references = ["1234567", "7654321", "Gentle-Harbor", "9999999"]
        let prediction = " 1234567, and gentle-harbor; also 765432"
        // 1234567 and gentle-harbor (case-insensitive) found; 7654321 and 9999999 not.
        XCTAssertEqual(RulerScoring.score(prediction: prediction, references: references, metric: .stringMatchAll), 0.5)
        XCTAssertEqual(RulerScoring.score(prediction: "none", references: references, metric: .stringMatchAll), 0)
        XCTAssertEqual(RulerScoring.score(prediction: "7654321 1234567 9999999 GENTLE-HARBOR", references: references, metric: .stringMatchAll), 1)
    }

    func testStringMatchPartNeedsAnyReference() {
        let references = ["Pharos", "the island of Pharos"]
        XCTAssertEqual(RulerScoring.score(prediction: "On pharos.", references: references, metric: .stringMatchPart), 1)
        XCTAssertEqual(RulerScoring.score(prediction: "Alexandria", references: references, metric: .stringMatchPart), 0)
        XCTAssertEqual(RulerScoring.score(prediction: "x", references: [], metric: .stringMatchPart), 0)
    }

    func testPredictionsAreCleanedAsRulerDoes() {
        XCTAssertEqual(RulerScoring.clean("  A\tB\u{1}C \n"), "A\nB\nC")
        // A control character inside a reference's span breaks the match, as in RULER.
        XCTAssertEqual(RulerScoring.score(prediction: "12\u{0}34", references: ["1234"], metric: .stringMatchAll), 0)
    }
}
