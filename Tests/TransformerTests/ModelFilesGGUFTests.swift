import TestSupport
import Foundation
import Tensor
import Transformer
import XCTest
import ModelFiles

/// GGUF writer/reader round trips and the parser's checks on hand-made headers.
final class ModelFilesGGUFTests: XCTestCase {
    typealias Support = ModelFilesTestSupport

    func testMetadataOfEveryTypeRoundTrips() throws {
        var writer = try GGUFWriter(alignment: 64)
        let entries: [(String, GGUFValue)] = [
            ("u8", .uint8(200)), ("i8", .int8(-100)), ("u16", .uint16(60000)), ("i16", .int16(-30000)),
            ("u32", .uint32(4_000_000_000)), ("i32", .int32(-2_000_000_000)), ("u64", .uint64(1 << 62)),
            ("i64", .int64(-(1 << 62))), ("f32", .float32(1.5e-5)), ("f64", .float64(-2.25e100)),
            ("bool", .bool(true)), ("string", .string("héllo, wörld")), ("empty", .string("")),
            ("array", .array([.int32(1), .int32(-2), .int32(3)])),
            ("strings", .array([.string("a"), .string("bc")])),
            ("nested", .array([.array([.uint8(1), .uint8(2)]), .array([.string("x")]), .array([])])),
            ("empty array", .array([])),
        ]
        for (key, value) in entries { writer.setMetadata(key, value) }
        let values: [Float] = (0..<96).map { Float($0) * 0.25 - 3 }
        try writer.addTensor(name: "a", values: values, shape: [3, 32])
        try writer.addTensor(name: "b", values: Array(values.prefix(40)), shape: [40], as: .f16)
        let file = try GGUFFile(storage: Support.storage(try writer.serialized()), path: "m.gguf")
        XCTAssertEqual(file.version, 3)
        XCTAssertEqual(file.alignment, 64)
        for (key, value) in entries {
            if key == "empty array" { XCTAssertEqual(file.metadata[key], .array([])); continue }
            XCTAssertEqual(file.metadata[key], value, key)
        }
        XCTAssertEqual(file.metadataKeys.prefix(entries.count).map { $0 }, entries.map(\.0))
        XCTAssertEqual(try file.tensor(named: "a").floatValues(), values)
        XCTAssertEqual(try file.tensor(named: "b").floatValues(), Array(values.prefix(40)))
        for info in file.tensorInfos { XCTAssertEqual(info.fileOffset % 64, 0) }
        XCTAssertEqual(file.tensorCountsByType, [.f32: 1, .f16: 1])
    }

    func testTensorsOfEveryTypeRoundTripTheirBytes() throws {
        var writer = try GGUFWriter()
        var random = SeededRandom(seed: 7)
        var expected: [String: Data] = [:]
        for dtype in DType.allCases {
            let shape = [3, dtype.blockSize * 2]
            let bytes = dtype.byteCount(elements: shape[0] * shape[1]) ?? 0
            let data = Data((0..<bytes).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            try writer.addTensor(name: "t.\(dtype)", dtype: dtype, shape: shape, data: data)
            expected["t.\(dtype)"] = data
        }
        let file = try GGUFFile(storage: Support.storage(try writer.serialized()), path: "all.gguf")
        for info in file.tensorInfos {
            let tensor = try file.tensor(named: info.name)
            XCTAssertEqual(tensor.shape, [3, info.dtype.blockSize * 2])
            let stored = Data(bytes: tensor.rawPointer(), count: info.byteCount)
            XCTAssertEqual(stored, expected[info.name], info.name)
        }
    }

    func testQuantizedEncodingsDecodeCloseToTheValues() throws {
        var random = SeededRandom(seed: 11)
        let values: [Float] = (0..<256).map { _ in random.nextFloat() * 4 - 2 }
        for (dtype, tolerance) in [(DType.f16, Float(1e-3)), (.bf16, 1e-2), (.q8_0, 2.0 / 127), (.q4_1, 4.0 / 15)] {
            var writer = try GGUFWriter()
            try writer.addTensor(name: "w", values: values, shape: [4, 64], as: dtype)
            let file = try GGUFFile(storage: Support.storage(try writer.serialized()), path: "q.gguf")
            let decoded = try file.tensor(named: "w").floatValues()
            let error = zip(decoded, values).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(error, tolerance, "\(dtype)")
            XCTAssertGreaterThan(error, 0, "\(dtype) should be lossy on these values")
        }
    }

    func testHalfConversionMatchesFloat16() {
        #if !(os(macOS) && arch(x86_64))
        var random = SeededRandom(seed: 99)
        var values: [Float] = [0, -0, 1, -1, 65504, 65519, 65520, 1e9, -1e9, .infinity, -.infinity,
                               6.1035156e-5, 5.9604645e-8, 2.9802322e-8, 2.9802326e-8, 1e-10, 0.1, 1.0009766, 1.0004883]
        for _ in 0..<100_000 {
            // Random bit patterns cover every exponent, including subnormal and overflow ranges.
            values.append(Float(bitPattern: UInt32(truncatingIfNeeded: random.next())))
        }
        for value in values where !value.isNaN {
            XCTAssertEqual(ElementEncoding.halfBits(value), Float16(value).bitPattern, "\(value)")
        }
        XCTAssertTrue(Float16(bitPattern: ElementEncoding.halfBits(.nan)).isNaN)
        #endif
    }

    func testVersionTwoIsReadAndVersionOneIsRejected() throws {
        var writer = try GGUFWriter(version: 2)
        writer.setMetadata("general.architecture", .string("llama"))
        let data = try writer.serialized()
        XCTAssertEqual(try GGUFFile(storage: Support.storage(data), path: "v2.gguf").version, 2)
        var old = data
        old[4] = 1
        Support.expectError(["v1.gguf", "version 1"]) { _ = try GGUFFile(storage: Support.storage(old), path: "v1.gguf") }
    }

    func testWrongMagicIsRejected() {
        let data = Data("GGML".utf8) + Data(count: 40)
        Support.expectError(["x.bin", "not a GGUF file"]) { _ = try GGUFFile(storage: Support.storage(data), path: "x.bin") }
        Support.expectError(["empty.gguf", "too short"]) { _ = try GGUFFile(storage: Support.storage(Data()), path: "empty.gguf") }
    }

    func testAbsurdCountsFailWithoutAllocating() {
        let huge = UInt64(1) << 60
        let cases: [(String, Data)] = [
            ("metadata count", Support.ggufHeader(tensors: 0, entries: huge, body: [])),
            ("tensor count", Support.ggufHeader(tensors: huge, entries: 0, body: [])),
            ("length of metadata key", Support.ggufHeader(tensors: 0, entries: 1, body: Support.bytes(huge) + [0, 0, 0])),
            ("length of the value", Support.ggufHeader(tensors: 0, entries: 1,
                body: Support.ggufString("k") + Support.bytes(UInt32(8)) + Support.bytes(huge))),
            ("length of the value", Support.ggufHeader(tensors: 0, entries: 1,
                body: Support.ggufString("k") + Support.bytes(UInt32(9)) + Support.bytes(UInt32(0)) + Support.bytes(huge))),
            ("length of the value", Support.ggufHeader(tensors: 0, entries: 1,
                body: Support.ggufString("k") + Support.bytes(UInt32(9)) + Support.bytes(UInt32(9)) + Support.bytes(UInt64(1))
                    + Support.bytes(UInt32(8)) + Support.bytes(huge))),
        ]
        for (fragment, data) in cases {
            let padded = data + Data(count: 64)
            Support.expectError(["absurd.gguf", fragment]) { _ = try GGUFFile(storage: Support.storage(padded), path: "absurd.gguf") }
        }
    }

    func testDeeplyNestedArraysAreRejected() {
        var body = Support.ggufString("deep") + Support.bytes(UInt32(9))
        for _ in 0..<20 { body += Support.bytes(UInt32(9)) + Support.bytes(UInt64(1)) }
        body += Support.bytes(UInt32(0)) + Support.bytes(UInt64(0))
        let data = Support.ggufHeader(tensors: 0, entries: 1, body: body)
        Support.expectError(["deep.gguf", "nests arrays"]) { _ = try GGUFFile(storage: Support.storage(data), path: "deep.gguf") }
    }

    func testUnknownValueAndTensorTypesAreNamed() throws {
        let badValue = Support.ggufHeader(tensors: 0, entries: 1, body: Support.ggufString("k") + Support.bytes(UInt32(13)) + [0])
        Support.expectError(["t.gguf", "\"k\"", "unknown value type 13"]) {
            _ = try GGUFFile(storage: Support.storage(badValue), path: "t.gguf")
        }
        var tensor = Support.ggufString("w") + Support.bytes(UInt32(1)) + Support.bytes(UInt64(256))
        tensor += Support.bytes(UInt32(10)) + Support.bytes(UInt64(0))
        let badTensor = Support.ggufHeader(tensors: 1, entries: 0, body: tensor) + Data(count: 1024)
        Support.expectError(["t.gguf", "\"w\"", "Q2_K", "not supported"]) {
            _ = try GGUFFile(storage: Support.storage(badTensor), path: "t.gguf")
        }
    }

    func testTensorDataPastTheEndAndOverlapsAreRejected() throws {
        var writer = try GGUFWriter()
        try writer.addTensor(name: "a", values: [Float](repeating: 1, count: 64), shape: [64])
        try writer.addTensor(name: "b", values: [Float](repeating: 2, count: 64), shape: [64])
        let data = try writer.serialized()
        Support.expectError(["cut.gguf", "past the end"]) {
            _ = try GGUFFile(storage: Support.storage(data.prefix(data.count - 4)), path: "cut.gguf")
        }
        // Point "b" at "a"'s data: the second tensor info's offset is the last 8 header bytes
        // before padding; find it by value (256 = 64 floats).
        var overlapping = data
        let file = try GGUFFile(storage: Support.storage(data), path: "ok.gguf")
        let headerEnd = file.dataOffset
        let needle = Support.bytes(UInt64(256))
        guard let range = overlapping[..<headerEnd].lastRange(of: Data(needle)) else { return XCTFail("offset not found") }
        overlapping.replaceSubrange(range, with: Support.bytes(UInt64(32)))
        Support.expectError(["ov.gguf", "overlap"]) { _ = try GGUFFile(storage: Support.storage(overlapping), path: "ov.gguf") }
    }

    func testDuplicateKeysAndTensorsAreRejected() throws {
        let entry = Support.ggufString("k") + Support.bytes(UInt32(4)) + Support.bytes(UInt32(1))
        let data = Support.ggufHeader(tensors: 0, entries: 2, body: entry + entry)
        Support.expectError(["d.gguf", "twice"]) { _ = try GGUFFile(storage: Support.storage(data), path: "d.gguf") }
        var writer = try GGUFWriter()
        try writer.addTensor(name: "a", values: [1], shape: [1])
        XCTAssertThrowsError(try writer.addTensor(name: "a", values: [1], shape: [1]))
        XCTAssertThrowsError(try writer.addTensor(name: "c", dtype: .q8_0, shape: [2, 32], data: Data(count: 10)))
    }

    func testMissingFileIsNamed() {
        Support.expectError(["/nonexistent/model.gguf", "cannot open"]) { _ = try GGUFFile(path: "/nonexistent/model.gguf") }
    }
}
