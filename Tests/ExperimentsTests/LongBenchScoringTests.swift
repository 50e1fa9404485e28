import XCTest
@testable import Experiments

/// LongBench's dataset-level scoring: metric table, first-line rule, best ground truth, averages.
final class LongBenchScoringTests: XCTestCase {
    func testMetricTable() throws {
        XCTAssertEqual(LongBench.datasetMetrics.count, 21)
        XCTAssertEqual(try LongBench.metric(for: "narrativeqa"), .qaF1)
        XCTAssertEqual(try LongBench.metric(for: "multifieldqa_zh"), .qaF1Chinese)
        XCTAssertEqual(try LongBench.metric(for: "dureader"), .rougeChinese)
        XCTAssertEqual(try LongBench.metric(for: "vcsum"), .rougeChinese)
        XCTAssertEqual(try LongBench.metric(for: "gov_report"), .rouge)
        XCTAssertEqual(try LongBench.metric(for: "samsum"), .rouge)
        XCTAssertEqual(try LongBench.metric(for: "trec"), .classification)
        XCTAssertEqual(try LongBench.metric(for: "lsht"), .classification)
        XCTAssertEqual(try LongBench.metric(for: "triviaqa"), .qaF1)
        XCTAssertEqual(try LongBench.metric(for: "passage_retrieval_en"), .retrieval)
        XCTAssertEqual(try LongBench.metric(for: "passage_retrieval_zh"), .retrievalChinese)
        XCTAssertEqual(try LongBench.metric(for: "passage_count"), .count)
        XCTAssertEqual(try LongBench.metric(for: "lcc"), .codeSimilarity)
        XCTAssertEqual(try LongBench.metric(for: "repobench-p"), .codeSimilarity)
        XCTAssertEqual(Set(LongBench.datasetMetrics.keys), Set(LongBench.datasetSampleCounts.keys))
        XCTAssertTrue(Set(LongBench.reportColumns).isSubset(of: Set(LongBench.datasetMetrics.keys)))
        XCTAssertThrowsError(try LongBench.metric(for: "nope")) { error in
            XCTAssertEqual(error as? LongBenchError, .unknownDataset("nope"))
            XCTAssertTrue("\(error)".hasPrefix("unknown LongBench dataset 'nope'; known: 2wikimqa, dureader"))
        }
        XCTAssertEqual(LongBenchMetric(rawValue: "code_sim_score"), .codeSimilarity)
    }

    func testFirstLineRule() throws {
        XCTAssertEqual(LongBench.firstLine("\n\nLocation\nDescription"), "Location")
        XCTAssertEqual(LongBench.firstLine(""), "")
        // trec cuts to the first line, so the second class no longer counts against it.
        let classes = ["Location", "Description"]
        XCTAssertEqual(try LongBench.sampleScore(dataset: "trec", prediction: "\nLocation\nDescription", groundTruths: ["Location"],
                                                 allClasses: classes), 1)
        // qasper has no such rule: F1 of "paris london" against "paris".
        XCTAssertEqual(try LongBench.sampleScore(dataset: "qasper", prediction: "paris\nlondon", groundTruths: ["paris"]),
                       2 * 0.5 / 1.5, accuracy: 1e-15)
        // triviaqa: the answer on the second line is ignored.
        XCTAssertEqual(try LongBench.sampleScore(dataset: "triviaqa", prediction: "I think\nParis", groundTruths: ["Paris"]), 0)
    }

    func testBestOfGroundTruths() throws {
        XCTAssertEqual(try LongBench.sampleScore(dataset: "hotpotqa", prediction: "New York City",
                                                 groundTruths: ["Boston", "New York City", "NYC"]), 1)
        XCTAssertEqual(try LongBench.sampleScore(dataset: "hotpotqa", prediction: "x", groundTruths: []), 0)
    }

    func testDatasetScoreRoundsLikePython() throws {
        let samples = [LongBenchSample(prediction: "12", answers: ["12"]),
                       LongBenchSample(prediction: "3", answers: ["12"]),
                       LongBenchSample(prediction: "12 13", answers: ["12"])]
        XCTAssertEqual(try LongBench.score(dataset: "passage_count", samples: samples), 50.0)
        let thirds = [LongBenchSample(prediction: "12", answers: ["12"]), LongBenchSample(prediction: "1", answers: ["12"]),
                      LongBenchSample(prediction: "1", answers: ["12"])]
        XCTAssertEqual(try LongBench.score(dataset: "passage_count", samples: thirds), 33.33)
        XCTAssertTrue(try LongBench.score(dataset: "passage_count", samples: []).isNaN)
        XCTAssertThrowsError(try LongBench.score(dataset: "unknown", samples: thirds))
    }

    func testLengthBuckets() throws {
        XCTAssertEqual(LongBench.LengthBucket(length: 3999), .upTo4k)
        XCTAssertEqual(LongBench.LengthBucket(length: 4000), .from4kTo8k)
        XCTAssertEqual(LongBench.LengthBucket(length: 7999), .from4kTo8k)
        XCTAssertEqual(LongBench.LengthBucket(length: 8000), .from8k)
        let samples = [LongBenchSample(prediction: "7", answers: ["7"], length: 100),
                       LongBenchSample(prediction: "8", answers: ["7"], length: 3999),
                       LongBenchSample(prediction: "7", answers: ["7"], length: 4000)]
        let scores = try LongBench.scoreByLength(dataset: "passage_count", samples: samples)
        XCTAssertEqual(scores[.upTo4k], 50)
        XCTAssertEqual(scores[.from4kTo8k], 100)
        XCTAssertEqual(scores[.from8k]?.isNaN, true)
        XCTAssertEqual(LongBench.LengthBucket.allCases.map(\.rawValue), ["0-4k", "4-8k", "8k+"])
    }

    func testAnnotatedScore() {
        XCTAssertEqual(LongBench.annotatedScore(45.2, dataset: "qasper", sampleCount: 150), "45.2(150/200)")
        XCTAssertEqual(LongBench.annotatedScore(45.0, dataset: "qasper", sampleCount: 200), "45.0")
        XCTAssertEqual(LongBench.annotatedScore(45.0, dataset: "multifieldqa_en", sampleCount: 150), "45.0")
        XCTAssertEqual(LongBench.annotatedScore(1, dataset: "custom", sampleCount: 1), "1.0")
    }

    func testPythonRounding() {
        XCTAssertEqual(PythonText.round(33.333333, digits: 2), 33.33)
        XCTAssertEqual(PythonText.round(2.675, digits: 2), 2.67)     // 2.675 is 2.67499999… in binary
        XCTAssertEqual(PythonText.round(0.125, digits: 2), 0.12)     // exact tie → even
        XCTAssertEqual(PythonText.round(0.375, digits: 2), 0.38)
        XCTAssertTrue(PythonText.round(.nan, digits: 2).isNaN)
    }

    func testNumpyPairwiseSum() {
        // Below 8 elements: plain left-to-right sum.
        XCTAssertEqual(NumpySum.pairwise([0.1, 0.2, 0.3]), (0.1 + 0.2) + 0.3)
        // 8…128 elements: eight running sums combined as a tree, then the remainder.
        let values = (1...11).map { 1.0 / Double($0) }
        var r = Array(values[0..<8])
        let tree = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        r = []
        XCTAssertEqual(NumpySum.pairwise(values), ((tree + values[8]) + values[9]) + values[10])
        // Above 128: split at a multiple of 8 and recurse; the total is still the sum.
        let many = (0..<1000).map { Double($0 % 7) * 0.25 }
        XCTAssertEqual(NumpySum.pairwise(many), many.reduce(0, +))
        XCTAssertEqual(NumpySum.pairwise([]), 0)
    }

    func testPythonFloatParsing() {
        func parse(_ text: String) -> Double? { PythonText.parseFloat(PythonText.scalars(text)) }
        XCTAssertEqual(parse(" 12 "), 12)
        XCTAssertEqual(parse("1_000.5"), 1000.5)
        XCTAssertEqual(parse("-Infinity"), -.infinity)
        XCTAssertEqual(parse(".5"), 0.5)
        XCTAssertEqual(parse("5."), 5)
        XCTAssertEqual(parse("١٢"), 12)
        XCTAssertEqual(parse("nan")?.isNaN, true)
        for invalid in ["", " ", "1__0", "_1", "1_", "0x10", "++1", "1e", "e5", ".", "1.2.3", "12a"] {
            XCTAssertNil(parse(invalid), invalid)
        }
    }
}
