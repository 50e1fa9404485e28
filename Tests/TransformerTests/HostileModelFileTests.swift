import Foundation
import Tensor
import TestSupport
import Transformer
import XCTest

/// The hostile model files of issue 11, one by one: each fails with a named error before
/// allocating from what it claims, or loads while charging `LoadAccounting` little.
final class HostileModelFileTests: XCTestCase {
    typealias Support = ModelFilesTestSupport

    private func tokenizerJSON(_ change: (inout [String: Any]) -> Void) throws -> Data {
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: TinyVocabulary().tokenizerJSON()) as? [String: Any])
        change(&object)
        return try JSONSerialization.data(withJSONObject: object)
    }

    private func setVocabID(_ id: Any) -> (inout [String: Any]) -> Void {
        { object in
            var model = object["model"] as? [String: Any] ?? [:]
            var vocab = model["vocab"] as? [String: Any] ?? [:]
            vocab["ab"] = id
            model["vocab"] = vocab
            object["model"] = model
        }
    }

    func testTokenizerJSONIdsAreBoundedBeforeAllocating() throws {
        let cases: [((inout [String: Any]) -> Void, String)] = [
            (setVocabID(2_147_483_647), "has id 2147483647, but the file has"),
            (setVocabID(200_000_000), "ids must be below"),
            (setVocabID(-1), "has no valid id"),
            (setVocabID(1.5), "has no valid id"),
            (setVocabID(true), "has no valid id"),
            (setVocabID("7"), "has no valid id"),
            ({ object in
                var added = object["added_tokens"] as? [Any] ?? []
                added.append(["id": 2_147_483_646, "content": "<huge>", "special": true])
                object["added_tokens"] = added
            }, "added_tokens[3] has id 2147483646"),
        ]
        for (change, expected) in cases {
            let data = try tokenizerJSON(change)
            let measured = LoadAccounting.measureOutcome { try Tokenizer(tokenizerJSON: data, source: "bad.json") }
            guard case .failure(let error as ModelFileError) = measured.result else {
                XCTFail("expected a ModelFileError mentioning \(expected), got \(measured.result)")
                continue
            }
            XCTAssertTrue(error.reason.contains(expected), error.reason)
            XCTAssertLessThan(measured.chargedBytes, 1 << 20)
        }
    }

    func testChatTemplateIsLazyLinearAndLimited() throws {
        // Blanks before comments: the shape that used to cost (blanks × comments).
        let unit = String(repeating: " ", count: 1000) + "{# c #}"
        var metadata = TokenizerErrorTests.gpt2Metadata()
        metadata["tokenizer.chat_template"] = .string(String(repeating: unit, count: 200))
        let within = try Tokenizer(ggufMetadata: metadata, source: "within.gguf")
        XCTAssertNotNil(within.chatTemplate, "comments and blanks parse")
        XCTAssertNoThrow(try within.applyChatTemplate(messages: [ChatMessage(role: "user", content: "hi")]))

        metadata = TokenizerErrorTests.gpt2Metadata()
        metadata["tokenizer.chat_template"] = .string(String(repeating: unit, count: 300))
        let tokenizer = try Tokenizer(ggufMetadata: metadata, source: "big.gguf")
        XCTAssertEqual(tokenizer.encode("abc").count, 2, "tokenizing never looks at the template")
        XCTAssertNil(tokenizer.chatTemplate)
        XCTAssertThrowsError(try tokenizer.applyChatTemplate(messages: [ChatMessage(role: "user", content: "hi")])) { error in
            XCTAssertEqual(error as? TokenizerError, .chatTemplateTooLarge(bytes: 302_100, limit: ChatTemplate.maximumSourceSize))
        }
    }

    func testUnusedMetadataArraysStayInTheFile() throws {
        var writer = try GGUFWriter()
        let blob = (0..<(4 << 20)).map { GGUFValue.uint8(UInt8(truncatingIfNeeded: $0 &* 31)) }
        let strings = GGUFValue.array((0..<1000).map { .string("s\($0)") })
        let nested = GGUFValue.array([.array([.int32(1), .int32(-2)]), .array([.string("x"), .string("")]), .array([])])
        writer.setMetadata("general.blob", .array(blob))
        writer.setMetadata("general.strings", strings)
        writer.setMetadata("general.nested", nested)
        let data = try writer.serialized()
        let measured = LoadAccounting.measureOutcome { try GGUFFile(storage: Support.storage(data), path: "blob.gguf") }
        let file = try measured.result.get()
        XCTAssertLessThan(measured.chargedBytes, 64 << 10, "a 4 MiB array costs an offset table at most")
        let array = try XCTUnwrap(file.metadata["general.blob"]?.arrayValue)
        XCTAssertEqual(array.count, 4 << 20)
        for index in [0, 1, 255, 1 << 20, (4 << 20) - 1] { XCTAssertEqual(array[index], blob[index]) }
        XCTAssertEqual(file.metadata["general.strings"], strings)
        XCTAssertEqual(file.metadata["general.nested"], nested)
        XCTAssertEqual(file.metadata["general.nested"]?.arrayValue?[1].arrayValue?[0], .string("x"))
    }

    func testMetadataCountsAreLimited() throws {
        var bytes = [UInt8]("GGUF".utf8) + Support.bytes(UInt32(3)) + Support.bytes(UInt64(0)) + Support.bytes(UInt64(GGUFFile.maximumMetadataCount + 1))
        for index in 0...GGUFFile.maximumMetadataCount {
            let key = Array("k\(index)".utf8)
            bytes += Support.bytes(UInt64(key.count)) + key + Support.bytes(UInt32(0)) + [0]
        }
        Support.expectError(["many.gguf", "metadata count 16385 is more than the limit of 16384"]) {
            _ = try GGUFFile(storage: Support.storage(Data(bytes)), path: "many.gguf")
        }
    }

    /// `gali info` (ModelSummary) fails exactly as loading the model and tokenizer does.
    func testSummaryRunsTheLoadersValidation() throws {
        let tiny = TinyCheckpoint(layerCount: 1)
        let baseBytes = try tiny.ggufData()
        let base = try GGUFFile(storage: Support.storage(baseBytes), path: "base.gguf")
        let count = tiny.vocabulary.tokens.count
        let changes: [(String, GGUFValue?, String)] = [
            ("tokenizer.ggml.token_type", .array((0..<(count - 1)).map { _ in .int32(1) }), "token_type has \(count - 1) entries"),
            ("tokenizer.ggml.scores", .array((0..<(count + 1)).map { _ in .float32(0) }), "scores has \(count + 1) entries"),
            ("tokenizer.ggml.merges", .array([.string("zz q")]), "which is not in the vocabulary"),
            ("tokenizer.ggml.pre", .string("mystery"), "not a supported pre-tokenizer"),
            ("tokenizer.ggml.bos_token_id", .uint32(UInt32(count)), "outside the vocabulary"),
            ("tokenizer.ggml.eot_token_id", .uint32(99_999), "outside the vocabulary"),
            ("llama.context_length", .uint32(1), "context length 1 is too short"),
            ("llama.rope.scaling.type", .string("weird"), "RoPE scaling \"weird\" is not supported"),
            ("tokenizer.ggml.model", nil, "tokenizer.ggml.model is missing"),
        ]
        for (key, value, expected) in changes {
            var writer = try GGUFWriter()
            var entries = base.metadataKeys.compactMap { name in base.metadata[name].map { (key: name, value: $0) } }
            entries.removeAll { $0.key == key }
            if let value { entries.append((key, value)) }
            if key == "llama.rope.scaling.type" { entries.append(("llama.rope.scaling.factor", .float32(4))) }
            writer.setMetadata(entries)
            for info in base.tensorInfos {
                try writer.addTensor(name: info.name, dtype: info.dtype, shape: info.shape,
                                     data: baseBytes.subdata(in: info.fileOffset..<(info.fileOffset + info.byteCount)))
            }
            let path = try TinyCheckpoint.temporaryDirectory("summary") + "/broken.gguf"
            defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
            try writer.serialized().write(to: URL(fileURLWithPath: path))
            let checkpoint = try ModelCheckpoint.open(path: path)
            var loadError: ModelFileError?
            do {
                _ = try LlamaModel(checkpoint: checkpoint)
                _ = try Tokenizer.load(checkpoint: checkpoint)
            } catch let error as ModelFileError {
                loadError = error
            }
            XCTAssertTrue(loadError?.reason.contains(expected) ?? false, "\(key): loading gave \(String(describing: loadError))")
            XCTAssertThrowsError(try ModelSummary(checkpoint: checkpoint), key) { error in
                XCTAssertEqual(error as? ModelFileError, loadError, key)
            }
        }
    }
}
