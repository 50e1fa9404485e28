import Foundation
import XCTest
import Transformer
import Tokenizers

/// SmolLM2's tokenizer against the shared reference data (`tokenizer_cases.json`, `tokens.json`,
/// `haystack.txt`, the haystack essays).
final class TokenizerReferenceTests: XCTestCase {
    func testMetadata() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        XCTAssertEqual(tokenizer.model, .byteLevelBPE)
        XCTAssertEqual(tokenizer.vocabularySize, 49152)
        XCTAssertEqual(tokenizer.preTokenizerName, "smollm")
        XCTAssertEqual(tokenizer.bosTokenID, 1)
        XCTAssertEqual(tokenizer.eosTokenID, 2)
        XCTAssertEqual(tokenizer.unknownTokenID, 0)
        XCTAssertFalse(tokenizer.addsBOS)
        XCTAssertFalse(tokenizer.addsEOS)
        XCTAssertEqual(tokenizer.stopTokenIDs, [0, 2])
        XCTAssertEqual(tokenizer.tokenString(1), "<|im_start|>")
        XCTAssertEqual(tokenizer.tokenType(1), .control)
        XCTAssertNil(tokenizer.tokenString(49152))
        XCTAssertEqual(try tokenizer.applyChatTemplate(messages: [ChatMessage(role: "user", content: "Hi")]),
                       "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
    }

    func testTrickyStringsMatchLlamaCppIDs() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        let recorded = try TokenizerTestSupport.tokenizerCases()
        let cases = try XCTUnwrap(recorded["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 16)
        for item in cases {
            let name = item["name"] as? String ?? "?"
            let text = try XCTUnwrap(item["text"] as? String)
            let expected = try TokenizerTestSupport.ints(item["ids_smollm"])
            let ids = tokenizer.encode(text, addSpecialTokens: false)
            XCTAssertEqual(ids, expected, "case \(name)")
            if ids != expected, let index = zip(ids, expected).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset ?? (ids.count != expected.count ? min(ids.count, expected.count) : nil) {
                let tokens = try XCTUnwrap(item["tokens_smollm"] as? [String])
                print("case \(name): first difference at \(index): got \(ids[index...].prefix(6).map { tokenizer.tokenString($0) ?? "?" }) expected \(tokens[index...].prefix(6))")
            }
            XCTAssertEqual(try tokenizer.decode(ids), text, "round trip of case \(name)")
        }
    }

    func testChatTemplateCases() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        let recorded = try TokenizerTestSupport.tokenizerCases()
        let cases = try XCTUnwrap(recorded["chat_template_cases"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 2)
        for item in cases {
            let messages = try XCTUnwrap(item["messages"] as? [[String: String]]).map {
                ChatMessage(role: $0["role"] ?? "", content: $0["content"] ?? "")
            }
            let addGenerationPrompt = item["add_generation_prompt"] as? Bool ?? true
            let text = try tokenizer.applyChatTemplate(messages: messages, addGenerationPrompt: addGenerationPrompt)
            XCTAssertEqual(text, item["text"] as? String)
            XCTAssertEqual(tokenizer.encode(text, addSpecialTokens: false), try TokenizerTestSupport.ints(item["ids_smollm"]))
        }
    }

    func testWholeHaystackCountAndHash() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        let reference = try TokenizerTestSupport.tokensReference()
        let text = try String(contentsOfFile: try TokenizerTestSupport.sharedFile("reference/haystack.txt"), encoding: .utf8)
        let ids = tokenizer.encode(text, addSpecialTokens: false)
        XCTAssertEqual(ids.count, reference["n_tokens_total_smollm"] as? Int)
        XCTAssertEqual(Array(ids.prefix(2048)), try TokenizerTestSupport.ints(reference["first_2048"]))
        XCTAssertEqual(Array(ids.suffix(16)), try TokenizerTestSupport.ints(reference["last_16_smollm"]))
        let joined = ids.map(String.init).joined(separator: ",")
        let digest = TokenizerTestSupport.sha256Hex(Array(joined.utf8))
        XCTAssertEqual(digest, reference["sha256_ids_smollm"] as? String)
        XCTAssertEqual(try tokenizer.decode(ids), text)
    }

    func testEveryHaystackEssayRoundTrips() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        let directory = try TokenizerTestSupport.sharedFile("haystack")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".txt") }.sorted()
        XCTAssertFalse(names.isEmpty)
        for name in names {
            let text = try String(contentsOfFile: (directory as NSString).appendingPathComponent(name), encoding: .utf8)
            XCTAssertEqual(try tokenizer.decode(tokenizer.encode(text, addSpecialTokens: false)), text, name)
        }
    }
}
