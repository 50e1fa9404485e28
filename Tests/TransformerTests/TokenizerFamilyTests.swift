import Foundation
import XCTest
import Transformer

/// Each model family's tokenizer against Hugging Face `tokenizers`: small vocabularies trained
/// with each family's real normalizer / pre-tokenizer / decoder configuration, saved as
/// `tokenizer.json` and as GGUF metadata by `scripts/make-tokenizer-fixtures.py`, with the ids
/// and decoded texts that `tokenizers` produced (`Tests/Fixtures/tokenizers/expected.json`).
final class TokenizerFamilyTests: XCTestCase {
    static let directory = TokenizerTestSupport.packageRoot.appendingPathComponent("Tests/Fixtures/tokenizers")

    static func expected() throws -> [String: [String: Any]] {
        let data = try Data(contentsOf: directory.appendingPathComponent("expected.json"))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
    }

    static func cases(_ family: [String: Any]) throws -> [[String: Any]] {
        try XCTUnwrap(family["cases"] as? [[String: Any]])
    }

    static let families = ["llama3", "qwen2", "qwen35", "deepseek-llm", "deepseek-coder", "falcon", "tekken",
                           "llama2", "mistral", "gemma", "phi3"]

    func testEveryFamilyHasFixtures() throws {
        XCTAssertEqual(Set(try Self.expected().keys), Set(Self.families))
    }

    /// tokenizer.json: ids with and without special tokens, and decoded text with and without
    /// special tokens, exactly as `tokenizers` gives them.
    func testHuggingFaceFilesMatchTokenizers() throws {
        let expected = try Self.expected()
        for name in Self.families {
            let tokenizer = try Tokenizer.load(path: Self.directory.appendingPathComponent(name).path)
            for item in try Self.cases(try XCTUnwrap(expected[name])) {
                let text = try XCTUnwrap(item["text"] as? String)
                let ids = try TokenizerTestSupport.ints(item["ids"])
                XCTAssertEqual(tokenizer.encode(text, addSpecialTokens: false), ids, "\(name): \(text.debugDescription)")
                XCTAssertEqual(tokenizer.encode(text), try TokenizerTestSupport.ints(item["ids_with_special_tokens"]), "\(name) with special tokens: \(text.debugDescription)")
                XCTAssertEqual(try tokenizer.decode(ids), item["decoded"] as? String, "\(name) decode: \(text.debugDescription)")
                XCTAssertEqual(try tokenizer.decode(ids, skipSpecialTokens: true), item["decoded_skipping_special"] as? String,
                               "\(name) decode skipping special tokens: \(text.debugDescription)")
            }
        }
    }

    /// The same vocabularies as GGUF metadata tokenize plain text (no special tokens in it) as
    /// `tokenizers` does. Exception, as in llama.cpp: a GGUF SentencePiece vocabulary puts `▁`
    /// before every text, while the `Metaspace(prepend_scheme: first)` of the Mistral file does not
    /// add one to a text that already starts with a space.
    func testGGUFFilesMatchTokenizers() throws {
        let expected = try Self.expected()
        for name in Self.families {
            let tokenizer = try Tokenizer.load(path: Self.directory.appendingPathComponent(name + ".gguf").path)
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.directory.appendingPathComponent(name + "/tokenizer.json")))
            let added = (json as? [String: Any])?["added_tokens"] as? [[String: Any]] ?? []
            let special = added.compactMap { $0["content"] as? String }
            var compared = 0
            for item in try Self.cases(try XCTUnwrap(expected[name])) {
                let text = try XCTUnwrap(item["text"] as? String)
                if special.contains(where: { text.contains($0) }) { continue }
                if name == "mistral" && text.hasPrefix(" ") { continue }
                let ids = try TokenizerTestSupport.ints(item["ids"])
                XCTAssertEqual(tokenizer.encode(text, addSpecialTokens: false), ids, "\(name).gguf: \(text.debugDescription)")
                XCTAssertEqual(try tokenizer.decode(ids, skipSpecialTokens: true), item["decoded_skipping_special"] as? String, "\(name).gguf decode")
                compared += 1
            }
            XCTAssertGreaterThan(compared, 5, name)
        }
    }
}

/// Each family's real chat template, rendered as transformers' `apply_chat_template` renders it
/// (generation prompt on) for a system + user, a user-only and a multi-turn conversation, from
/// the `tokenizer.json` directory and from the GGUF file; a conversation the template rejects
/// (Gemma has no system role) must fail here too.
final class TokenizerFamilyChatTests: XCTestCase {
    func testTemplatesRenderAsTransformers() throws {
        let expected = try TokenizerFamilyTests.expected()
        let conversations: [String: [ChatMessage]] = [
            "system_user": [ChatMessage(role: "system", content: "You are terse."), ChatMessage(role: "user", content: "  What is 2+2? ")],
            "user_only": [ChatMessage(role: "user", content: "Hello there!")],
            "multi_turn": [ChatMessage(role: "user", content: "Hi"), ChatMessage(role: "assistant", content: " Hello! "), ChatMessage(role: "user", content: "Bye")],
            "tool_result": [ChatMessage(role: "user", content: "Weather?"), ChatMessage(role: "tool", content: "{\"t\": 21}"), ChatMessage(role: "tool", content: "sunny")],
        ]
        var checked = 0
        for name in TokenizerFamilyTests.families {
            guard let chats = expected[name]?["chat"] as? [String: Any] else { continue }
            for path in [name, name + ".gguf"] {
                let tokenizer = try Tokenizer.load(path: TokenizerFamilyTests.directory.appendingPathComponent(path).path)
                for (key, messages) in conversations {
                    if let text = chats[key] as? String {
                        XCTAssertEqual(try tokenizer.applyChatTemplate(messages: messages), text, "\(path) \(key)")
                        checked += 1
                    } else {
                        XCTAssertThrowsError(try tokenizer.applyChatTemplate(messages: messages), "\(path) \(key)") { error in
                            guard case .chatTemplateFailed = error as? TokenizerError else { return XCTFail("\(error)") }
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 40)
    }
}
