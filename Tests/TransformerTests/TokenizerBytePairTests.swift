import Foundation
import XCTest
import Transformer

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
        var random = TokenizerFixtures.Random(state: 99)
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
