import Foundation
import XCTest
import Transformer
import ModelFiles
import Tokenizers

/// Byte-level BPE merging: hand-derived results on a tiny vocabulary, and the heap-based merge
/// loop against a naive rescanning BPE (its slow twin) on SmolLM2's real merges.
final class TokenizerBytePairTests: XCTestCase {
    /// Vocabulary: the 256 byte tokens, then "ab" (rank 0), "abc" (rank 1), "bc" (rank 2),
    /// "aa" (rank 3), "Ġa" (rank 4).
    func tinyTokenizer() throws -> Tokenizer {
        try Tokenizer(tokenizerJSON: try TokenizerFixtures.byteLevelJSON(merges: [("a", "b"), ("ab", "c"), ("b", "c"), ("a", "a"), (" ", "a")]))
    }

    func spellings(_ tokenizer: Tokenizer, _ text: String) -> [String] {
        tokenizer.encode(text).map { tokenizer.tokenString($0) ?? "?" }
    }

    func testHandDerivedMerges() throws {
        let tokenizer = try tinyTokenizer()
        // a b c: "ab" (rank 0) first, then "ab c" (rank 1).
        XCTAssertEqual(spellings(tokenizer, "abc"), ["abc"])
        // b c a b: "ab" (rank 0) at the end first; then "bc" (rank 2); "c ab" has no rule.
        XCTAssertEqual(spellings(tokenizer, "bcab"), ["bc", "ab"])
        // Equal ranks merge leftmost first: a a a -> aa a; a a a a -> aa aa.
        XCTAssertEqual(spellings(tokenizer, "aaa"), ["aa", "a"])
        XCTAssertEqual(spellings(tokenizer, "aaaa"), ["aa", "aa"])
        // "a b" (rank 0) beats "Ġ a" (rank 4), and "Ġ ab" has no rule.
        XCTAssertEqual(spellings(tokenizer, " ab"), ["Ġ", "ab"])
        XCTAssertEqual(spellings(tokenizer, " a"), ["Ġa"])
        // Bytes outside the merges stay single byte tokens.
        XCTAssertEqual(spellings(tokenizer, "é"), ["Ã", "©"])
        XCTAssertEqual(tokenizer.encode("é"), [0xC3, 0xA9])  // byte tokens have the byte's value as id here
    }

    func testIgnoreMergesUsesWholeVocabularyEntries() throws {
        // Merges "a b" (0), "b c" (1), "a bc" (2) put "ab", "bc" and "abc" in the vocabulary.
        // Ordinary BPE on "abc" merges "ab" first and then has no rule for "ab c"; with
        // ignore_merges the piece "abc" is a vocabulary entry and becomes that token directly.
        let merges = [("a", "b"), ("b", "c"), ("a", "bc")]
        let plain = try Tokenizer(tokenizerJSON: try TokenizerFixtures.byteLevelJSON(merges: merges))
        XCTAssertEqual(spellings(plain, "abc"), ["ab", "c"])
        let ignoring = try Tokenizer(tokenizerJSON: try TokenizerFixtures.byteLevelJSON(merges: merges, modelExtras: ["ignore_merges": true]))
        XCTAssertEqual(spellings(ignoring, "abc"), ["abc"])
        XCTAssertEqual(spellings(ignoring, "abcb"), ["ab", "c", "b"])
    }

    func testMergeLoopMatchesNaiveBPEOnSmolLM() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        let gguf = try GGUFFile(path: TokenizerTestSupport.modelPath)
        let merges = try XCTUnwrap(gguf.metadata["tokenizer.ggml.merges"]?.arrayValue).compactMap { $0.stringValue }
        var ranks: [String: Int] = [:]
        for (rank, merge) in merges.enumerated() where ranks[merge] == nil { ranks[merge] = rank }

        var texts = TokenizerFixtures.trickyStrings
        var random = TokenizerFixtures.Random(seed: 99)
        for _ in 0..<400 { texts.append(TokenizerFixtures.randomText(&random)) }
        let haystack = try String(contentsOfFile: try TokenizerTestSupport.sharedFile("reference/haystack.txt"), encoding: .utf8)
        texts.append(String(haystack.prefix(20_000)))
        texts.append(String(repeating: "a", count: 500))
        texts.append(String(repeating: "=-", count: 200))
        texts.append(String(repeating: "🙂", count: 60))

        for text in texts {
            var expected: [Int] = []
            for piece in tokenizer.preTokenize(text) {
                for spelling in TokenizerFixtures.naiveBPE(piece, ranks: ranks) {
                    expected.append(try XCTUnwrap(tokenizer.tokenID(spelling: spelling), "no token \(spelling)"))
                }
            }
            XCTAssertEqual(tokenizer.encode(text, addSpecialTokens: false, parseSpecialTokens: false), expected, String(text.prefix(60)).debugDescription)
        }
    }
}

/// BOS/EOS flags, pre-tokenizer defaults and concurrent use.
final class TokenizerFlagsTests: XCTestCase {
    func metadata(pre: String, addBOS: Bool?, addEOS: Bool?) -> [String: GGUFValue] {
        let tokens = TokenizerFixtures.byteAlphabet + ["<s>", "</s>"]
        var metadata: [String: GGUFValue] = [
            "tokenizer.ggml.model": .string("gpt2"),
            "tokenizer.ggml.pre": .string(pre),
            "tokenizer.ggml.tokens": .array(tokens.map { .string($0) }),
            "tokenizer.ggml.token_type": .array(tokens.indices.map { .int32($0 < 256 ? 1 : 3) }),
            "tokenizer.ggml.merges": .array([]),
            "tokenizer.ggml.bos_token_id": .uint32(256),
            "tokenizer.ggml.eos_token_id": .uint32(257),
        ]
        if let addBOS { metadata["tokenizer.ggml.add_bos_token"] = .bool(addBOS) }
        if let addEOS { metadata["tokenizer.ggml.add_eos_token"] = .bool(addEOS) }
        return metadata
    }

    func testBOSAndEOSFlags() throws {
        let plain = try Tokenizer(ggufMetadata: metadata(pre: "gpt2", addBOS: nil, addEOS: nil), source: "t")
        XCTAssertEqual(plain.encode("a"), [0x61])
        let both = try Tokenizer(ggufMetadata: metadata(pre: "gpt2", addBOS: true, addEOS: true), source: "t")
        XCTAssertEqual(both.encode("a"), [256, 0x61, 257])
        XCTAssertEqual(both.encode("a", addSpecialTokens: false), [0x61])
        XCTAssertEqual(both.encode(""), [256, 257])
        XCTAssertEqual(both.stopTokenIDs, [257])
        // Llama 3 style pre-tokenizers add BOS unless the file says otherwise.
        let llama = try Tokenizer(ggufMetadata: metadata(pre: "llama-bpe", addBOS: nil, addEOS: nil), source: "t")
        XCTAssertEqual(llama.encode("a"), [256, 0x61])
        XCTAssertEqual(llama.preTokenize("1234567 it'S"), ["123", "456", "7", " it", "'S"])
        let llamaNoBOS = try Tokenizer(ggufMetadata: metadata(pre: "llama-bpe", addBOS: false, addEOS: nil), source: "t")
        XCTAssertEqual(llamaNoBOS.encode("a"), [0x61])
        let qwen = try Tokenizer(ggufMetadata: metadata(pre: "qwen2", addBOS: nil, addEOS: nil), source: "t")
        XCTAssertEqual(qwen.preTokenize("123"), ["1", "2", "3"])
    }

    func testConcurrentEncodingGivesTheSameIDs() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        let haystack = try String(contentsOfFile: try TokenizerTestSupport.sharedFile("reference/haystack.txt"), encoding: .utf8)
        let texts = stride(from: 0, to: 16, by: 1).map { String(haystack.dropFirst($0 * 20_000).prefix(20_000)) }
        let expected = texts.map { tokenizer.encode($0) }
        let results = ResultBox(count: texts.count)
        DispatchQueue.concurrentPerform(iterations: texts.count) { index in
            results.set(index, tokenizer.encode(texts[index]))
        }
        XCTAssertEqual(results.values, expected)
    }
}

/// Collects results written from several threads.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [[Int]]
    init(count: Int) { storage = Array(repeating: [], count: count) }
    func set(_ index: Int, _ value: [Int]) {
        lock.lock()
        storage[index] = value
        lock.unlock()
    }
    var values: [[Int]] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
