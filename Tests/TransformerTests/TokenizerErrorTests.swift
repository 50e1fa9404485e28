import Foundation
import XCTest
import Transformer

/// Malformed or unsupported tokenizer data gives an error naming the problem.
final class TokenizerErrorTests: XCTestCase {
    /// A valid tiny gpt2 vocabulary: the 256 byte tokens plus "ab" from merge "a b".
    static func gpt2Metadata() -> [String: GGUFValue] {
        let tokens = TokenizerFixtures.byteAlphabet + ["ab"]
        return [
            "tokenizer.ggml.model": .string("gpt2"),
            "tokenizer.ggml.pre": .string("gpt2"),
            "tokenizer.ggml.tokens": .array(tokens.map { .string($0) }),
            "tokenizer.ggml.token_type": .array(tokens.map { _ in .int32(1) }),
            "tokenizer.ggml.merges": .array([.string("a b")]),
        ]
    }

    func assertLoadFails(_ metadata: [String: GGUFValue], mentions expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Tokenizer(ggufMetadata: metadata, source: "broken.gguf"), file: file, line: line) { error in
            guard let error = error as? ModelFileError else { return XCTFail("not a ModelFileError: \(error)", file: file, line: line) }
            XCTAssertEqual(error.path, "broken.gguf", file: file, line: line)
            XCTAssertTrue(error.reason.contains(expected), "\"\(error.reason)\" should mention \"\(expected)\"", file: file, line: line)
        }
    }

    func testValidFixtureLoads() throws {
        let tokenizer = try Tokenizer(ggufMetadata: Self.gpt2Metadata(), source: "ok.gguf")
        XCTAssertEqual(tokenizer.encode("abc").map { tokenizer.tokenString($0) }, ["ab", "c"])
    }

    func testMalformedGGUFMetadata() {
        var metadata = Self.gpt2Metadata()
        metadata["tokenizer.ggml.model"] = nil
        assertLoadFails(metadata, mentions: "tokenizer.ggml.model is missing")

        metadata = Self.gpt2Metadata()
        metadata["tokenizer.ggml.model"] = .string("bert")
        assertLoadFails(metadata, mentions: "\"bert\" is not supported")

        metadata = Self.gpt2Metadata()
        metadata["tokenizer.ggml.pre"] = .string("mystery")
        assertLoadFails(metadata, mentions: "tokenizer.ggml.pre \"mystery\"")

        metadata = Self.gpt2Metadata()
        metadata["tokenizer.ggml.tokens"] = nil
        assertLoadFails(metadata, mentions: "tokenizer.ggml.tokens is missing")

        metadata = Self.gpt2Metadata()
        metadata["tokenizer.ggml.tokens"] = .array([])
        assertLoadFails(metadata, mentions: "tokenizer.ggml.tokens is empty")

        metadata = Self.gpt2Metadata()
        metadata["tokenizer.ggml.tokens"] = .array([.string("a"), .uint32(3)])
        assertLoadFails(metadata, mentions: "tokenizer.ggml.tokens[1] is not a string")

        metadata = Self.gpt2Metadata()
        metadata["tokenizer.ggml.token_type"] = .array([.int32(1), .int32(1)])
        assertLoadFails(metadata, mentions: "token_type has 2 entries but tokenizer.ggml.tokens has 257")

        metadata = Self.gpt2Metadata()
        metadata["tokenizer.ggml.scores"] = .array([.float32(0)])
        assertLoadFails(metadata, mentions: "scores has 1 entries but tokenizer.ggml.tokens has 257")

        metadata = Self.gpt2Metadata()
        metadata["tokenizer.ggml.token_type"] = .array((0..<257).map { $0 == 5 ? .int32(9) : .int32(1) })
        assertLoadFails(metadata, mentions: "token_type[5] is 9")

        metadata = Self.gpt2Metadata()
        metadata["tokenizer.ggml.merges"] = nil
        assertLoadFails(metadata, mentions: "tokenizer.ggml.merges is missing")

        metadata = Self.gpt2Metadata()
        metadata["tokenizer.ggml.merges"] = .array([.string("a b"), .string("ab zz")])
        assertLoadFails(metadata, mentions: "merge #1 \"ab zz\" uses \"zz\", which is not in the vocabulary")

        metadata = Self.gpt2Metadata()
        metadata["tokenizer.ggml.merges"] = .array([.string("b c")])
        assertLoadFails(metadata, mentions: "makes \"bc\", which is not in the vocabulary")

        metadata = Self.gpt2Metadata()
        metadata["tokenizer.ggml.merges"] = .array([.string("ab")])
        assertLoadFails(metadata, mentions: "merge #0 is not two tokens")

        metadata = Self.gpt2Metadata()
        metadata["tokenizer.ggml.bos_token_id"] = .uint32(999)
        assertLoadFails(metadata, mentions: "bos_token_id is 999, outside the vocabulary of 257 tokens")

        metadata = Self.gpt2Metadata()
        metadata["tokenizer.ggml.add_bos_token"] = .string("yes")
        assertLoadFails(metadata, mentions: "add_bos_token is not a boolean")

        var spm = TokenizerSentencePieceTests.metadata()
        spm["tokenizer.ggml.scores"] = .array([.float32(1), .float32(2)])
        assertLoadFails(spm, mentions: "scores has 2 entries")

        spm = TokenizerSentencePieceTests.metadata()
        if case .array(var types) = spm["tokenizer.ggml.token_type"] {
            types[260] = .int32(6)  // "h" claimed to be a byte token
            spm["tokenizer.ggml.token_type"] = .array(types)
        }
        assertLoadFails(spm, mentions: "has type byte but is not spelled <0xNN>")
    }

    func testMissingFilesAndUnsupportedTokenizerJSON() throws {
        XCTAssertThrowsError(try Tokenizer.load(path: "/nonexistent/model.gguf")) { error in
            XCTAssertTrue("\(error)".contains("no such file"), "\(error)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tokenizer-error-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        XCTAssertThrowsError(try Tokenizer.load(path: directory.path)) { error in
            XCTAssertTrue("\(error)".contains("no tokenizer.json"), "\(error)")
        }
        try Data("{not json".utf8).write(to: directory.appendingPathComponent("tokenizer.json"))
        XCTAssertThrowsError(try Tokenizer.load(path: directory.path)) { error in
            XCTAssertTrue("\(error)".contains("not valid JSON"), "\(error)")
        }

        func assertJSONFails(_ root: [String: Any], mentions expected: String, line: UInt = #line) throws {
            let data = try JSONSerialization.data(withJSONObject: root)
            XCTAssertThrowsError(try Tokenizer(tokenizerJSON: data), line: line) { error in
                XCTAssertTrue("\(error)".contains(expected), "\"\(error)\" should mention \"\(expected)\"", line: line)
            }
        }
        func fixture() throws -> [String: Any] {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: try TokenizerFixtures.byteLevelJSON(merges: [("a", "b")])) as? [String: Any])
        }
        var root = try fixture()
        root["model"] = ["type": "WordPiece", "vocab": ["a": 0]]
        try assertJSONFails(root, mentions: "\"WordPiece\" is not supported")

        root = try fixture()
        root["pre_tokenizer"] = ["type": "Whitespace"]
        root["decoder"] = ["type": "WordPiece"]
        try assertJSONFails(root, mentions: "neither byte-level BPE")

        // SentencePiece-style files with parts that are not supported.
        root = try fixture()
        root["pre_tokenizer"] = ["type": "Metaspace", "replacement": "_", "prepend_scheme": "first", "split": false]
        root["decoder"] = NSNull()
        try assertJSONFails(root, mentions: "Metaspace replacement \"_\" is not supported")
        root["pre_tokenizer"] = ["type": "Metaspace", "replacement": "\u{2581}", "prepend_scheme": "sometimes"]
        try assertJSONFails(root, mentions: "prepend_scheme \"sometimes\" is not supported")
        root["pre_tokenizer"] = ["type": "Metaspace"]
        root["normalizer"] = ["type": "NFKC"]
        try assertJSONFails(root, mentions: "normalizer \"NFKC\" is not supported in a SentencePiece tokenizer.json")
        root["normalizer"] = NSNull()
        root["pre_tokenizer"] = ["type": "Sequence", "pretokenizers": [["type": "Metaspace"], ["type": "Digits"]]]
        try assertJSONFails(root, mentions: "pre-tokenizer \"Digits\" is not supported in a SentencePiece tokenizer.json")
        root["pre_tokenizer"] = NSNull()
        root["normalizer"] = ["type": "Prepend", "prepend": "\u{2581}"]
        try assertJSONFails(root, mentions: "without a Replace")

        root = try fixture()
        root["pre_tokenizer"] = ["type": "Sequence", "pretokenizers": [["type": "Whitespace"], ["type": "ByteLevel"]]]
        try assertJSONFails(root, mentions: "pre-tokenizer \"Whitespace\" is not supported")

        root = try fixture()
        root["normalizer"] = ["type": "Precompiled"]
        try assertJSONFails(root, mentions: "normalizer \"Precompiled\" is not supported")

        root = try fixture()
        var model = try XCTUnwrap(root["model"] as? [String: Any])
        model["merges"] = ["a zz"]
        root["model"] = model
        try assertJSONFails(root, mentions: "uses \"zz\", which is not in the vocabulary")
    }

    func testChatTemplateErrors() throws {
        var metadata = Self.gpt2Metadata()
        let plain = try Tokenizer(ggufMetadata: metadata, source: "t")
        XCTAssertThrowsError(try plain.applyChatTemplate(messages: [ChatMessage(role: "user", content: "hi")])) { error in
            XCTAssertEqual(error as? TokenizerError, .noChatTemplate)
        }
        metadata["tokenizer.chat_template"] = .string("{{ bos_token }}{% for m in messages %}[INST] {{ m.content }} [/INST]{% endfor")
        let unknown = try Tokenizer(ggufMetadata: metadata, source: "t")
        XCTAssertNotNil(unknown.chatTemplateSource)
        XCTAssertNil(unknown.chatTemplate)
        XCTAssertThrowsError(try unknown.applyChatTemplate(messages: [ChatMessage(role: "user", content: "hi")])) { error in
            guard case .unsupportedChatTemplate(let reason) = error as? TokenizerError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("not closed"), reason)
            XCTAssertTrue("\(error)".contains("raw text"))
        }
        // Raw text still works.
        XCTAssertFalse(unknown.encode("[INST] hi [/INST]").isEmpty)
    }
}
