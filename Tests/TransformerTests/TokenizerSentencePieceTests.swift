import Foundation
import XCTest
import Transformer
import ModelFiles
import Tokenizers

/// SentencePiece-style BPE (GGUF `llama`) on a small vocabulary built here; the expected ids
/// are derived by hand from the algorithm (highest-scoring mergeable pair first, leftmost on
/// ties; byte fallback for characters without a token).
final class TokenizerSentencePieceTests: XCTestCase {
    /// Ids: 0 `<unk>`, 1 `<s>`, 2 `</s>`, 3...258 `<0x00>`...`<0xFF>`, then `pieces` from 259,
    /// then a user-defined `<tool>`.
    static let pieces: [(String, Float)] = [
        ("▁", -1), ("h", -2), ("e", -2), ("l", -2), ("o", -2), ("w", -2), ("r", -2), ("d", -2),
        ("he", -3), ("ll", -1.5), ("llo", -2.5), ("▁he", -4), ("▁hello", -5), ("hello", -6),
        ("or", -3.5), ("▁w", -3.8), ("▁wor", -4.5), ("ld", -4.2), ("▁world", -5.5), ("a", -1), ("aa", -2),
    ]

    static func metadata(addSpacePrefix: Bool? = nil, addBOS: Bool? = nil) -> [String: GGUFValue] {
        var tokens = ["<unk>", "<s>", "</s>"]
        var types: [Int32] = [2, 3, 3]
        var scores: [Float] = [0, 0, 0]
        for byte in 0..<256 {
            tokens.append("<0x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true) + ">")
            types.append(6)
            scores.append(0)
        }
        for (text, score) in pieces {
            tokens.append(text)
            types.append(1)
            scores.append(score)
        }
        tokens.append("<tool>")
        types.append(4)
        scores.append(0)
        var metadata: [String: GGUFValue] = [
            "tokenizer.ggml.model": .string("llama"),
            "tokenizer.ggml.tokens": .array(tokens.map { .string($0) }),
            "tokenizer.ggml.token_type": .array(types.map { .int32($0) }),
            "tokenizer.ggml.scores": .array(scores.map { .float32($0) }),
            "tokenizer.ggml.bos_token_id": .uint32(1),
            "tokenizer.ggml.eos_token_id": .uint32(2),
            "tokenizer.ggml.unknown_token_id": .uint32(0),
        ]
        if let addSpacePrefix { metadata["tokenizer.ggml.add_space_prefix"] = .bool(addSpacePrefix) }
        if let addBOS { metadata["tokenizer.ggml.add_bos_token"] = .bool(addBOS) }
        return metadata
    }

    func tokenizer(addSpacePrefix: Bool? = nil, addBOS: Bool? = nil) throws -> Tokenizer {
        try Tokenizer(ggufMetadata: Self.metadata(addSpacePrefix: addSpacePrefix, addBOS: addBOS), source: "test vocabulary")
    }

    func id(_ text: String) -> Int {
        259 + (Self.pieces.firstIndex { $0.0 == text } ?? -1000)
    }

    func byte(_ value: Int) -> Int { 3 + value }

    func testHelloWorld() throws {
        let tokenizer = try tokenizer()
        XCTAssertEqual(tokenizer.model, .sentencePieceBPE)
        XCTAssertTrue(tokenizer.addsBOS)  // the default for llama vocabularies
        // "▁hello▁world": ll(-1.5), llo(-2.5), he(-3), or(-3.5), ▁w(-3.8), ▁he(-4), ld(-4.2),
        // ▁wor(-4.5), ▁hello(-5), ▁world(-5.5).
        XCTAssertEqual(tokenizer.encode("hello world"), [1, id("▁hello"), id("▁world")])
        XCTAssertEqual(tokenizer.encode("hello world", addSpecialTokens: false), [id("▁hello"), id("▁world")])
        XCTAssertEqual(tokenizer.preTokenize("hello world"), ["▁hello▁world"])
    }

    func testLeadingSpaceAndTies() throws {
        let tokenizer = try tokenizer()
        // "▁▁hello": ll, llo, he, then ▁he on the second ▁ (the first ▁ + ▁he is not a token),
        // then ▁hello.
        XCTAssertEqual(tokenizer.encode(" hello", addSpecialTokens: false), [id("▁"), id("▁hello")])
        // Equal scores merge leftmost first: "aaa" -> aa a (no prefix space here).
        let bare = try self.tokenizer(addSpacePrefix: false)
        XCTAssertEqual(bare.encode("aaa", addSpecialTokens: false), [id("aa"), id("a")])
        XCTAssertEqual(bare.encode("aaaa", addSpecialTokens: false), [id("aa"), id("aa")])
    }

    func testByteFallback() throws {
        let tokenizer = try tokenizer()
        // "▁hi!": "i" and "!" have no tokens and no pair merges -> bytes 0x69, 0x21.
        XCTAssertEqual(tokenizer.encode("hi!", addSpecialTokens: false), [id("▁"), id("h"), byte(0x69), byte(0x21)])
        // "é" is C3 A9.
        XCTAssertEqual(tokenizer.encode("é", addSpecialTokens: false), [id("▁"), byte(0xC3), byte(0xA9)])
    }

    func testSpecialTokensAndSpacePrefix() throws {
        let tokenizer = try tokenizer()
        // A space is prefixed at the start and after every special token (llama.cpp).
        XCTAssertEqual(tokenizer.encode("<s>hello</s>world"), [1, 1, id("▁hello"), 2, id("▁world")])
        // User-defined tokens are always recognised; control tokens only when parsing.
        XCTAssertEqual(tokenizer.encode("<tool>", addSpecialTokens: false, parseSpecialTokens: false), [tokenizer.vocabularySize - 1])
        XCTAssertFalse(tokenizer.encode("<s>", addSpecialTokens: false, parseSpecialTokens: false).contains(1))
        let noPrefix = try self.tokenizer(addSpacePrefix: false, addBOS: false)
        // ll, llo, he, then "he llo" is the vocabulary entry "hello" (-6).
        XCTAssertEqual(noPrefix.encode("hello"), [id("hello")])
        XCTAssertFalse(noPrefix.addsBOS)
    }

    func testDecode() throws {
        let tokenizer = try tokenizer()
        let ids = tokenizer.encode("hello world")
        XCTAssertEqual(try tokenizer.decode(ids), "<s> hello world")  // as llama.cpp renders BOS
        XCTAssertEqual(try tokenizer.decode(ids, skipSpecialTokens: true), "hello world")
        for text in ["hello world", " hello", "hi! é ok", "  two  spaces ", "日本", "a\nb\tc", ""] {
            XCTAssertEqual(try tokenizer.decode(tokenizer.encode(text, addSpecialTokens: false)), text, text.debugDescription)
        }
        var decoder = tokenizer.makeStreamingDecoder()
        var text = ""
        for id in tokenizer.encode("é hello", addSpecialTokens: false) { text += try decoder.append(id) }
        text += decoder.finish()
        XCTAssertEqual(text, "é hello")
    }
}
