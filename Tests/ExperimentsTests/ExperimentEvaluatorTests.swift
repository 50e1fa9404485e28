import Foundation
import XCTest
@testable import Experiments

/// Metrics from saved records, per task, and collected tables and charts.
final class ExperimentEvaluatorTests: XCTestCase {
    var root: String!

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "evaluator-" + UUID().uuidString
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// An experiment of `task` named `name` holding `records` (all planned), window 8, max_pe 16.
    @discardableResult
    func experiment<Record: TaskRecord>(_ task: ExperimentTaskKind, _ name: String, label: String? = nil, _ records: [Record]) throws -> ExperimentStore {
        let store = try ExperimentStore(resultsRoot: root, task: task, name: name)
        try FileManager.default.createDirectory(atPath: store.directory, withIntermediateDirectories: true)
        let config = try ExperimentConfig(parsing: "task = \"pg19\"\nexp_name = \"\(name)\"\nmethod = \"original\"\nmax_pe = 16\nstride = 4\n")
        let description = RunDescription(task: task.name, experiment: name, label: label ?? name, method: "original", parameters: [:],
                                         model: "m", originalWindow: 8, maxPE: 16, seed: 42, precision: "fast", chatFormat: "none",
                                         systemPrompt: "", test: false)
        try ExperimentStore.writeAtomically(try SavedConfig.text(config: config, resolved: description, fingerprint: "f"), to: store.configPath)
        try store.savePlan(records.map(\.item))
        let log = try RecordLog(path: store.recordsPath(shard: nil))
        let encoder = JSONEncoder()
        for record in records { try log.append(String(decoding: try encoder.encode(record), as: UTF8.self)) }
        return store
    }

    func testPerplexityByCumulativeLength() throws {
        // File a: 2048 losses of 1.0 then 1024 of 2.0; file b: 1030 losses of 0.5 (reaches 1024
        // only; 2048 > 1030 + 20).
        let a = PerplexityTask.Record(item: "file:a", fileName: "a", tokens: 3073, scoring: "whole", stride: nil,
                                      logProbList: [Float](repeating: 1, count: 2048) + [Float](repeating: 2, count: 1024), seconds: 1)
        let b = PerplexityTask.Record(item: "file:b", fileName: "b", tokens: 1031, scoring: "stride", stride: 512,
                                      logProbList: [Float](repeating: 0.5, count: 1030), seconds: 1)
        let store = try experiment(.pg19, "ppl", [a, b])
        let result = try ExperimentEvaluator.evaluate(store)
        XCTAssertEqual(result.columns.map(\.name), ["1024", "2048", "3072", "all"])
        XCTAssertEqual(try XCTUnwrap(result.value("1024")), (exp(1.0) + exp(0.5)) / 2, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(result.value("2048")), exp(1.0), accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(result.value("3072")), exp((2048.0 + 2048.0) / 3072), accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(result.value("all")), (exp(4096.0 / 3072) + exp(0.5)) / 2, accuracy: 1e-9)
        XCTAssertEqual(result.metric, "ppl")
        let written = try ExperimentEvaluator.write(result, to: store)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: written[0]))) as? [String: Any])
        XCTAssertEqual(json["complete"] as? Bool, true)
        XCTAssertEqual((json["columns"] as? [String: Any])?.count, 4)
    }

    func needleRecord(_ length: Int, _ depth: Double, _ trial: Int, _ correct: Bool) -> NeedleTask.Record {
        NeedleTask.Record(item: "\(length):\(depth):\(trial)", contextLength: "\(length / 1000)k", length: length, depthPercent: depth,
                          trial: trial, answer: "123456", pred: correct ? "123456" : "no", correct: correct, promptTokens: length,
                          finalLen: length + 5, seconds: 1)
    }

    func testNeedleGridAndHeatmap() throws {
        let records = [needleRecord(2000, 50, 0, true), needleRecord(2000, 50, 1, false), needleRecord(2000, 100, 0, true),
                       needleRecord(2000, 100, 1, true), needleRecord(4000, 50, 0, false), needleRecord(4000, 50, 1, false),
                       needleRecord(4000, 100, 0, true), needleRecord(4000, 100, 1, false)]
        let store = try experiment(.needle, "needle", records)
        let result = try ExperimentEvaluator.evaluate(store)
        XCTAssertEqual(result.columns.map(\.name), ["2k", "4k"])
        XCTAssertEqual(result.columns.map(\.value), [0.75, 0.25])
        let grid = try XCTUnwrap(NeedleTask.needleGrid(result))
        XCTAssertEqual(grid.contextLengths, [2000, 4000])
        XCTAssertEqual(grid.depthPercents, [50, 100])
        XCTAssertEqual(grid.values, [[0.5, 0], [1, 0.5]])
        let files = try ExperimentEvaluator.write(result, to: store)
        XCTAssertEqual(files.count, 2)
        let svg = try String(contentsOfFile: files[1], encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"))
        XCTAssertTrue(svg.contains("0.50"))
    }

    func testLongBenchScoresAndWindowVariants() throws {
        let records = [
            LongBenchTask.Record(item: "hotpotqa:0", dataset: "hotpotqa", index: 0, id: nil, pred: "Paris", answers: ["Paris"], allClasses: [],
                                 length: 100, prefillLen: 20, finalLen: 22, truncated: false, seconds: 1),
            LongBenchTask.Record(item: "hotpotqa:1", dataset: "hotpotqa", index: 1, id: nil, pred: "the city of Rome", answers: ["Rome"],
                                 allClasses: [], length: 100, prefillLen: 5, finalLen: 7, truncated: false, seconds: 1),
            LongBenchTask.Record(item: "trec:0", dataset: "trec", index: 0, id: nil, pred: "\nLocation\nType: Human", answers: ["Location"],
                                 allClasses: ["Human", "Location"], length: 100, prefillLen: 9, finalLen: 12, truncated: false, seconds: 1),
        ]
        let result = try ExperimentEvaluator.evaluate(try experiment(.longbench, "lb", records))
        XCTAssertEqual(result.columns.map(\.name), ["hotpotqa", "trec"])
        XCTAssertEqual(result.value("hotpotqa"), 75)   // F1 1 and 0.5
        XCTAssertEqual(result.value("trec"), 100)      // first-line rule
        let original = try XCTUnwrap(result.details.first { $0.key == "scores_o" }?.json)
        XCTAssertEqual(original, "{\"hotpotqa\": 100, \"trec\": 100}")   // prefill ≥ window 8
        let target = try XCTUnwrap(result.details.first { $0.key == "scores_t" }?.json)
        XCTAssertEqual(target, "{\"hotpotqa\": 100, \"trec\": null}")    // prefill ≥ max_pe 16
    }

    func testLEvalScores() throws {
        func record(_ dataset: String, _ index: Int, _ pred: String, _ gt: String, _ evaluation: String = "exam") -> LEvalTask.Record {
            LEvalTask.Record(item: "\(dataset):\(index):0", dataset: dataset, recordIndex: index, instructionIndex: 0, query: "q", gt: gt,
                             prompt: "p", pred: pred, evaluation: evaluation, prefillLen: 10, finalLen: 12, finalLenFact: nil,
                             documentTokens: 5, seconds: 1)
        }
        let records = [record("coursera", 0, "AC", "AC"), record("coursera", 1, "B", "D"),
                       record("gsm100", 0, "so 3 + 4 = 7. The answer is 7", "The answer is 7"),
                       record("sci_fi", 0, "True [fact: False]", "True [fact: False]")]
        let result = try ExperimentEvaluator.evaluate(try experiment(.leval, "le", records))
        XCTAssertEqual(result.value("coursera"), 50)
        XCTAssertEqual(result.value("gsm100"), 100)
        XCTAssertEqual(result.value("sci_fi"), 100)
    }

    func testRulerScoresPerTaskAndLengthWithIntervals() throws {
        func record(_ task: String, _ length: Int, _ index: Int, _ score: Double) -> RulerTask.Record {
            RulerTask.Record(item: "\(task):\(length):\(index)", task: task, length: length, sample: index, outputs: ["x"], pred: "p",
                             score: score, promptTokens: length - 100, reusedTokens: 10, seconds: 2)
        }
        let records = [record("niah_single_1", 4096, 0, 1), record("niah_single_1", 4096, 1, 0),
                       record("cwe", 4096, 0, 0.5), record("cwe", 4096, 1, 0.7),
                       record("niah_single_1", 8192, 0, 1), record("cwe", 8192, 0, 0.2)]
        let result = try ExperimentEvaluator.evaluate(try experiment(.ruler, "r", records))
        XCTAssertEqual(result.columns.map(\.name), ["4096", "8192"])
        // Mean over tasks of the task means: (0.5 + 0.6) / 2 and (1 + 0.2) / 2.
        XCTAssertEqual(try XCTUnwrap(result.value("4096")), 0.55, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(result.value("8192")), 0.6, accuracy: 1e-12)
        XCTAssertEqual(result.intervals["4096"], WilsonInterval(successes: 2.2, trials: 4))
        XCTAssertEqual(result.intervals["8192"]?.trials, 2)
        XCTAssertEqual(result.breakdown?["cwe", "4096"], .text("0.600 [0.13, 0.94] n=2"))
        XCTAssertEqual(result.details.first { $0.key == "prompts_per_hour" }?.json, "1800")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.jsonText().utf8)) as? [String: Any])
        let tasks = try XCTUnwrap(json["tasks"] as? [String: [String: [String: Double]]])
        XCTAssertEqual(tasks["niah_single_1"]?["4096"]?["score"], 0.5)
        XCTAssertEqual(tasks["niah_single_1"]?["4096"]?["n"], 2)
        XCTAssertNotNil((json["intervals"] as? [String: Any])?["8192"])
    }

    func testCollectTablesAndCharts() throws {
        func passkey(_ name: String, _ label: String, tokens: Int, correct: [Bool]) throws {
            let records = correct.enumerated().map { index, right in
                PassKeyTask.Record(item: "trial:\(index)", trial: index, answer: "42", pred: right ? "42" : "-", correct: right,
                                   promptTokens: tokens, keyPosition: 0, finalLen: tokens + 3, seconds: 1)
            }
            try experiment(.passkey, name, label: label, records)
        }
        try passkey("gali-4k", "gali", tokens: 3990, correct: [true, true, false])
        try passkey("gali-8k", "gali", tokens: 7990, correct: [true, false, false])
        try passkey("ntk-4k", "ntk", tokens: 3990, correct: [true, true, true])
        let collection = try ResultCollector.collect(resultsRoot: root, task: .passkey)
        XCTAssertEqual(collection.table.rows, ["gali", "ntk"])
        XCTAssertEqual(collection.table.columns, ["4k", "4k 95% CI", "8k", "8k 95% CI"])
        XCTAssertEqual(collection.table["gali", "8k"], .number(1.0 / 3.0))
        XCTAssertEqual(collection.table["gali", "8k 95% CI"], .text("[0.06, 0.79] n=3"))
        XCTAssertEqual(collection.table["ntk", "4k 95% CI"], .text("[0.44, 1.00] n=3"))
        XCTAssertEqual(collection.table["ntk", "8k"], .missing)
        XCTAssertTrue(collection.table.csv().hasPrefix("experiment,4k,4k 95% CI,8k,8k 95% CI\r\n"))
        let chart = try XCTUnwrap(ResultCollector.chart(collection))
        XCTAssertEqual(chart.series.map(\.name), ["gali", "ntk"])
        XCTAssertEqual(chart.series[0].points.map(\.x), [4096, 8192])
        XCTAssertEqual(chart.series[0].band.map(\.lower).map { ($0 * 100).rounded() / 100 }, [0.21, 0.06])
        XCTAssertTrue(chart.svg().contains("<svg") && chart.svg().contains("class=\"band\""))
        XCTAssertEqual(try ResultCollector.collect(resultsRoot: root, task: .passkey, columns: ["8k"]).table.columns, ["8k", "8k 95% CI"])

        // Two experiments claiming the same cell are an error; an incomplete one is refused or skipped.
        try passkey("gali-4k-again", "gali", tokens: 4000, correct: [true])
        XCTAssertThrowsError(try ResultCollector.collect(resultsRoot: root, task: .passkey)) { error in
            XCTAssertTrue("\(error)".contains("both give 4k"), "\(error)")
        }
        try FileManager.default.removeItem(atPath: root + "/passkey/pred/gali-4k-again")
        let incomplete = try ExperimentStore(resultsRoot: root, task: .passkey, name: "ntk-4k")
        try Data().write(to: URL(fileURLWithPath: incomplete.recordsPath(shard: nil)))
        XCTAssertThrowsError(try ResultCollector.collect(resultsRoot: root, task: .passkey)) { error in
            XCTAssertTrue("\(error)".contains("ntk-4k"), "\(error)")
        }
        let skipping = try ResultCollector.collect(resultsRoot: root, task: .passkey, skipIncomplete: true)
        XCTAssertEqual(skipping.skipped.map(\.experiment), ["ntk-4k"])
        XCTAssertEqual(skipping.table.rows, ["gali"])
    }
}
