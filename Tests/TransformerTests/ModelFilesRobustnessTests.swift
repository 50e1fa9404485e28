import TestSupport
import Foundation
import Tensor
import Transformer
import ModelFiles
import XCTest
#if canImport(Glibc)
import Glibc
private let RUSAGE_SELF_ID = __rusage_who_t(RUSAGE_SELF.rawValue)
#else
import Darwin
private let RUSAGE_SELF_ID = RUSAGE_SELF
#endif

/// Damaged model files: truncated at many offsets, with bytes changed one at a time. Every case
/// must either load or throw a `ModelFileError` naming the file — never crash, trap, hang or
/// allocate gigabytes.
final class ModelFilesRobustnessTests: XCTestCase {
    typealias Support = ModelFilesTestSupport

    /// The tiny model as GGUF bytes (Q8_0 embedding, F16 matrices, F32 norms), built once.
    private static let ggufBytes: Data = (try? TinyCheckpoint(layerCount: 2).ggufData(matrixType: .f16, embeddingType: .q8_0)) ?? Data()
    /// The tiny model's single safetensors file, built once.
    private static let safetensorsBytes: Data = (try? TinyCheckpoint().safetensorsFiles(dtype: .bf16)[0].writer.serialized()) ?? Data()

    private func loadGGUF(_ data: Data, path: String) throws {
        try loadGGUF(Support.storage(data), path: path)
    }

    private func loadGGUF(_ storage: TensorStorage, path: String) throws {
        let file = try GGUFFile(storage: storage, path: path)
        _ = try ModelCheckpoint(gguf: file)
    }

    private func loadSafetensors(_ data: Data, path: String) throws {
        try loadSafetensors(Support.storage(data), path: path)
    }

    private func loadSafetensors(_ storage: TensorStorage, path: String) throws {
        let file = try SafetensorsFile(storage: storage, path: path)
        let shards = try SafetensorsShards(files: [file])
        _ = try LlamaWeights(huggingFace: shards, configuration: TinyCheckpoint().configuration)
    }

    /// The first `length` bytes of `storage`, without copying.
    private func prefix(_ storage: TensorStorage, _ length: Int) -> TensorStorage {
        TensorStorage(borrowing: storage.baseAddress, byteCount: length, isWritable: false, release: {})
    }

    /// Calls `body` with `storage` whose byte at `offset` is XORed with `change`, then restores it.
    private func withMutation(_ storage: TensorStorage, at offset: Int, xor change: UInt8, _ body: () -> Void) {
        let pointer = storage.baseAddress.assumingMemoryBound(to: UInt8.self)
        pointer[offset] ^= change
        body()
        pointer[offset] ^= change
    }

    /// Offsets to probe: every one up to `dense`, then every `step`-th, plus the last few.
    private func offsets(count: Int, dense: Int, step: Int) -> [Int] {
        Array(Set(Array(0..<min(dense, count)) + Array(stride(from: dense, to: count, by: step)) + Array(max(0, count - 8)..<count))).sorted()
    }

    func testIntactFixturesLoad() throws {
        XCTAssertGreaterThan(Self.ggufBytes.count, 10_000)
        try loadGGUF(Self.ggufBytes, path: "ok.gguf")
        try loadSafetensors(Self.safetensorsBytes, path: "ok.safetensors")
    }

    func testTruncatedGGUF() throws {
        let data = Self.ggufBytes
        let header = try GGUFFile(storage: Support.storage(data), path: "ok.gguf").dataOffset
        var loaded = 0
        let storage = Support.storage(data)
        for length in offsets(count: data.count, dense: header + 64, step: 1009) {
            let error = Support.expectLoadsOrNamesFile(["cut.gguf"], "truncated at \(length)") {
                try loadGGUF(prefix(storage, length), path: "cut.gguf")
            }
            if error == nil { loaded += 1 }
        }
        XCTAssertEqual(loaded, 0, "every truncation cuts off tensor data")
    }

    func testMutatedGGUF() throws {
        let data = Self.ggufBytes
        let header = try GGUFFile(storage: Support.storage(data), path: "ok.gguf").dataOffset
        var failures = 0
        let storage = Support.storage(data)
        for offset in offsets(count: data.count, dense: header, step: 4099) {
            for change in [UInt8(0xFF), 0x01] {
                withMutation(storage, at: offset, xor: change) {
                    if Support.expectLoadsOrNamesFile(["m.gguf"], "byte \(offset) ^ \(change)", { try loadGGUF(storage, path: "m.gguf") }) != nil {
                        failures += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(failures, 100, "most header mutations must be caught")
    }

    func testTruncatedSafetensors() throws {
        let data = Self.safetensorsBytes
        let file = try SafetensorsFile(storage: Support.storage(data), path: "ok.safetensors")
        let storage = Support.storage(data)
        for length in offsets(count: data.count, dense: file.headerByteCount + 72, step: 997) {
            let error = Support.expectLoadsOrNamesFile(["cut.safetensors"], "truncated at \(length)") {
                try loadSafetensors(prefix(storage, length), path: "cut.safetensors")
            }
            XCTAssertNotNil(error, "truncated at \(length) must fail")
        }
    }

    func testMutatedSafetensors() throws {
        let data = Self.safetensorsBytes
        let file = try SafetensorsFile(storage: Support.storage(data), path: "ok.safetensors")
        let storage = Support.storage(data)
        for offset in offsets(count: data.count, dense: file.headerByteCount + 8, step: 3001) {
            for change in [UInt8(0xFF), 0x01, 0x20] {
                withMutation(storage, at: offset, xor: change) {
                    Support.expectLoadsOrNamesFile(["m.safetensors"], "byte \(offset) ^ \(change)") {
                        try loadSafetensors(storage, path: "m.safetensors")
                    }
                }
            }
        }
        // Digits replaced by other digits keep the JSON valid and reach the size checks.
        let header = Array(data[8..<(8 + file.headerByteCount)])
        for (position, byte) in header.enumerated() where (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
            for digit in [UInt8(ascii: "0"), UInt8(ascii: "9")] where digit != byte {
                withMutation(storage, at: 8 + position, xor: byte ^ digit) {
                    Support.expectLoadsOrNamesFile(["d.safetensors"], "digit at \(position) -> \(digit)") {
                        try loadSafetensors(storage, path: "d.safetensors")
                    }
                }
            }
        }
    }

    func testMutatedConfigJSON() throws {
        let data = try TinyCheckpoint().configuration.huggingFaceConfigJSON()
        for offset in 0..<data.count {
            for change in [UInt8(0xFF), 0x01, 0x10] {
                var mutated = data
                mutated[offset] ^= change
                Support.expectLoadsOrNamesFile(["config.json"], "byte \(offset) ^ \(change)") {
                    _ = try LlamaConfiguration(huggingFaceConfig: mutated, path: "config.json")
                }
            }
        }
    }

    func testTruncatedAndMutatedFilesOnDisk() throws {
        let directory = try TinyCheckpoint.temporaryDirectory("robust")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tiny = TinyCheckpoint()
        try tiny.writeHuggingFace(to: directory)
        let weights = (directory as NSString).appendingPathComponent("model.safetensors")
        let original = try Data(contentsOf: URL(fileURLWithPath: weights))
        for length in [0, 4, 8, 100, original.count / 2, original.count - 1] {
            try original.prefix(length).write(to: URL(fileURLWithPath: weights))
            let error = Support.expectLoadsOrNamesFile([weights], "on-disk truncation at \(length)") {
                _ = try ModelCheckpoint.open(path: directory)
            }
            XCTAssertNotNil(error)
        }
        let ggufPath = (directory as NSString).appendingPathComponent("tiny.gguf")
        let gguf = try tiny.ggufData()
        for length in [0, 3, 24, 1000, gguf.count - 1] {
            try gguf.prefix(length).write(to: URL(fileURLWithPath: ggufPath))
            XCTAssertNotNil(Support.expectLoadsOrNamesFile([ggufPath], "GGUF truncated at \(length)") {
                _ = try ModelCheckpoint.open(path: ggufPath)
            })
        }
    }

    func testPeakMemoryStaysSmall() {
        // Runs after (or alongside) the tests above in the same process; a parser that trusted a
        // count or a length would have pushed the peak far beyond this.
        var usage = rusage()
        getrusage(RUSAGE_SELF_ID, &usage)
        XCTAssertLessThan(usage.ru_maxrss, 2_000_000, "peak resident memory \(usage.ru_maxrss) KiB")
    }
}
