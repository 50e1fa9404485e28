import Foundation
import XCTest
import Transformer
import ModelFiles
import Tokenizers

/// Loading `tokenizer.json` (+ `tokenizer_config.json`, `generation_config.json`).
final class TokenizerHuggingFaceTests: XCTestCase {
    func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tokenizer-hf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return directory
    }

    /// SmolLM2's vocabulary written as a Hugging Face model directory (the layout of the original
    /// repository: Digits + ByteLevel pre-tokenizer, special tokens as added tokens) must
    /// tokenize exactly like the GGUF.
    func testSmolLMAsTokenizerJSONMatchesTheGGUF() throws {
        let gguf = try GGUFFile(path: TokenizerTestSupport.modelPath)
        let reference = try TokenizerTestSupport.smolLM()
        let tokens = try XCTUnwrap(gguf.metadata["tokenizer.ggml.tokens"]?.arrayValue).compactMap { $0.stringValue }
        let types = try XCTUnwrap(gguf.metadata["tokenizer.ggml.token_type"]?.arrayValue).compactMap { $0.intValue }
        let merges = try XCTUnwrap(gguf.metadata["tokenizer.ggml.merges"]?.arrayValue).compactMap { $0.stringValue }
        var vocab: [String: Int] = [:]
        var added: [[String: Any]] = []
        for (id, token) in tokens.enumerated() {
            vocab[token] = id
            if types[id] == 3 {
                added.append(["id": id, "content": token, "special": true, "lstrip": false, "rstrip": false, "normalized": false, "single_word": false])
            }
        }
        let root: [String: Any] = [
            "version": "1.0", "added_tokens": added, "normalizer": NSNull(),
            "pre_tokenizer": ["type": "Sequence", "pretokenizers": [
                ["type": "Digits", "individual_digits": true],
                ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true]]],
            "post_processor": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true],
            "decoder": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true],
            "model": ["type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "continuing_subword_prefix": NSNull(),
                      "end_of_word_suffix": NSNull(), "fuse_unk": false, "byte_fallback": false, "vocab": vocab, "merges": merges],
        ]
        let config: [String: Any] = [
            "add_prefix_space": false, "bos_token": "<|im_start|>", "eos_token": "<|im_end|>", "unk_token": "<|endoftext|>",
            "chat_template": try XCTUnwrap(gguf.metadata["tokenizer.chat_template"]?.stringValue),
        ]
        let directory = try temporaryDirectory()
        try JSONSerialization.data(withJSONObject: root).write(to: directory.appendingPathComponent("tokenizer.json"))
        try JSONSerialization.data(withJSONObject: config).write(to: directory.appendingPathComponent("tokenizer_config.json"))
        try JSONSerialization.data(withJSONObject: ["eos_token_id": [2, 0]]).write(to: directory.appendingPathComponent("generation_config.json"))

        let tokenizer = try Tokenizer.load(path: directory.path)
        XCTAssertEqual(tokenizer.vocabularySize, reference.vocabularySize)
        XCTAssertEqual(tokenizer.bosTokenID, 1)
        XCTAssertEqual(tokenizer.eosTokenID, 2)
        XCTAssertFalse(tokenizer.addsBOS)
        XCTAssertEqual(tokenizer.stopTokenIDs, reference.stopTokenIDs)
        XCTAssertEqual(tokenizer.chatTemplateSource, reference.chatTemplateSource)
        XCTAssertNotNil(tokenizer.chatTemplate)

        let recorded = try TokenizerTestSupport.tokenizerCases()
        let cases = try XCTUnwrap(recorded["cases"] as? [[String: Any]])
        for item in cases {
            let text = try XCTUnwrap(item["text"] as? String)
            XCTAssertEqual(tokenizer.encode(text), try TokenizerTestSupport.ints(item["ids_smollm"]), item["name"] as? String ?? "?")
        }
        let haystack = try String(contentsOfFile: try TokenizerTestSupport.sharedFile("reference/haystack.txt"), encoding: .utf8)
        let slice = String(haystack.prefix(100_000))
        XCTAssertEqual(tokenizer.encode(slice), reference.encode(slice))
        XCTAssertEqual(try tokenizer.decode(tokenizer.encode(slice)), slice)
        // tokenizer.json given as a file works too.
        XCTAssertEqual(try Tokenizer.load(path: directory.appendingPathComponent("tokenizer.json").path).encode("Hello 42"), reference.encode("Hello 42"))
    }

    func testAddedTokensNormalizerPrefixSpaceAndTemplates() throws {
        let added: [[String: Any]] = [
            ["content": "<s>", "special": true],
            ["content": "<mask>", "special": true, "lstrip": true],
            ["content": "<sep>", "special": true, "rstrip": true],
            ["content": "<tool>", "special": false],
        ]
        let postProcessor: [String: Any] = [
            "type": "TemplateProcessing",
            "single": [["SpecialToken": ["id": "<s>", "type_id": 0]], ["Sequence": ["id": "A", "type_id": 0]]],
            "special_tokens": ["<s>": ["id": "<s>", "ids": [256], "tokens": ["<s>"]]],
        ]
        let data = try TokenizerFixtures.byteLevelJSON(addedTokens: added, normalizer: ["type": "Sequence", "normalizers": [["type": "NFC"]]],
                                                       postProcessor: postProcessor)
        let tokenizer = try Tokenizer(tokenizerJSON: data)
        let (s, mask, sep, tool) = (256, 257, 258, 259)
        XCTAssertEqual(tokenizer.bosTokenID, s)
        XCTAssertTrue(tokenizer.addsBOS)
        XCTAssertEqual(tokenizer.encode("a"), [s, 0x61])
        XCTAssertEqual(tokenizer.encode("a", addSpecialTokens: false), [0x61])
        // lstrip eats the space before <mask>; rstrip the spaces after <sep>.
        XCTAssertEqual(tokenizer.encode("a <mask>b<sep>  c", addSpecialTokens: false), [0x61, mask, 0x62, sep, 0x63])
        // Non-special added tokens are matched even without special-token parsing.
        XCTAssertEqual(tokenizer.encode("<tool><s>", addSpecialTokens: false, parseSpecialTokens: false).first, tool)
        XCTAssertFalse(tokenizer.encode("<tool><s>", addSpecialTokens: false, parseSpecialTokens: false).contains(s))
        // NFC: e + combining acute becomes é (C3 A9).
        XCTAssertEqual(tokenizer.encode("e\u{301}", addSpecialTokens: false), [0xC3, 0xA9])

        let prefixed = try Tokenizer(tokenizerJSON: try TokenizerFixtures.byteLevelJSON(
            addedTokens: [["content": "<s>", "special": true]], preTokenizer: ["type": "ByteLevel", "add_prefix_space": true, "use_regex": true]))
        XCTAssertEqual(prefixed.preTokenize("hello world"), [" hello", " world"])
        XCTAssertEqual(prefixed.preTokenize(" hello"), [" hello"])
        // The prefix space is added to every text fragment, also after a special token.
        XCTAssertEqual(prefixed.encode("a<s>b"), [0x20, 0x61, 256, 0x20, 0x62])  // byte tokens have the byte value as id

        // tokenizer_config.json: add_bos_token/eos, chat template as a list of named templates.
        let chatML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
        let config: [String: Any] = [
            "add_bos_token": false, "add_eos_token": true, "eos_token": ["content": "<sep>"],
            "chat_template": [["name": "tool_use", "template": "{{ nope }}"], ["name": "default", "template": chatML]],
        ]
        let configured = try Tokenizer(tokenizerJSON: data, tokenizerConfigJSON: try JSONSerialization.data(withJSONObject: config))
        XCTAssertFalse(configured.addsBOS)
        XCTAssertTrue(configured.addsEOS)
        XCTAssertEqual(configured.encode("a"), [0x61, sep])
        XCTAssertEqual(configured.chatTemplate?.source, chatML)
    }
}
