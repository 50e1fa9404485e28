import Foundation
import Tensor
import Transformer
import XCTest
import ModelFiles

/// Helpers shared by the model-file tests.
enum ModelFilesTestSupport {
    /// Bytes copied into fresh storage, as a parser would see a mapped file.
    static func storage(_ bytes: Data) -> TensorStorage {
        let storage = TensorStorage(allocating: bytes.count)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { storage.baseAddress.copyMemory(from: base, byteCount: bytes.count) }
        }
        return storage
    }

    /// Runs `body`, which must either succeed or throw a `ModelFileError` whose path is one of
    /// `paths`; returns the error (nil on success).
    @discardableResult
    static func expectLoadsOrNamesFile(_ paths: [String], _ label: @autoclosure () -> String,
                                       file: StaticString = #filePath, line: UInt = #line,
                                       _ body: () throws -> Void) -> ModelFileError? {
        do {
            try body()
            return nil
        } catch let error as ModelFileError {
            if !paths.contains(error.path) {
                XCTFail("\(label()): error names \(error.path), not one of \(paths): \(error)", file: file, line: line)
            }
            if error.reason.contains("\n") {
                XCTFail("\(label()): error spans several lines: \(error)", file: file, line: line)
            }
            return error
        } catch {
            XCTFail("\(label()): threw \(type(of: error)) instead of ModelFileError: \(error)", file: file, line: line)
            return nil
        }
    }

    /// Asserts that `body` throws a `ModelFileError` whose description contains every string of
    /// `fragments`.
    static func expectError(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line,
                            _ body: () throws -> Void) {
        do {
            try body()
            XCTFail("expected an error mentioning \(fragments)", file: file, line: line)
        } catch let error as ModelFileError {
            for fragment in fragments where !error.description.contains(fragment) {
                XCTFail("error \"\(error)\" does not mention \"\(fragment)\"", file: file, line: line)
            }
        } catch {
            XCTFail("threw \(type(of: error)) instead of ModelFileError: \(error)", file: file, line: line)
        }
    }

    /// Little-endian bytes of `value`.
    static func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    /// GGUF string encoding (UInt64 length, UTF-8 bytes).
    static func ggufString(_ text: String) -> [UInt8] {
        bytes(UInt64(text.utf8.count)) + Array(text.utf8)
    }

    /// A GGUF header: magic, version 3, the counts, then `body`.
    static func ggufHeader(tensors: UInt64, entries: UInt64, body: [UInt8]) -> Data {
        Data(Array("GGUF".utf8) + bytes(UInt32(3)) + bytes(tensors) + bytes(entries) + body)
    }
}
