import Foundation
import XCTest

/// Every tiny example config (expcfg/tiny: each task × each method, windows cut to 512 tokens so
/// that ~600–1000-token inputs extrapolate) run through `gali run`, `eval` and `collect` on the
/// default model; plus resuming a killed run, suffixing, shards and `gali analyze`. Skipped
/// when the default model is absent.
final class ExperimentEndToEndTests: XCTestCase {
    static let methods = ["original", "linear", "ntk", "dynamic_ntk", "yarn", "self_extend", "chunk_llama", "gali"]
    static let tasks = ["pg19", "passkey", "needle", "longbench", "leval"]

    var results: String!

    override func setUpWithError() throws {
        guard Tool.modelPath != nil else { throw XCTSkip("the default model is not available (gali fetch-model)") }
        results = try Tool.temporaryDirectory("e2e")
    }

    override func tearDownWithError() throws {
        if let results { try? FileManager.default.removeItem(atPath: results) }
    }

    func run(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) -> ToolRun {
        let run = Tool.run(arguments + ["--workdir", Tool.repositoryRoot, "--results", results])
        XCTAssertEqual(run.status, 0, "gali \(arguments.joined(separator: " ")):\n\(run.errors)", file: file, line: line)
        return run
    }

    func config(_ task: String, _ method: String) -> String { "expcfg/tiny/\(task)_\(method).toml" }

    func testEveryTaskAndMethod() throws {
        for task in ExperimentEndToEndTests.tasks {
            for method in ExperimentEndToEndTests.methods {
                _ = run(["run", "--cfg", config(task, method)])
                let folder = "\(results!)/\(task)/pred/tiny-\(task)-\(method)"
                for file in ["config.json", "plan.json", "records.jsonl"] {
                    XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/" + file), "\(folder)/\(file)")
                }
                let resolved = try XCTUnwrap(try Tool.json(folder + "/config.json")["resolved"] as? [String: Any])
                XCTAssertEqual(resolved["original_window"] as? Int, 512)
                XCTAssertEqual(resolved["method"] as? String, method)
            }
            let collect = run(["collect", "--task", task, "--exp", "all"])
            XCTAssertTrue(collect.output.contains("wrote "), collect.output)
            for method in ExperimentEndToEndTests.methods {
                let result = try Tool.json("\(results!)/\(task)/pred/tiny-\(task)-\(method)/result.json")
                XCTAssertEqual(result["complete"] as? Bool, true, "\(task) \(method)")
                let columns = try XCTUnwrap(result["columns"] as? [String: Any], "\(task) \(method)")
                let values = columns.values.compactMap { ($0 as? NSNumber)?.doubleValue }
                XCTAssertEqual(values.count, columns.count, "\(task) \(method): \(columns)")
                switch task {
                case "pg19":
                    let ppl = try XCTUnwrap((columns["all"] as? NSNumber)?.doubleValue)
                    XCTAssertTrue(ppl > 1 && ppl < 5000, "\(method) perplexity \(ppl)")
                case "passkey", "needle":
                    XCTAssertEqual(columns.count, 1, "\(task) \(method): \(columns)")
                    XCTAssertTrue(values.allSatisfy { (0...1).contains($0) }, "\(task) \(method): \(columns)")
                case "longbench":
                    XCTAssertEqual(columns.count, 9, "\(method): \(columns)")
                    XCTAssertTrue(values.allSatisfy { (0...100).contains($0) }, "\(method): \(columns)")
                default:
                    XCTAssertEqual(columns.count, 8, "\(method): \(columns)")
                    XCTAssertTrue(values.allSatisfy { (0...100).contains($0) }, "\(method): \(columns)")
                }
            }
            let table = try String(contentsOfFile: "\(results!)/\(task)/collect.md", encoding: .utf8)
            for method in ExperimentEndToEndTests.methods { XCTAssertTrue(table.contains("tiny-\(task)-\(method)"), table) }
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(results!)/\(task)/collect.csv"))
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(results!)/pg19/ppl_vs_length.svg"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(results!)/needle/accuracy_vs_length.svg"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(results!)/needle/pred/tiny-needle-gali/needle_heatmap.svg"))
    }

    /// A run killed in the middle of writing its second record resumes with exactly the missing
    /// item; without --resume the experiment name gets the reference's suffix.
    func testResumeAfterKilledRunAndSuffix() throws {
        _ = run(["run", "--cfg", config("needle", "ntk")])
        let folder = "\(results!)/needle/pred/tiny-needle-ntk"
        let records = folder + "/records.jsonl"
        let complete = try String(contentsOfFile: records, encoding: .utf8)
        let lines = complete.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2)
        // Simulate kill -9 while the second record was being written.
        try (lines[0] + "\n" + lines[1].prefix(lines[1].count / 2)).write(toFile: records, atomically: false, encoding: .utf8)
        let incomplete = Tool.run(["eval", "--task", "needle", "--exp", "tiny-needle-ntk", "--results", results])
        XCTAssertNotEqual(incomplete.status, 0)
        XCTAssertTrue(incomplete.errors.contains("1 of 2 items have no record"), incomplete.errors)
        XCTAssertTrue(incomplete.errors.contains("partial record"), incomplete.errors)

        let resumed = run(["run", "--cfg", config("needle", "ntk"), "--resume"])
        XCTAssertTrue(resumed.output.contains("1 item(s) run in ") && resumed.output.contains("trials/hour), 1 already done"), resumed.output)
        XCTAssertTrue(resumed.errors.contains("dropped a partial last record"), resumed.errors)
        let after = try String(contentsOfFile: records, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(after.count, 2)
        XCTAssertEqual(after[0], lines[0])
        func withoutTime(_ line: String) throws -> NSDictionary {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return object.filter { $0.key != "seconds" } as NSDictionary
        }
        XCTAssertEqual(try withoutTime(after[1]), try withoutTime(lines[1]))   // greedy: the same answer again
        _ = run(["eval", "--task", "needle", "--exp", "tiny-needle-ntk"])

        // Nothing left: resuming again runs nothing; a plain run never overwrites.
        XCTAssertTrue(run(["run", "--cfg", config("needle", "ntk"), "--resume"]).output.contains("0 item(s) run, 2 already done"))
        let fresh = run(["run", "--cfg", config("pg19", "ntk")])
        XCTAssertTrue(fresh.output.contains("/tiny-pg19-ntk:"), fresh.output)
        let second = run(["run", "--cfg", config("pg19", "ntk")])
        XCTAssertTrue(second.output.contains("/tiny-pg19-ntk_1:"), second.output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(results!)/pg19/pred/tiny-pg19-ntk/records.jsonl"))
    }

    /// Two shards into one folder: eval refuses until both are done, then merges them.
    func testShardsMergeAndRefuseWhenIncomplete() throws {
        _ = run(["run", "--cfg", config("needle", "yarn"), "--shard", "1/2"])
        let folder = "\(results!)/needle/pred/tiny-needle-yarn"
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/records.shard-1-of-2.jsonl"))
        let early = Tool.run(["eval", "--task", "needle", "--exp", "tiny-needle-yarn", "--results", results])
        XCTAssertNotEqual(early.status, 0)
        XCTAssertTrue(early.errors.contains("shard file(s) missing: 0/2"), early.errors)
        _ = run(["run", "--cfg", config("needle", "yarn"), "--shard", "0/2"])
        let eval = run(["eval", "--task", "needle", "--exp", "tiny-needle-yarn", "--json"])
        let result = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(eval.output.utf8)) as? [String: Any])
        XCTAssertEqual(result["recorded_items"] as? Int, 2)
        XCTAssertEqual(result["complete"] as? Bool, true)
        let again = Tool.run(["run", "--cfg", config("needle", "yarn"), "--shard", "0/2", "--workdir", Tool.repositoryRoot, "--results", results])
        XCTAssertTrue(again.errors.contains("add --resume"), again.errors)
    }

    func testAnalyzeWritesHeatmaps() throws {
        let out = results + "/analysis"
        let analyze = run(["analyze", "--cfg", config("pg19", "gali"), "--length", "600", "--resolution", "40", "--layers", "0,29",
                           "--out", out])
        XCTAssertTrue(analyze.output.contains("attention_scores.svg"), analyze.output)
        for quantity in ["logits", "scores"] {
            let svg = try String(contentsOfFile: "\(out)/attention_\(quantity).svg", encoding: .utf8)
            XCTAssertTrue(svg.contains("<svg"))
            let grid = try Tool.json("\(out)/attention_\(quantity).json")
            XCTAssertEqual(grid["length"] as? Int, 600)
            XCTAssertEqual((grid["values"] as? [Any])?.count, 40)
        }
    }

    /// The tiny RULER configs (every task, one 1024-token sample, window cut to 512) through
    /// `run`, `eval` and `collect` for the original model and GALI; the other methods' configs
    /// are checked (planned and loaded).
    func testRulerEveryTaskRunsAndEvaluatesWithIntervals() throws {
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
