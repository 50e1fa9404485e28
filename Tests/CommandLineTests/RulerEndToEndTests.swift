import Foundation
import XCTest

/// The tiny RULER configs (expcfg/tiny/ruler_*.toml: every task, one 1024-token sample, window
/// cut to 512) through `gali run`, `eval` and `collect` for the original model and GALI; the
/// other methods' configs are checked (planned and loaded). Skipped when the default model is
/// absent.
final class RulerEndToEndTests: XCTestCase {
    var results: String!

    override func setUpWithError() throws {
        guard Tool.modelPath != nil else { throw XCTSkip("the default model is not available (gali fetch-model)") }
        results = try Tool.temporaryDirectory("ruler-e2e")
    }

    override func tearDownWithError() throws {
        if let results { try? FileManager.default.removeItem(atPath: results) }
    }

    func run(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) -> ToolRun {
        let run = Tool.run(arguments + ["--workdir", Tool.repositoryRoot, "--results", results])
        XCTAssertEqual(run.status, 0, "gali \(arguments.joined(separator: " ")):\n\(run.errors)", file: file, line: line)
        return run
    }

    func testEveryTaskRunsAndEvaluatesWithIntervals() throws {
        let tasks = ["niah_single_1", "niah_single_2", "niah_single_3", "niah_multikey_1", "niah_multikey_2", "niah_multikey_3",
                     "niah_multivalue", "niah_multiquery", "vt", "cwe", "fwe", "qa_1", "qa_2"]
        for method in ["original", "gali"] {
            let output = run(["run", "--cfg", "expcfg/tiny/ruler_\(method).toml"])
            XCTAssertTrue(output.output.contains("prompts/hour"), output.output)
            let folder = "\(results!)/ruler/pred/tiny-ruler-\(method)"
            let records = try String(contentsOfFile: folder + "/records.jsonl", encoding: .utf8).split(separator: "\n")
                .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            XCTAssertEqual(records.compactMap { $0["task"] as? String }, tasks)
            for record in records {
                let tokens = try XCTUnwrap(record["prompt_tokens"] as? Int)
                XCTAssertLessThanOrEqual(tokens, 1024, "\(record)")
                XCTAssertGreaterThan(tokens, 500, "\(record)")
                let score = try XCTUnwrap((record["score"] as? NSNumber)?.doubleValue)
                XCTAssertTrue((0...1).contains(score))
                XCTAssertFalse((record["outputs"] as? [String] ?? []).isEmpty)
            }
        }
        for method in ["linear", "ntk", "dynamic_ntk", "yarn", "self_extend", "chunk_llama"] {
            let check = run(["run", "--cfg", "expcfg/tiny/ruler_\(method).toml", "--check"])
            XCTAssertTrue(check.output.contains("13 work items; config OK"), check.output)
        }
        let eval = run(["eval", "--task", "ruler", "--exp", "tiny-ruler-gali"])
        XCTAssertTrue(eval.output.contains("| niah_multikey_3 ") && eval.output.contains("n=1"), eval.output)
        let result = try Tool.json("\(results!)/ruler/pred/tiny-ruler-gali/result.json")
        let intervals = try XCTUnwrap(result["intervals"] as? [String: [String: Any]])
        XCTAssertEqual(intervals["1024"]?["n"] as? Int, 13)
        let perTask = try XCTUnwrap(result["tasks"] as? [String: [String: [String: Any]]])
        XCTAssertEqual(Set(perTask.keys), Set(tasks))

        _ = run(["collect", "--task", "ruler", "--exp", "all"])
        let table = try String(contentsOfFile: "\(results!)/ruler/collect.md", encoding: .utf8)
        XCTAssertTrue(table.contains("1024 95% CI") && table.contains("tiny-ruler-original"), table)
        let chart = try String(contentsOfFile: "\(results!)/ruler/accuracy_vs_length.svg", encoding: .utf8)
        XCTAssertTrue(chart.contains("RULER score"), chart)
    }
}
