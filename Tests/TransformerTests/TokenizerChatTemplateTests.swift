import Foundation
import XCTest
import Transformer

/// Recognising ChatML templates and rendering conversations.
final class TokenizerChatTemplateTests: XCTestCase {
    static let smolLM2 = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"

    func testRecognition() {
        let smol = ChatTemplate.chatML(defaultSystemMessage: "You are a helpful AI assistant named SmolLM, trained by Hugging Face")
        XCTAssertEqual(ChatTemplate(recognizing: Self.smolLM2), smol)
        // The same template laid out over several lines with whitespace control and double quotes.
        let reformatted = """
            {%- for message in messages %}
                {%- if loop.first and messages[0]["role"] != "system" %}
                    {{- "<|im_start|>system\\nBe brief.<|im_end|>\\n" }}
                {%- endif %}
                {{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}
            {%- endfor %}
            {%- if add_generation_prompt %}
                {{- '<|im_start|>assistant\\n' }}
            {%- endif %}
            """
        XCTAssertEqual(ChatTemplate(recognizing: reformatted), .chatML(defaultSystemMessage: "Be brief."))
        let plain = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
        XCTAssertEqual(ChatTemplate(recognizing: plain), .chatML(defaultSystemMessage: nil))
        // Not ChatML, or ChatML with different output: not recognised.
        XCTAssertNil(ChatTemplate(recognizing: "{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}"))
        XCTAssertNil(ChatTemplate(recognizing: plain.replacingOccurrences(of: "assistant\n", with: "assistant")))
        XCTAssertNil(ChatTemplate(recognizing: plain + "extra text"))
        // A newline right after a block tag is dropped when rendering (trim_blocks), so this is
        // the same template.
        XCTAssertEqual(ChatTemplate(recognizing: plain + "\n"), .chatML(defaultSystemMessage: nil))
        XCTAssertNil(ChatTemplate(recognizing: "{% for message in messages"))
    }

    func testRendering() {
        let template = ChatTemplate.chatML(defaultSystemMessage: "Default.")
        let user = ChatMessage(role: "user", content: "Hi")
        XCTAssertEqual(template.render(messages: [user], addGenerationPrompt: true),
                       "<|im_start|>system\nDefault.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
        XCTAssertEqual(template.render(messages: [ChatMessage(role: "system", content: "S"), user], addGenerationPrompt: false),
                       "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n")
        XCTAssertEqual(template.render(messages: [], addGenerationPrompt: true), "<|im_start|>assistant\n")
        XCTAssertEqual(ChatTemplate.chatML(defaultSystemMessage: nil).render(messages: [user], addGenerationPrompt: true),
                       "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
    }

    func testSmolLMApplyAndEncode() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        let text = try tokenizer.applyChatTemplate(messages: [ChatMessage(role: "user", content: "What is 2+2?")])
        XCTAssertTrue(text.hasPrefix("<|im_start|>system\nYou are a helpful AI assistant named SmolLM"))
        let ids = tokenizer.encode(text)
        XCTAssertEqual(ids.first, 1)
        XCTAssertEqual(Array(ids.suffix(4)), [1, 520, 9531, 198])  // <|im_start|> ass istant \n
        XCTAssertEqual(ids.filter { $0 == 2 }.count, 2)
        XCTAssertTrue(tokenizer.isStopToken(2))
        XCTAssertTrue(tokenizer.isStopToken(0))
        XCTAssertFalse(tokenizer.isStopToken(1))
    }
}
