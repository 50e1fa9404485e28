import XCTest
@testable import Experiments

/// `--shard K/N`: parsing, round-robin slices that cover every item once, file names.
final class ShardSpecTests: XCTestCase {
    func testParsing() throws {
        XCTAssertEqual(try ShardSpec(parsing: "0/4"), try ShardSpec(index: 0, count: 4))
        XCTAssertEqual(try ShardSpec(parsing: "3/4").description, "3/4")
        for bad in ["4/4", "-1/4", "1/0", "1", "a/b", "1/2/3", ""] {
            XCTAssertThrowsError(try ShardSpec(parsing: bad), bad) { error in
                XCTAssertTrue("\(error)".contains("shard"), "\(error)")
            }
        }
    }

    func testSlicesPartitionTheItemsRoundRobin() throws {
        let items = Array(0..<23)
        for count in 1...7 {
            var seen: [Int] = []
            for index in 0..<count {
                let shard = try ShardSpec(index: index, count: count)
                let slice = shard.slice(items)
                XCTAssertEqual(slice, items.filter { $0 % count == index })  // data_all[i::world_size]
                XCTAssertTrue(slice.allSatisfy { shard.contains(position: $0) })
                seen += slice
            }
            XCTAssertEqual(seen.sorted(), items, "\(count) shards")
        }
    }

    func testRecordsFileNames() throws {
        let shard = try ShardSpec(index: 2, count: 5)
        XCTAssertEqual(shard.recordsFileName, "records.shard-2-of-5.jsonl")
        XCTAssertEqual(ShardSpec.parse(recordsFileName: "records.shard-2-of-5.jsonl").shard, shard)
        XCTAssertTrue(ShardSpec.parse(recordsFileName: "records.jsonl").valid)
        XCTAssertNil(ShardSpec.parse(recordsFileName: "records.jsonl").shard)
        XCTAssertFalse(ShardSpec.parse(recordsFileName: "records.shard-5-of-5.jsonl").valid)
        XCTAssertFalse(ShardSpec.parse(recordsFileName: "records-old.jsonl").valid)
    }
}
