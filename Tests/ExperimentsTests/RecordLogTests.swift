import Foundation
import XCTest
@testable import Experiments

/// The append-only records file: complete lines survive, a line cut short is detected and
/// dropped before appending resumes.
final class RecordLogTests: XCTestCase {
    var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "recordlog-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testAppendAndRead() throws {
        let path = directory + "/records.jsonl"
        XCTAssertEqual(try RecordLog.read(path: path).lines, [])
        let log = try RecordLog(path: path)
        try log.append(#"{"item":"a","x":1}"#)
        try log.append(#"{"item":"b","text":"é ✓"}"#)
        let (lines, partial) = try RecordLog.read(path: path)
        XCTAssertEqual(lines, [#"{"item":"a","x":1}"#, #"{"item":"b","text":"é ✓"}"#])
        XCTAssertEqual(partial, 0)
        XCTAssertThrowsError(try log.append("two\nlines"))
    }

    func testKilledWriteLeavesAPartialLineThatIsDropped() throws {
        let path = directory + "/records.jsonl"
        let full = #"{"item":"a"}"# + "\n" + #"{"item":"b"}"# + "\n"
        // A run killed in the middle of writing its third record.
        try Data((full + #"{"item":"c","pred":"The pa"#).utf8).write(to: URL(fileURLWithPath: path))
        let (lines, partial) = try RecordLog.read(path: path)
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(partial, 26)
        XCTAssertEqual(try ExperimentStore.recordIDs(lines: lines, path: path), ["a", "b"])
        // Opening for append repairs the file first; the next record starts on its own line.
        let log = try RecordLog(path: path)
        XCTAssertEqual(log.droppedBytes, 26)
        try log.append(#"{"item":"c"}"#)
        XCTAssertEqual(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self),
                       full + #"{"item":"c"}"# + "\n")
        XCTAssertEqual(try RecordLog.repair(path: path), 0)
    }

    func testASecondWriterIsRefused() throws {
        let path = directory + "/records.jsonl"
        var first: RecordLog? = try RecordLog(path: path)
        XCTAssertThrowsError(try RecordLog(path: path)) { error in
            XCTAssertTrue("\(error)".contains("another gali run is writing it"), "\(error)")
        }
        try first?.append(#"{"item":"a"}"#)
        first = nil   // closing releases the lock
        XCTAssertNoThrow(try RecordLog(path: path))
    }

    func testDamagedCompleteLineIsAnError() throws {
        let path = directory + "/records.jsonl"
        try Data("{\"item\":\"a\"}\nnot json\n".utf8).write(to: URL(fileURLWithPath: path))
        let lines = try RecordLog.read(path: path).lines
        XCTAssertThrowsError(try ExperimentStore.recordIDs(lines: lines, path: path)) { error in
            XCTAssertTrue("\(error)".contains("line 2"), "\(error)")
        }
    }
}
