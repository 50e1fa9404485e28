import Foundation
import XCTest
@testable import Experiments

/// Work items planned from configs and data, before any model runs.
final class TaskPlanTests: XCTestCase {
    var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "plans-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func config(_ text: String) throws -> ExperimentConfig { try ExperimentConfig(parsing: text) }
    var paths: PathResolver { PathResolver(base: directory) }

    func testPerplexityFilesFolderOrSingleFile() throws {
        try FileManager.default.createDirectory(atPath: directory + "/books", withIntermediateDirectories: true)
        for name in ["b.txt", "a.txt", "notes.md"] { try "text".write(toFile: directory + "/books/" + name, atomically: true, encoding: .utf8) }
        let folder = try PerplexityTask(config: try config("task = \"pg19\"\nexp_name = \"e\"\nmethod = \"original\"\nmax_pe = 64\nstride = 8\ndata_dir = \"books\"\n"), paths: paths)
        XCTAssertEqual(try folder.plan().map(\.id), ["file:a.txt", "file:b.txt"])
        let test = try PerplexityTask(config: try config("task = \"pg19\"\nexp_name = \"e\"\nmethod = \"original\"\nmax_pe = 64\nstride = 8\ndata_dir = \"books\"\ntest = true\n"), paths: paths)
        XCTAssertEqual(try test.plan().map(\.id), ["file:a.txt"])
        let single = try PerplexityTask(config: try config("task = \"pg19\"\nexp_name = \"e\"\nmethod = \"original\"\nmax_pe = 64\nstride = 8\ndata_dir = \"books/b.txt\"\n"), paths: paths)
        XCTAssertEqual(try single.plan().map(\.payload.path), [directory + "/books/b.txt"])
        let missing = try PerplexityTask(config: try config("task = \"pg19\"\nexp_name = \"e\"\nmethod = \"original\"\nmax_pe = 64\nstride = 8\n"), paths: paths)
        XCTAssertThrowsError(try missing.plan()) { XCTAssertTrue("\($0)".contains("pg19/test does not exist"), "\($0)") }
    }

    func testSyntheticPassKeyTrials() throws {
        let task = try PassKeyTask(config: try config("task = \"passkey_retreival\"\nexp_name = \"e\"\nmethod = \"original\"\nmax_pe = 4096\nn_garbage = 2600\ntimes = 3\n"), paths: paths)
        let items = try task.plan()
        XCTAssertEqual(items.map(\.id), ["trial:0", "trial:1", "trial:2"])
        XCTAssertEqual(items.map(\.payload.answer), ["1640", "16050", "9145"])
        XCTAssertEqual(items.map(\.payload.keyPosition), [456, 1126, 914])
        XCTAssertTrue(items[0].payload.prompt.contains("\nThe pass key is 1640. Remember it. 1640 is the pass key.\n"))
        XCTAssertEqual(items[0].payload.prompt.unicodeScalars.count, 2845)
    }

    func testJSONLPassKeyPrompts() throws {
        let lines = [#"{"input": "Find the key. The pass key is 123. ", "target": "123", "passkey_position": 5}"#,
                     #"{"input": "Another. The pass key is 9. ", "target": 9}"#]
        try lines.joined(separator: "\n").write(toFile: directory + "/keys.jsonl", atomically: true, encoding: .utf8)
        let task = try PassKeyTask(config: try config("task = \"passkey\"\nexp_name = \"e\"\nmethod = \"original\"\nmax_pe = 4096\ndata_dir = \"keys.jsonl\"\n"), paths: paths)
        let items = try task.plan()
        XCTAssertEqual(items.map(\.id), ["keys.jsonl:0", "keys.jsonl:1"])
        XCTAssertEqual(items[0].payload.prompt, "Find the key. The pass key is 123. What is the pass key? The pass key is ")
        XCTAssertEqual(items.map(\.payload.answer), ["123", "9"])
        XCTAssertEqual(items[0].payload.keyPosition, 5)
        try "{\"input\": 3}\n".write(toFile: directory + "/bad.jsonl", atomically: true, encoding: .utf8)
        let bad = try PassKeyTask(config: try config("task = \"passkey\"\nexp_name = \"e\"\nmethod = \"original\"\nmax_pe = 4096\ndata_dir = \"bad.jsonl\"\n"), paths: paths)
        XCTAssertThrowsError(try bad.plan()) { XCTAssertTrue("\($0)".contains("bad.jsonl: record 1: field \"input\" must be a string"), "\($0)") }
    }

    func testNeedleGridFollowsTheReferenceLoop() throws {
        let text = "task = \"needle\"\nexp_name = \"e\"\nmethod = \"original\"\nmax_pe = 8192\nmin_k = 2\nmax_k = 7\ngap = 2\ntimes = 2\ndepths = 4\n"
        let task = try NeedleTask(config: try config(text), paths: paths)
        XCTAssertEqual(task.lengths, [2000, 4000, 6000])   // range(2000, 7001, 2000)
        let items = try task.plan()
        XCTAssertEqual(items.count, 3 * 4 * 2)
        XCTAssertEqual(items[0].id, "2000:1/4:0")
        XCTAssertEqual(items[1].id, "2000:1/4:1")
        XCTAssertEqual(items[2].id, "2000:2/4:0")
        XCTAssertEqual(items.prefix(4).map(\.payload.passKey), PassKeyPrompt.needleKeys(count: 4, seed: 42).map(String.init))
        let prompt = task.prompt(items[0].payload)
        // 2000 nominal tokens: int(3.75·2000 // 1024 · 1024) = 7168 filler characters, a quarter before the key.
        XCTAssertEqual(prompt.unicodeScalars.count, PassKeyPrompt.text(prefix: 1792, suffix: 5376, passKey: items[0].payload.passKey).unicodeScalars.count)
        XCTAssertTrue(prompt.hasPrefix(PassKeyPrompt.taskDescription + "\nThe grass is green."))

        try FileManager.default.createDirectory(atPath: directory + "/hay", withIntermediateDirectories: true)
        try "Essay two. ".write(toFile: directory + "/hay/b.txt", atomically: true, encoding: .utf8)
        try "Essay one. ".write(toFile: directory + "/hay/a.txt", atomically: true, encoding: .utf8)
        let hay = try NeedleTask(config: try config(text + "haystack_dir = \"hay\"\n"), paths: paths)
        XCTAssertTrue(hay.prompt(try hay.plan()[0].payload).hasPrefix(PassKeyPrompt.taskDescription + "\nEssay one. Essay two. Essay one. "))
        let test = try NeedleTask(config: try config(text + "test = true\n"), paths: paths)
        XCTAssertEqual(test.lengths, [2000])
    }

    func testLongBenchAndLEvalData() throws {
        try FileManager.default.createDirectory(atPath: directory + "/lb", withIntermediateDirectories: true)
        try [#"{"context": "c", "input": "q", "answers": ["a"], "all_classes": null, "length": 12, "_id": "x"}"#,
             #"{"context": "c2", "input": "q2", "answers": ["b", "c"], "all_classes": null, "length": 5}"#]
            .joined(separator: "\n").write(toFile: directory + "/lb/hotpotqa.jsonl", atomically: true, encoding: .utf8)
        let lb = try LongBenchTask(config: try config("task = \"longbench\"\nexp_name = \"e\"\nmethod = \"original\"\nmax_pe = 4096\ndata_dir = \"lb\"\ndatasets = [\"hotpotqa\"]\n"), paths: paths)
        let items = try lb.plan()
        XCTAssertEqual(items.map(\.id), ["hotpotqa:0", "hotpotqa:1"])
        XCTAssertEqual(items[1].payload.answers, ["b", "c"])
        XCTAssertEqual(items[0].payload.id, "x")
        XCTAssertEqual(lb.maximumNewTokens("hotpotqa"), 32)
        let missing = try LongBenchTask(config: try config("task = \"longbench\"\nexp_name = \"e\"\nmethod = \"original\"\nmax_pe = 4096\ndata_dir = \"lb\"\ndatasets = [\"hotpotqa\", \"trec\"]\n"), paths: paths)
        XCTAssertThrowsError(try missing.plan()) { XCTAssertTrue("\($0)".contains("trec.jsonl"), "\($0)") }

        try FileManager.default.createDirectory(atPath: directory + "/le", withIntermediateDirectories: true)
        try #"{"input": "doc", "instructions": ["q1", "q2", "q3"], "outputs": ["a1", "a2"], "evaluation": "exam"}"#
            .write(toFile: directory + "/le/quality.jsonl", atomically: true, encoding: .utf8)
        let le = try LEvalTask(config: try config("task = \"leval\"\nexp_name = \"e\"\nmethod = \"original\"\nmax_pe = 4096\ndata_dir = \"le\"\ndatasets = [\"quality\"]\n"), paths: paths)
        XCTAssertEqual(try le.plan().map(\.id), ["quality:0:0", "quality:0:1"])   // zip(instructions, outputs)
        let tooShort = try LEvalTask(config: try config("task = \"leval\"\nexp_name = \"e\"\nmethod = \"original\"\nmax_pe = 512\ndata_dir = \"le\"\n"), paths: paths)
        XCTAssertThrowsError(try tooShort.plan()) { XCTAssertTrue("\($0)".contains("leaves no room"), "\($0)") }
    }
}
