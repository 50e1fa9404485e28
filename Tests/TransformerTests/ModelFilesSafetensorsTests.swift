import TestSupport
import Foundation
import Tensor
import Transformer
import XCTest
import ModelFiles

/// Safetensors writer/reader round trips, sharded checkpoints and the reader's checks.
final class ModelFilesSafetensorsTests: XCTestCase {
    typealias Support = ModelFilesTestSupport

    /// A file whose header is `header` (padded to 8 bytes) followed by `dataBytes` bytes.
    private func file(header: String, dataBytes: Int) -> Data {
        var json = Array(header.utf8)
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        return Data(Support.bytes(UInt64(json.count)) + json) + Data(repeating: 0x3F, count: dataBytes)
    }

    private func parse(_ data: Data, path: String = "m.safetensors") throws -> SafetensorsFile {
        try SafetensorsFile(storage: Support.storage(data), path: path)
    }

    func testRoundTripOfEverySupportedType() throws {
        var writer = SafetensorsWriter()
        writer.metadata = ["format": "pt", "note": "quote \" and \\ and é"]
        let values: [Float] = (0..<24).map { Float($0) / 8 - 1 }
        try writer.addTensor(name: "f32", values: values, shape: [4, 6])
        try writer.addTensor(name: "f16", values: values, shape: [2, 12], as: .f16)
        try writer.addTensor(name: "bf16", values: values, shape: [24], as: .bf16)
        try writer.addTensor(name: "ids", dtypeName: "I64", shape: [2], data: Data(count: 16))
        let file = try parse(writer.serialized())
        XCTAssertEqual(file.metadata, writer.metadata)
        XCTAssertEqual(file.headerByteCount % 8, 0)
        XCTAssertEqual(try file.tensor(named: "f32").floatValues(), values)
        XCTAssertEqual(try file.tensor(named: "f16").floatValues(), values)
        XCTAssertEqual(try file.tensor(named: "bf16").floatValues(), values)
        XCTAssertEqual(try file.tensor(named: "f16").shape, [2, 12])
        XCTAssertEqual(file.tensorInfo(named: "ids")?.dtypeName, "I64")
        XCTAssertNil(file.tensorInfo(named: "ids")?.dtype)
        Support.expectError(["m.safetensors", "\"ids\"", "I64", "not supported"]) { _ = try file.tensor(named: "ids") }
        Support.expectError(["m.safetensors", "no tensor named \"nope\""]) { _ = try file.tensor(named: "nope") }
    }

    func testHeaderProblemsAreNamed() throws {
        let cases: [(Data, [String])] = [
            (Data([1, 2, 3]), ["too short"]),
            (Data(Support.bytes(UInt64(1) << 60)) + Data(count: 16), ["absurd"]),
            (Data(Support.bytes(UInt64(1000))) + Data(count: 16), ["does not fit"]),
            (file(header: "[1, 2]", dataBytes: 0), ["does not start with"]),
            (file(header: "{\"a\": ", dataBytes: 0), ["not valid JSON"]),
            (file(header: "{\"a\": 3}", dataBytes: 0), ["\"a\"", "not an object"]),
            (file(header: "{\"a\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", dataBytes: 4), ["\"a\"", "dtype"]),
            (file(header: "{\"a\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}", dataBytes: 4), ["\"a\"", "shape"]),
            (file(header: "{\"a\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}", dataBytes: 4), ["invalid extent"]),
            (file(header: "{\"a\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}", dataBytes: 4), ["invalid extent"]),
            (file(header: "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0]}}", dataBytes: 4), ["data_offsets"]),
            (file(header: "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 8]}}", dataBytes: 4), ["outside"]),
            (file(header: "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 0]}}", dataBytes: 4), ["outside"]),
            (file(header: "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 4]}}", dataBytes: 4), ["\"a\"", "[2]", "span 4 bytes"]),
            (file(header: "{\"a\": {\"dtype\": \"F32\", \"shape\": [1152921504606846976, 1152921504606846976], \"data_offsets\": [0, 4]}}", dataBytes: 4), ["too many elements"]),
            (file(header: "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, \"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", dataBytes: 12), ["overlap"]),
            (file(header: "{\"__metadata__\": [1]}", dataBytes: 0), ["__metadata__"]),
        ]
        for (data, fragments) in cases {
            Support.expectError(["bad.safetensors"] + fragments) { _ = try parse(data, path: "bad.safetensors") }
        }
    }

    func testUnknownDTypeIsReportedOnUse() throws {
        let data = file(header: "{\"a\": {\"dtype\": \"F4\", \"shape\": [2], \"data_offsets\": [0, 1]}}", dataBytes: 1)
        let parsed = try parse(data)
        Support.expectError(["\"a\"", "F4"]) { _ = try parsed.tensor(named: "a") }
    }

    func testDeepJSONNestingIsAnErrorNotACrash() {
        let deep = "{\"a\": " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        Support.expectError(["deep.safetensors", "JSON"]) { _ = try parse(file(header: deep, dataBytes: 0), path: "deep.safetensors") }
    }

    func testShardedCheckpointThroughTheIndex() throws {
        let directory = try TinyCheckpoint.temporaryDirectory("shards")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tiny = TinyCheckpoint()
        try tiny.writeHuggingFace(to: directory, shards: 3)
        let shards = try SafetensorsShards(directory: directory)
        XCTAssertEqual(shards.files.count, 3)
        XCTAssertEqual(try shards.tensor(named: "model.norm.weight").floatValues(), tiny.values(.finalNorm))
        XCTAssertTrue(shards.file(holding: "model.embed_tokens.weight")?.path.hasSuffix("model-00001-of-00003.safetensors") ?? false)

        let indexPath = (directory as NSString).appendingPathComponent("model.safetensors.index.json")
        let index = try String(contentsOfFile: indexPath, encoding: .utf8)
        try index.replacingOccurrences(of: "model-00003-of-00003", with: "model-00004-of-00003")
            .write(toFile: indexPath, atomically: true, encoding: .utf8)
        Support.expectError(["model-00004-of-00003.safetensors", "does not exist"]) { _ = try SafetensorsShards(directory: directory) }
        try index.replacingOccurrences(of: "\"model-00003-of-00003.safetensors\"", with: "\"../evil.safetensors\"")
            .write(toFile: indexPath, atomically: true, encoding: .utf8)
        Support.expectError(["index.json", "not a file name"]) { _ = try SafetensorsShards(directory: directory) }
        try index.replacingOccurrences(of: "\"model.norm.weight\"", with: "\"model.missing.weight\"")
            .write(toFile: indexPath, atomically: true, encoding: .utf8)
        Support.expectError(["model.missing.weight"]) { _ = try SafetensorsShards(directory: directory) }
        try "{}".write(toFile: indexPath, atomically: true, encoding: .utf8)
        Support.expectError(["index.json", "weight_map"]) { _ = try SafetensorsShards(directory: directory) }
    }

    func testDirectoryWithoutSafetensorsIsNamed() throws {
        let directory = try TinyCheckpoint.temporaryDirectory("empty")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        Support.expectError([directory, "model.safetensors"]) { _ = try SafetensorsShards(directory: directory) }
    }

    func testDuplicateTensorAcrossFilesIsRejected() throws {
        var writer = SafetensorsWriter()
        try writer.addTensor(name: "a", values: [1, 2], shape: [2])
        let first = try parse(writer.serialized(), path: "one.safetensors")
        let second = try parse(writer.serialized(), path: "two.safetensors")
        Support.expectError(["two.safetensors", "\"a\"", "one.safetensors"]) { _ = try SafetensorsShards(files: [first, second]) }
    }
}
