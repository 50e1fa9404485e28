import XCTest
@testable import Experiments

/// L-Eval answer extraction, metrics and dataset scoring, by hand and against the reference.
final class LEvalMetricTests: XCTestCase {
    func testMultipleChoiceOutput() {
        func mc(_ text: String, coursera: Bool) -> String { LEvalAnswerExtraction.multipleChoiceOutput(text, isCoursera: coursera) }
        XCTAssertEqual(mc("", coursera: false), "None")
        XCTAssertEqual(mc("  \n", coursera: true), "None")
        XCTAssertEqual(mc("B", coursera: false), "B")
        XCTAssertEqual(mc("BC", coursera: true), "BC")              // a run of "ABCD" is kept as is
        XCTAssertEqual(mc("CA", coursera: false), "C")              // first letter A–D anywhere
        XCTAssertEqual(mc("CA", coursera: true), "AC")              // leading run, sorted
        XCTAssertEqual(mc("The answer is (B).", coursera: false), "B")
        XCTAssertEqual(mc("Answer: A. and C)", coursera: true), "AC")
        XCTAssertEqual(mc("none", coursera: true), "A")             // the reference's guess
        XCTAssertEqual(mc("none", coursera: false), "A")
        XCTAssertEqual(mc("xx B yy Question C.", coursera: true), "B")
        XCTAssertEqual(mc("I think BD is right", coursera: true), "D")
        XCTAssertEqual(mc("xBDx", coursera: true), "BD")
    }

    func testMultipleChoiceTruth() throws {
        XCTAssertEqual(try LEvalAnswerExtraction.multipleChoiceTruth("AB"), "AB")
        XCTAssertEqual(try LEvalAnswerExtraction.multipleChoiceTruth(" C. Paris"), "C")
        XCTAssertEqual(try LEvalAnswerExtraction.multipleChoiceTruth("xyz"), "A")
        XCTAssertThrowsError(try LEvalAnswerExtraction.multipleChoiceTruth(" ")) { error in
            XCTAssertEqual(error as? LEvalError, .emptyGroundTruth)
        }
    }

    func testMathAnswer() {
        XCTAssertEqual(LEvalAnswerExtraction.mathAnswer("So 5 + 7 = 12. The answer is 12"), "12")
        XCTAssertEqual(LEvalAnswerExtraction.mathAnswer("The answer is $1,234.50."), "1234")
        XCTAssertEqual(LEvalAnswerExtraction.mathAnswer("It costs $8 total, not 9\n\nThe next question: 3"), "9")
        XCTAssertEqual(LEvalAnswerExtraction.mathAnswer("The answer is  5 apples"), "5")   // no token after "is ": last word with a digit
        XCTAssertEqual(LEvalAnswerExtraction.mathAnswer("nothing"), "")
    }

    func testCodeExtraction() {
        XCTAssertEqual(LEvalAnswerExtraction.codeTruth("[1, 2]\n[3, 4]"), "[1 2][3 4]")
        XCTAssertEqual(LEvalAnswerExtraction.codeTruth("'a' 3.0 x\\y"), "a 3 xy")
        XCTAssertEqual(LEvalAnswerExtraction.codeOutput("The output of the code will be [1, 2]", truth: "[1, 2]"), "The output [1 2]")
        XCTAssertEqual(LEvalAnswerExtraction.codeOutput("first 1 then the final output 7 8 9 10 11 12", truth: "7"),
                       " 7 8 9")
        // "is" is removed everywhere, even inside words ("this" → "th").
        XCTAssertEqual(LEvalAnswerExtraction.codeOutput("this is it", truth: "a b c d"), "th it")
    }

    func testJudgeExtraction() throws {
        let truth = try LEvalAnswerExtraction.judgeTruth("True [fact: False]")
        XCTAssertEqual(truth.loyalty, "true")
        XCTAssertEqual(truth.fact, "false")
        let output = LEvalAnswerExtraction.judgeOutput("True. [fact: I think false]")
        XCTAssertEqual(output.loyalty, "true")
        XCTAssertEqual(output.fact, "false")
        let vague = LEvalAnswerExtraction.judgeOutput("Maybe")
        XCTAssertEqual(vague.loyalty, "<error>")
        XCTAssertEqual(vague.fact, "<error>")
        XCTAssertThrowsError(try LEvalAnswerExtraction.judgeTruth("True")) { error in
            XCTAssertEqual(error as? LEvalError, .missingFactPart("True"))
        }
    }

    func testExactMatch() {
        func em(_ p: String, _ t: String) -> Double { LEvalMetrics.exactMatch(prediction: p, groundTruth: t) }
        XCTAssertEqual(em("AB", "AB"), 1)
        XCTAssertEqual(em("A", "AB"), 0.25)      // some of the right options
        XCTAssertEqual(em("AC", "AB"), 0)
        XCTAssertEqual(em("", "AB"), 0.25)       // the empty set is a subset (a reference quirk)
        XCTAssertEqual(em("12.0", "12"), 1)
        XCTAssertEqual(em("13", "12"), 0)
        XCTAssertEqual(em("The answer: Paris", "paris"), 1)
        XCTAssertEqual(em("inf", "Infinity"), 1)
        XCTAssertEqual(em("new york", "New York City"), 0)
        XCTAssertEqual(em("b", "B"), 0)          // not lowercased before the choice test
        XCTAssertEqual(em("a", "A"), 0.25)       // "a" is an article: it normalises to nothing
    }

    func testF1AndRouge() {
        // "cat sat" vs "cat sat down": P = 1, R = 2/3.
        let precision = 1.0
        let twoThirds = 2.0 / 3.0
        XCTAssertEqual(LEvalMetrics.f1(prediction: "The cat sat", groundTruth: "a cat sat down"),
                       (2 * precision * twoThirds) / (precision + twoThirds))
        // Tokens [the cat sat] vs [the cat sat down]: unigrams P = 1, R = 3/4; bigrams P = 1, R = 2/3.
        let threeQuarters = 0.75
        let rouge = LEvalMetrics.rouge(prediction: "The cat sat", groundTruth: "the cat sat down")
        XCTAssertEqual(rouge.rouge1, 2 * precision * threeQuarters / (precision + threeQuarters))
        XCTAssertEqual(rouge.rouge2, 2 * precision * twoThirds / (precision + twoThirds))
        XCTAssertEqual(rouge.rougeL, 2 * precision * threeQuarters / (precision + threeQuarters))
        let none = LEvalMetrics.rouge(prediction: "北京", groundTruth: "北京")   // no a–z0–9 tokens
        XCTAssertEqual([none.rouge1, none.rouge2, none.rougeL], [0, 0, 0])
    }

    func testAnswerRules() {
        XCTAssertEqual(LEval.AnswerRule(dataset: "coursera"), .multipleChoice(coursera: true))
        XCTAssertEqual(LEval.AnswerRule(dataset: "quality"), .multipleChoice(coursera: false))
        XCTAssertEqual(LEval.AnswerRule(dataset: "tpo"), .multipleChoice(coursera: false))
        XCTAssertEqual(LEval.AnswerRule(dataset: "gsm100"), .math)
        XCTAssertEqual(LEval.AnswerRule(dataset: "codeU"), .codeOutput)
        XCTAssertEqual(LEval.AnswerRule(dataset: "topic_retrieval_longchat"), .topicRetrieval)
        XCTAssertEqual(LEval.AnswerRule(dataset: "sci_fi"), .judge)
        XCTAssertEqual(LEval.AnswerRule(dataset: "narrative_qa"), .plain)
        XCTAssertEqual(Set(LEval.reportColumns).subtracting(LEval.closedEndedTasks), [])
    }

    func testDatasetScores() throws {
        let coursera = [LEvalRecord(prediction: "AB", groundTruth: "AB", evaluation: "exam"),
                        LEvalRecord(prediction: "A", groundTruth: "AB", evaluation: "exam"),
                        LEvalRecord(prediction: "C", groundTruth: "AB", evaluation: "exam"),
                        LEvalRecord(prediction: "whatever", groundTruth: "B", evaluation: "human")]
        let score = try XCTUnwrap(LEval.score(dataset: "coursera", records: coursera))
        XCTAssertEqual(score.score, 41.6667)          // (1 + 0.25 + 0) / 3
        XCTAssertEqual(score.sampleCount, 3)
        XCTAssertEqual(score.evaluation, .exam)

        let gsm = [LEvalRecord(prediction: "so The answer is 42.", groundTruth: "6 * 7 = 42\nThe answer is 42", evaluation: "exam"),
                   LEvalRecord(prediction: "I don't know", groundTruth: "The answer is 1", evaluation: "exam")]
        XCTAssertEqual(try LEval.score(dataset: "gsm100", records: gsm)?.score, 50)

        let topics = (0..<6).map { i in
            LEvalRecord(prediction: i < 3 ? "The topic was Cooking" : "no idea", groundTruth: "cooking", evaluation: "exam")
        }
        let topicScore = try XCTUnwrap(LEval.score(dataset: "topic_retrieval_longchat", records: topics))
        XCTAssertEqual(topicScore.parts.map(\.name), ["topic_retrieval_longchat_1", "topic_retrieval_longchat_2", "topic_retrieval_longchat_3"])
        XCTAssertEqual(topicScore.parts.map(\.value), [50, 50, 50])
        XCTAssertEqual(topicScore.score, 50)

        let sciFi = [LEvalRecord(prediction: "True [fact: False]", groundTruth: "True [fact: False]", evaluation: "exam"),
                     LEvalRecord(prediction: "False [fact: False]", groundTruth: "True [fact: True]", evaluation: "exam")]
        let sciFiScore = try XCTUnwrap(LEval.score(dataset: "sci_fi", records: sciFi))
        XCTAssertEqual(sciFiScore.parts.map(\.value), [50, 50])
        XCTAssertEqual(sciFiScore.score, 50)

        let qa = [LEvalRecord(prediction: "The cat sat", groundTruth: "a cat sat down", evaluation: "f1")]
        XCTAssertEqual(try LEval.score(dataset: "narrative_qa", records: qa)?.score, 80)

        let summary = [LEvalRecord(prediction: "The cat sat", groundTruth: "the cat sat down", evaluation: "rouge")]
        let rouge = try XCTUnwrap(LEval.score(dataset: "news_summ", records: summary))
        XCTAssertEqual(rouge.parts.map(\.name), ["rouge1", "rouge2", "rougeL", "geometric_mean"])
        XCTAssertEqual(rouge.parts[0].value, 85.7143)
        XCTAssertEqual(rouge.parts[1].value, 80)
        let perSample = LEvalMetrics.rouge(prediction: "The cat sat", groundTruth: "the cat sat down")
        let geometric = Foundation.pow((perSample.rouge1 * 100) * (perSample.rouge2 * 100) * (perSample.rougeL * 100), 1.0 / 3.0)
        XCTAssertEqual(rouge.score, PythonText.round(geometric, digits: 4))
    }

    func testDatasetScoreErrors() throws {
        XCTAssertNil(try LEval.score(dataset: "x", records: [LEvalRecord(prediction: "", groundTruth: "", evaluation: "LLM")]))
        XCTAssertThrowsError(try LEval.score(dataset: "x", records: [LEvalRecord(prediction: "", groundTruth: "", evaluation: "bleu")])) { error in
            XCTAssertEqual(error as? LEvalError, .unsupportedEvaluation("bleu"))
        }
        let mixed = [LEvalRecord(prediction: "", groundTruth: "a", evaluation: "f1"), LEvalRecord(prediction: "", groundTruth: "a", evaluation: "exam")]
        XCTAssertThrowsError(try LEval.score(dataset: "x", records: mixed)) { error in
            XCTAssertEqual("\(error)", "L-Eval dataset 'x' mixes evaluations f1, exam")
        }
        XCTAssertThrowsError(try LEval.score(dataset: "sci_fi", records: [LEvalRecord(prediction: "True", groundTruth: "True", evaluation: "exam")]))
        XCTAssertThrowsError(try LEval.score(dataset: "quality", records: [LEvalRecord(prediction: "A", groundTruth: "", evaluation: "exam")]))
    }

    // MARK: Against the reference's numbers

    func testExtractionMatchesReference() {
        for item in ReferenceMetricCases.multipleChoice {
            XCTAssertEqual(LEvalAnswerExtraction.multipleChoiceOutput(item.response, isCoursera: true), item.coursera, item.response.debugDescription)
            XCTAssertEqual(LEvalAnswerExtraction.multipleChoiceOutput(item.response, isCoursera: false), item.other, item.response.debugDescription)
        }
        for item in ReferenceMetricCases.math {
            XCTAssertEqual(LEvalAnswerExtraction.mathAnswer(item.response), item.answer, item.response.debugDescription)
        }
        for item in ReferenceMetricCases.code {
            XCTAssertEqual(LEvalAnswerExtraction.codeOutput(item.response, truth: item.truth), item.output, item.response.debugDescription)
            XCTAssertEqual(LEvalAnswerExtraction.codeTruth(item.truth), item.processedTruth, item.truth.debugDescription)
        }
    }

    func testMetricsMatchReference() {
        for item in ReferenceMetricCases.textPairs {
            let label = "\(item.prediction.debugDescription) vs \(item.truth.debugDescription)"
            let rouge = LEvalMetrics.rouge(prediction: item.prediction, groundTruth: item.truth)
            XCTAssertEqual([rouge.rouge1, rouge.rouge2, rouge.rougeL], item.lEvalRouge, label)
            XCTAssertEqual(LEvalMetrics.exactMatch(prediction: item.prediction, groundTruth: item.truth), item.exactMatch, label)
        }
    }
}
