@testable import Experiments
import Extrapolation
import Foundation
import GALI
import TestSupport
import Transformer
import XCTest
@testable import Tokenizers

/// Task steps that need the default model's tokenizer: chat wrapping, LongBench's middle
/// truncation and L-Eval's word-wise document cut (skipped without the model).
final class TokenizerTaskTests: XCTestCase {
    func tokenizer() throws -> Tokenizer {
        guard let path = Tool.modelPath else { throw XCTSkip("the default model is not available (gali fetch-model)") }
        return try Tokenizer.load(checkpoint: ModelCheckpoint.open(path: path))
    }

    func config(_ text: String) throws -> ExperimentConfig { try ExperimentConfig(parsing: text) }

    func testChatWrappingLikeTheReferenceLlama3Path() throws {
        let tokenizer = try tokenizer()
        let wrapper = PromptWrapper(format: .auto, modelPath: "/models/SmolLM2.gguf", tokenizer: tokenizer, systemPrompt: nil)
        XCTAssertEqual(wrapper.format, .template)
        XCTAssertEqual(try wrapper.generalText("Find the key."),
                       "<|im_start|>system\nYou are a pirate chatbot who always responds in pirate speak!<|im_end|>\n"
                       + "<|im_start|>user\nFind the key.<|im_end|>\n<|im_start|>assistant\n")
        XCTAssertEqual(try wrapper.generalText("x", chat: false), "x")
        XCTAssertEqual(PromptWrapper(format: .auto, modelPath: "/m/Llama-2-7b-chat-hf", tokenizer: tokenizer, systemPrompt: nil).format, .llama2)
        let llama2 = PromptWrapper(format: .llama2, modelPath: "", tokenizer: tokenizer, systemPrompt: nil)
        XCTAssertEqual(try llama2.generalText("Find the key."), "[INST]Find the key.[/INST]")
        let own = PromptWrapper(format: .template, modelPath: "", tokenizer: tokenizer, systemPrompt: "Be brief.")
        XCTAssertTrue(try own.generalText("q").hasPrefix("<|im_start|>system\nBe brief.<|im_end|>"))
        let leval = try own.levalTokens("msg", systemPrompt: PromptWrapper.levalSystemPrompt(dataset: "quality"))
        XCTAssertTrue(try tokenizer.decode(leval).contains("For multi-choice questions, there is only a sinlge correct option."))
        XCTAssertEqual(try PromptWrapper(format: .none, modelPath: "", tokenizer: tokenizer, systemPrompt: nil).generalTokens("abc"), tokenizer.encode("abc"))
    }

    func testTemplateWithoutSystemRoleGetsTheSystemMessageInTheUserTurn() throws {
        let gemma = try Tokenizer.load(path: TestResources.packageRoot.appendingPathComponent("Tests/Fixtures/tokenizers/gemma").path)
        XCTAssertThrowsError(try gemma.applyChatTemplate(messages: [ChatMessage(role: "system", content: "s"), ChatMessage(role: "user", content: "u")],
                                                         addGenerationPrompt: true))
        let wrapper = PromptWrapper(format: .template, modelPath: "", tokenizer: gemma, systemPrompt: "Be brief.")
        let expected = try gemma.applyChatTemplate(messages: [ChatMessage(role: "user", content: "Be brief.\n\nFind the key.")],
                                                   addGenerationPrompt: true)
        XCTAssertEqual(try wrapper.generalText("Find the key."), expected)
        XCTAssertTrue(expected.hasSuffix("<start_of_turn>user\nBe brief.\n\nFind the key.<end_of_turn>\n<start_of_turn>model\n"))
        XCTAssertEqual(try wrapper.levalTokens("msg", systemPrompt: "Sys."),
                       gemma.encode(try gemma.applyChatTemplate(messages: [ChatMessage(role: "user", content: "Sys.\n\nmsg")], addGenerationPrompt: true)))
    }

    func testLongBenchKeepsBothEndsOfLongPrompts() throws {
        let tokenizer = try tokenizer()
        let config = try config("task = \"longbench\"\nexp_name = \"e\"\nmethod = \"original\"\nmax_pe = 1024\nmax_new_tokens = 24\n")
        let task = try LongBenchTask(config: config, paths: PathResolver())
        let words = (0..<3000).map { "w\($0)" }.joined(separator: " ")
        let payload = LongBenchTask.Payload(dataset: "hotpotqa", index: 0, fields: ["context": words, "input": "Who?"], answers: ["x"],
                                            allClasses: [], length: 3000, id: nil)
        let (text, truncated) = try task.prompt(payload, tokenizer: tokenizer)
        XCTAssertTrue(truncated)
        XCTAssertTrue(text.hasPrefix("Answer the question based on the given passages."), String(text.prefix(80)))
        XCTAssertTrue(text.hasSuffix("Question: Who?\nAnswer:"), String(text.suffix(80)))
        let limit = 1024 - 24 - 50
        XCTAssertLessThanOrEqual(abs(tokenizer.encode(text).count - limit / 2 * 2), 4)

        let short = LongBenchTask.Payload(dataset: "hotpotqa", index: 0, fields: ["context": "tiny", "input": "Who?"], answers: ["x"],
                                          allClasses: [], length: 1, id: nil)
        XCTAssertFalse(try task.prompt(short, tokenizer: tokenizer).truncated)
    }

    func testLEvalCutsDocumentsByWords() throws {
        let tokenizer = try tokenizer()
        let config = try config("task = \"leval\"\nexp_name = \"e\"\nmethod = \"original\"\nmax_pe = 1500\n")
        let task = try LEvalTask(config: config, paths: PathResolver())
        // Ordinary words (about one token each): the reference's cut, which shortens by 250 words a
        // round, assumes that; digit-heavy words (one token per digit) can be cut to nothing.
        let vocabulary = ["the", "river", "town", "kept", "a", "clock", "that", "ran", "fast", "and", "nobody", "minded"]
        let document = (0..<3000).map { vocabulary[$0 % vocabulary.count] }.joined(separator: " ") + " END"
        let cut = task.truncatedDocument(document, dataset: "quality", tokenizer: tokenizer)
        XCTAssertLessThanOrEqual(tokenizer.encode(cut).count, 1500 - 512 - 50)
        XCTAssertTrue(cut.hasPrefix("the river town kept "))          // kept from the start
        XCTAssertFalse(cut.hasSuffix("END"))
        let code = task.truncatedDocument(document, dataset: "codeU", tokenizer: tokenizer)
        XCTAssertTrue(code.hasSuffix(" END"))                         // code keeps the end
        XCTAssertLessThanOrEqual(tokenizer.encode(code).count, 1500 - 512 - 50)
        XCTAssertEqual(task.truncatedDocument("short text", dataset: "quality", tokenizer: tokenizer), "short text")
    }
}
