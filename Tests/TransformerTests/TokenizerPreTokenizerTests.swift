import Foundation
import XCTest
import Transformer
import Tokenizers

/// The hand-written pre-tokenizer matchers (GPT-2, smollm, Llama 3, Qwen2) against their slow
/// twin, the general regex engine running the same patterns, and the regex engine's own
/// semantics through `tokenizer.json` Split pre-tokenizers.
final class TokenizerPreTokenizerTests: XCTestCase {
    static let gpt2 = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    static let llama3 = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let qwen2 = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    static func split(_ pattern: String, behavior: String = "Isolated", invert: Bool = false) -> [String: Any] {
        ["type": "Split", "pattern": ["Regex": pattern], "behavior": behavior, "invert": invert]
    }
    static let byteLevelOnly: [String: Any] = ["type": "ByteLevel", "add_prefix_space": false, "use_regex": false]
    static func sequence(_ steps: [[String: Any]]) -> [String: Any] { ["type": "Sequence", "pretokenizers": steps] }

    /// Pairs of (fast, slow) pre-tokenizers that must cut every text identically. Wrapping a
    /// pattern in `(?:…)` keeps its meaning but stops it being recognised, so the regex engine
    /// runs it.
    func pipelines() throws -> [(name: String, fast: Tokenizer, slow: Tokenizer)] {
        let gpt2Fast = try TokenizerFixtures.bytesOnly(preTokenizer: ["type": "ByteLevel", "add_prefix_space": false, "use_regex": true])
        let gpt2Slow = try TokenizerFixtures.bytesOnly(preTokenizer: Self.sequence([Self.split("(?:\(Self.gpt2))"), Self.byteLevelOnly]))
        let smolFast = try TokenizerFixtures.bytesOnly(preTokenizer: Self.sequence([
            ["type": "Digits", "individual_digits": true], ["type": "ByteLevel", "add_prefix_space": false, "use_regex": true]]))
        let smolSlow = try TokenizerFixtures.bytesOnly(preTokenizer: Self.sequence([
            Self.split(#"\p{N}"#), Self.split("(?:\(Self.gpt2))"), Self.byteLevelOnly]))
        let llamaFast = try TokenizerFixtures.bytesOnly(preTokenizer: Self.sequence([Self.split(Self.llama3), Self.byteLevelOnly]))
        let llamaSlow = try TokenizerFixtures.bytesOnly(preTokenizer: Self.sequence([Self.split("(?:\(Self.llama3))"), Self.byteLevelOnly]))
        let qwenFast = try TokenizerFixtures.bytesOnly(preTokenizer: Self.sequence([Self.split(Self.qwen2), Self.byteLevelOnly]))
        let qwenSlow = try TokenizerFixtures.bytesOnly(preTokenizer: Self.sequence([Self.split("(?:\(Self.qwen2))"), Self.byteLevelOnly]))
        return [("gpt2", gpt2Fast, gpt2Slow), ("smollm", smolFast, smolSlow), ("llama3", llamaFast, llamaSlow), ("qwen2", qwenFast, qwenSlow)]
    }

    func testFastMatchersAgreeWithRegexEngineOnRandomTexts() throws {
        let pipelines = try pipelines()
        var random = TokenizerFixtures.Random(seed: 20_241_129)
        var texts = TokenizerFixtures.trickyStrings
        for _ in 0..<1500 { texts.append(TokenizerFixtures.randomText(&random)) }
        for pipeline in pipelines {
            var failures = 0
            for text in texts {
                let fast = pipeline.fast.preTokenize(text)
                let slow = pipeline.slow.preTokenize(text)
                if fast != slow {
                    failures += 1
                    if failures <= 3 { XCTFail("\(pipeline.name): \(text.debugDescription)\n fast \(fast)\n slow \(slow)") }
                }
                XCTAssertEqual(fast.joined(), text, "\(pipeline.name) pieces must cover the text")
            }
            XCTAssertEqual(failures, 0, pipeline.name)
        }
    }

    func testGGUFSmolLMPreTokenizerMatchesSlowTwin() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        let slow = try TokenizerFixtures.bytesOnly(preTokenizer: Self.sequence([
            Self.split(#"\p{N}"#), Self.split("(?:\(Self.gpt2))"), Self.byteLevelOnly]))
        var random = TokenizerFixtures.Random(seed: 7)
        for _ in 0..<500 {
            let text = TokenizerFixtures.randomText(&random)
            XCTAssertEqual(tokenizer.preTokenize(text), slow.preTokenize(text), text.debugDescription)
        }
    }

    func testGPT2PatternExamples() throws {
        let tokenizer = try TokenizerFixtures.bytesOnly(preTokenizer: ["type": "ByteLevel", "add_prefix_space": false])
        XCTAssertEqual(tokenizer.preTokenize("Hello world"), ["Hello", " world"])
        XCTAssertEqual(tokenizer.preTokenize("a   b"), ["a", "  ", " b"])
        XCTAssertEqual(tokenizer.preTokenize("end   "), ["end", "   "])
        XCTAssertEqual(tokenizer.preTokenize("it's I'M"), ["it", "'s", " I", "'", "M"])
        XCTAssertEqual(tokenizer.preTokenize("x\ty"), ["x", "\t", "y"])
        XCTAssertEqual(tokenizer.preTokenize("a \n3"), ["a", " ", "\n", "3"])  // smollm gives " \n" (see below)
        XCTAssertEqual(tokenizer.preTokenize("hi!!! 123abc"), ["hi", "!!!", " 123", "abc"])
        XCTAssertEqual(tokenizer.preTokenize("e\u{301}x"), ["e", "\u{301}", "x"])  // combining marks are not letters
    }

    func testSmolLMSplitsEveryNumberFirst() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        XCTAssertEqual(tokenizer.preTokenize(".  99"), [".", "  ", "9", "9"])
        XCTAssertEqual(tokenizer.preTokenize(" \n3"), [" \n", "3"])
        XCTAssertEqual(tokenizer.preTokenize(" ²"), [" ", "²"])
        XCTAssertEqual(tokenizer.preTokenize("v2.0 Ⅻ١"), ["v", "2", ".", "0", " ", "Ⅻ", "١"])
    }

    func testLlama3PatternExamples() throws {
        let tokenizer = try TokenizerFixtures.bytesOnly(preTokenizer: Self.sequence([Self.split(Self.llama3), Self.byteLevelOnly]))
        XCTAssertEqual(tokenizer.preTokenize("1234567"), ["123", "456", "7"])
        XCTAssertEqual(tokenizer.preTokenize("I'LL (go)"), ["I", "'LL", " (", "go", ")"])
        XCTAssertEqual(tokenizer.preTokenize("a\n\n  b"), ["a", "\n\n", " ", " b"])
        XCTAssertEqual(tokenizer.preTokenize("x;\n\ny"), ["x", ";\n\n", "y"])
        XCTAssertEqual(tokenizer.preTokenize("\tword"), ["\tword"])
    }

    func testSplitBehaviours() throws {
        func pieces(_ behavior: String, invert: Bool = false, _ text: String) throws -> [String] {
            try TokenizerFixtures.bytesOnly(preTokenizer: Self.sequence([Self.split("-+", behavior: behavior, invert: invert), Self.byteLevelOnly]))
                .preTokenize(text)
        }
        let text = "a-b--c-"
        XCTAssertEqual(try pieces("Isolated", text), ["a", "-", "b", "--", "c", "-"])
        XCTAssertEqual(try pieces("Removed", text), ["a", "b", "c"])
        XCTAssertEqual(try pieces("MergedWithPrevious", text), ["a-", "b--", "c-"])
        XCTAssertEqual(try pieces("MergedWithNext", "-a-b"), ["-a", "-b"])
        XCTAssertEqual(try pieces("Contiguous", "a--b"), ["a", "--", "b"])
        XCTAssertEqual(try pieces("Removed", invert: true, text), ["-", "--", "-"])
    }

    func testRegexEngineSemantics() throws {
        func pieces(_ pattern: String, _ text: String) throws -> [String] {
            try TokenizerFixtures.bytesOnly(preTokenizer: Self.sequence([Self.split(pattern, behavior: "Removed", invert: true), Self.byteLevelOnly]))
                .preTokenize(text)
        }
        // Matches only (non-matching text is removed).
        XCTAssertEqual(try pieces("a|ab", "ab"), ["a"])                       // first alternative wins
        XCTAssertEqual(try pieces("ab?", "abaa"), ["ab", "a", "a"])
        XCTAssertEqual(try pieces("a+?", "aaa"), ["a", "a", "a"])             // lazy
        XCTAssertEqual(try pieces("a{2,3}", "aaaaaaa"), ["aaa", "aaa"])
        XCTAssertEqual(try pieces("a{2}", "aaaaa"), ["aa", "aa"])
        XCTAssertEqual(try pieces(#"\s+(?!\S)"#, "a   b  "), ["  ", "  "])
        XCTAssertEqual(try pieces(#"\d+(?=px)"#, "10px 20em 30px"), ["10", "30"])
        XCTAssertEqual(try pieces("(?i:abc)", "ABC aBc abd"), ["ABC", "aBc"])
        XCTAssertEqual(try pieces("[^a-c ]+", "abxyzcab q"), ["xyz", "q"])
        XCTAssertEqual(try pieces(#"[\p{Lu}\d]+"#, "abCD12ef"), ["CD12"])
        XCTAssertEqual(try pieces(#"\P{L}+"#, "ab12!c"), ["12!"])
        XCTAssertEqual(try pieces(#"\bword\b"#, "word swordy word"), ["word", "word"])
        XCTAssertEqual(try pieces("^x", "x\nx x"), ["x", "x"])
        XCTAssertEqual(try pieces(#"\x41\u0042[\x{43}-\x{44}]"#, "ABCABD"), ["ABC", "ABD"])
        XCTAssertEqual(try pieces("(?:ab)+", "abababx"), ["ababab"])
        XCTAssertEqual(try pieces("a*+a", "aaa"), [])                         // possessive never gives back
        XCTAssertEqual(try pieces("[a-]+", "a-a b"), ["a-a"])
    }

    func testUnsupportedRegexIsAClearError() throws {
        for (pattern, expected) in [("(?<=a)b", "look-behind"), (#"\p{Han}"#, "Han"), ("(ab", "missing"), ("a)", "unbalanced"), ("*a", "nothing to repeat")] {
            let data = try TokenizerFixtures.byteLevelJSON(preTokenizer: Self.split(pattern))
            XCTAssertThrowsError(try Tokenizer(tokenizerJSON: data)) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(pattern): \(error)")
            }
        }
    }
}
