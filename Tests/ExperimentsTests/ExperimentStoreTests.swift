import Foundation
import XCTest
@testable import Experiments

/// Experiment folders: the reference's `_1`, `_2` suffixes, and merging shard records with
/// refusal of incomplete, duplicated or mixed sets.
final class ExperimentStoreTests: XCTestCase {
    var root: String!

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "store-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    func testUniqueNamesFollowTheReference() throws {
        XCTAssertEqual(ExperimentStore.uniqueName("exp", in: root), "exp")
        try FileManager.default.createDirectory(atPath: root + "/exp", withIntermediateDirectories: false)
        XCTAssertEqual(ExperimentStore.uniqueName("exp", in: root), "exp_1")
        try FileManager.default.createDirectory(atPath: root + "/exp_1", withIntermediateDirectories: false)
        XCTAssertEqual(ExperimentStore.uniqueName("exp", in: root), "exp_2")
        XCTAssertEqual(ExperimentStore.uniqueName("other", in: root + "/missing"), "other")
    }

    /// A passkey experiment with `items` planned; records written per shard file.
    func makeExperiment(items: Int, name: String = "exp") throws -> ExperimentStore {
        let store = try ExperimentStore(resultsRoot: root, task: .passkey, name: name)
        try FileManager.default.createDirectory(atPath: store.directory, withIntermediateDirectories: true)
        let config = try ExperimentConfig(parsing: "task = \"passkey\"\nexp_name = \"exp\"\nmethod = \"original\"\nmax_pe = 4096\nn_garbage = 100\ntimes = \(items)\n")
        let description = RunDescription(task: "passkey", experiment: "exp", label: "exp", method: "original", parameters: [:], model: "m",
                                         originalWindow: 2048, maxPE: 4096, seed: 42, precision: "fast", chatFormat: "none",
                                         systemPrompt: "", test: false)
        try ExperimentStore.writeAtomically(try SavedConfig.text(config: config, resolved: description, fingerprint: "f"), to: store.configPath)
        try store.savePlan((0..<items).map { "trial:\($0)" })
        return store
    }

    func record(_ index: Int, correct: Bool = true) -> String {
        #"{"answer":"12","correct":\#(correct),"final_len":5,"item":"trial:\#(index)","pred":"\#(correct ? "12" : "no")","prompt_tokens":1000,"seconds":0.1,"trial":\#(index)}"#
    }

    func write(_ store: ExperimentStore, shard: ShardSpec?, _ indices: [Int]) throws {
        let log = try RecordLog(path: store.recordsPath(shard: shard))
        for index in indices { try log.append(record(index, correct: index % 2 == 0)) }
    }

    func testCompleteShardsMergeInPlanOrder() throws {
        let store = try makeExperiment(items: 7)
        try write(store, shard: try ShardSpec(index: 1, count: 3), [1, 4])
        try write(store, shard: try ShardSpec(index: 0, count: 3), [0, 3, 6])
        try write(store, shard: try ShardSpec(index: 2, count: 3), [5, 2])
        let merged = try store.mergedRecords()
        XCTAssertEqual(merged.planned, 7)
        XCTAssertEqual(try ExperimentStore.recordIDs(lines: merged.records, path: ""), (0..<7).map { "trial:\($0)" })
        let result = try ExperimentEvaluator.evaluate(store)
        XCTAssertEqual(result.columns.map(\.name), ["1k"])
        XCTAssertEqual(result.columns[0].value, 4.0 / 7.0, accuracy: 1e-12)
        XCTAssertTrue(result.isComplete)
    }

    func testMissingShardIsRefused() throws {
        let store = try makeExperiment(items: 6)
        try write(store, shard: try ShardSpec(index: 0, count: 2), [0, 2, 4])
        XCTAssertThrowsError(try store.mergedRecords()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("3 of 6 items have no record"), text)
            XCTAssertTrue(text.contains("shard 1/2: 0 of 3 done"), text)
            XCTAssertTrue(text.contains("shard file(s) missing: 1/2"), text)
        }
        XCTAssertThrowsError(try ExperimentEvaluator.evaluate(store))
        let partial = try ExperimentEvaluator.evaluate(store, allowIncomplete: true)
        XCTAssertEqual(partial.recorded, 3)
        XCTAssertFalse(partial.isComplete)
    }

    func testIncompleteShardAndInterruptedLineAreRefused() throws {
        let store = try makeExperiment(items: 4)
        try write(store, shard: try ShardSpec(index: 0, count: 2), [0, 2])
        try write(store, shard: try ShardSpec(index: 1, count: 2), [1])
        let path = store.recordsPath(shard: try ShardSpec(index: 1, count: 2))
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"answer":"12","corr"#.utf8))   // killed mid-record
        handle.closeFile()
        XCTAssertThrowsError(try store.mergedRecords()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("1 of 4 items have no record"), text)
            XCTAssertTrue(text.contains("shard 1/2: 1 of 2 done"), text)
            XCTAssertTrue(text.contains("partial record"), text)
        }
    }

    func testDuplicatesAreRefused() throws {
        let store = try makeExperiment(items: 2)
        try write(store, shard: nil, [0, 1, 1])
        XCTAssertThrowsError(try store.mergedRecords()) { error in
            XCTAssertTrue("\(error)".contains("duplicated records"), "\(error)")
        }
    }

    func testMixedShardingIsRefused() throws {
        let store = try makeExperiment(items: 4)
        try write(store, shard: nil, [0, 1])
        try write(store, shard: try ShardSpec(index: 1, count: 2), [1, 3])
        XCTAssertThrowsError(try store.mergedRecords()) { error in
            XCTAssertTrue("\(error)".contains("mixes an unsharded"), "\(error)")
        }
        try FileManager.default.removeItem(atPath: store.recordsPath(shard: nil))
        try write(store, shard: try ShardSpec(index: 0, count: 3), [0, 3])
        XCTAssertThrowsError(try store.mergedRecords()) { error in
            XCTAssertTrue("\(error)".contains("different shard counts"), "\(error)")
        }
    }

    func testRecordOfAnotherShardOrExperimentIsRefused() throws {
        let store = try makeExperiment(items: 4)
        try write(store, shard: try ShardSpec(index: 0, count: 2), [0, 1])
        try write(store, shard: try ShardSpec(index: 1, count: 2), [3])
        XCTAssertThrowsError(try store.mergedRecords()) { error in
            XCTAssertTrue("\(error)".contains("belongs to shard 1/2"), "\(error)")
        }
        let other = try makeExperiment(items: 2, name: "other")
        try write(other, shard: nil, [0, 5])
        XCTAssertThrowsError(try other.mergedRecords()) { error in
            XCTAssertTrue("\(error)".contains("not in the plan"), "\(error)")
        }
    }

    func testPlanMustNotChange() throws {
        let store = try makeExperiment(items: 3)
        XCTAssertNoThrow(try store.savePlan(["trial:0", "trial:1", "trial:2"]))
        XCTAssertThrowsError(try store.savePlan(["trial:0", "trial:1"])) { error in
            XCTAssertTrue("\(error)".contains("differ from those saved"), "\(error)")
        }
    }
}
