import Foundation
import XCTest
import Transformer

/// Parsing and rendering chat templates. Expected strings are what transformers'
/// `apply_chat_template` (Jinja2 with `trim_blocks`, `lstrip_blocks`) gives for the same input;
/// the per-family templates are checked in `TokenizerFamilyTests`.
final class TokenizerChatTemplateTests: XCTestCase {
    static let smolLM2 = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"

    func render(_ source: String, _ messages: [ChatMessage] = [ChatMessage(role: "user", content: "Hi")],
                generationPrompt: Bool = true, tokens: [String: String] = [:]) throws -> String {
        try ChatTemplate(source: source).render(messages: messages, addGenerationPrompt: generationPrompt, specialTokens: tokens)
    }

    func testChatMLWithDefaultSystemMessage() throws {
        let user = ChatMessage(role: "user", content: "Hi")
        XCTAssertEqual(try render(Self.smolLM2, [user]),
                       "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
        XCTAssertEqual(try render(Self.smolLM2, [ChatMessage(role: "system", content: "S"), user], generationPrompt: false),
                       "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n")
        XCTAssertEqual(try render(Self.smolLM2, []), "<|im_start|>assistant\n")
    }

    /// `-` markers, trim_blocks and lstrip_blocks, as Jinja2 applies them.
    func testWhitespaceControl() throws {
        let laidOut = """
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
        XCTAssertEqual(try render(laidOut), "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
        // trim_blocks drops the newline after a block tag; lstrip_blocks the indentation before it.
        XCTAssertEqual(try render("{% if true %}\n  a\n  {% endif %}\nb"), "  a\nb")
        XCTAssertEqual(try render("x  {% if true %}y{% endif %}"), "x  y")
        XCTAssertEqual(try render("{{ 'a' }}\n{# note #}\n  {{- 'b' -}}  \n c"), "a\nbc")
        XCTAssertEqual(try render("{%+ if true %}a{% endif +%}\n"), "a\n")
    }

    func testExpressionsFiltersAndTests() throws {
        XCTAssertEqual(try render("{{ 1 + 2 * 3 }} {{ 7 // 2 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 'ab' ~ 3 }} {{ 'x' * 3 }}"), "7 3 2 3.5 ab3 xxx")
        XCTAssertEqual(try render("{{ messages[0]['content'] | trim | upper }}|{{ messages | length }}|{{ '  a b  '.strip() }}|{{ 'a,b,c'.split(',')[-1] }}",
                                  [ChatMessage(role: "user", content: "  hi  ")]), "HI|1|a b|c")
        XCTAssertEqual(try render("{{ x is defined }} {{ none is none }} {{ 'a' is string }} {{ messages[0] is mapping }} {{ 3 is not string }}"),
                       "False True True True True")
        XCTAssertEqual(try render("{{ 'a' if false else 'b' }}{{ 'c' if true }}{{ 'd' if false }}"), "bc")
        XCTAssertEqual(try render("{{ [1, 2, 3][1:] }} {{ 'hello'[::-1] }} {{ {'k': [1, 'v', none, true]} | tojson }}"),
                       "[2, 3] olleh {\"k\": [1, \"v\", null, true]}")
        XCTAssertEqual(try render("{{ {'a': 1} | tojson(indent=2) }}"), "{\n  \"a\": 1\n}")
        XCTAssertEqual(try render("{{ 'ab' in 'cabd' }} {{ 2 not in [1, 3] }} {{ 'role' in messages[0] }} {{ not 1 == 2 }}"), "True True True True")
        XCTAssertEqual(try render("{{ messages[0].get('missing', 'dflt') }} {{ messages[0].role.title() }} {{ x | default('d') }}"), "dflt User d")
        XCTAssertEqual(try render("{% set ns = namespace(n=0) %}{% for i in range(4) if i != 2 %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}"), "4")
        XCTAssertEqual(try render("{% for a, b in {'x': 1, 'y': 2}.items() %}{{ a }}={{ b }}{{ ',' if not loop.last }}{% endfor %}"), "x=1,y=2")
        XCTAssertEqual(try render("{% for i in [] %}a{% else %}empty{% endfor %}"), "empty")
        XCTAssertEqual(try render("{% for i in range(5) %}{% if i == 3 %}{% break %}{% endif %}{% if i == 1 %}{% continue %}{% endif %}{{ i }}{% endfor %}"), "02")
        XCTAssertEqual(try render("{% set x %}in {{ 'block' }}{% endset %}[{{ x }}]"), "[in block]")
        // `set` inside a loop does not leak out of it (Jinja2 scoping).
        XCTAssertEqual(try render("{% set v = 1 %}{% for i in [1] %}{% set v = 2 %}{% endfor %}{{ v }}"), "1")
        XCTAssertEqual(try render("{{ bos_token }}x", tokens: ["bos_token": "<s>"]), "<s>x")
        XCTAssertEqual(try render("{{ messages | selectattr('role', 'equalto', 'user') | map(attribute='content') | join('+') }}",
                                  [ChatMessage(role: "user", content: "a"), ChatMessage(role: "assistant", content: "b"), ChatMessage(role: "user", content: "c")]),
                       "a+c")
    }

    func testErrors() {
        /// `attempt` throws `TokenizerError.unsupportedChatTemplate` (when `unsupported`) or
        /// `.chatTemplateFailed`, whose reason mentions `fragment`.
        func assertThrows(_ unsupported: Bool, _ fragment: String, line: UInt, _ attempt: () throws -> Any) {
            XCTAssertThrowsError(try attempt(), line: line) { error in
                let reason: String
                switch error as? TokenizerError {
                case .unsupportedChatTemplate(let text)? where unsupported: reason = text
                case .chatTemplateFailed(let text)? where !unsupported: reason = text
                default: return XCTFail("\(error)", line: line)
                }
                XCTAssertTrue(reason.contains(fragment), "\(reason) should mention \(fragment)", line: line)
            }
        }
        func assertUnsupported(_ source: String, _ fragment: String, line: UInt = #line) {
            assertThrows(true, fragment, line: line) { try ChatTemplate(source: source) }
        }
        func assertFails(_ source: String, _ fragment: String, line: UInt = #line) {
            assertThrows(false, fragment, line: line) { try self.render(source) }
        }
        assertUnsupported("{% for message in messages", "not closed")
        assertUnsupported("{% if x %}a", "ends inside a block")
        assertUnsupported("{% macro f() %}{% endmacro %}", "{% macro %} is not supported")
        assertUnsupported("{{ 'a }}", "not closed")
        assertUnsupported("{{ a b }}", "unexpected `b`")
        assertUnsupported("{{ " + String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500) + " }}", "nested more than")
        assertUnsupported("{{ " + String(repeating: "not ", count: 500) + "x }}", "nested more than")
        // Long chains (left-associative operators, postfix operations, filters) are bounded too.
        assertUnsupported("{{ x" + String(repeating: " + x", count: 300) + " }}", "more than 256 terms")
        assertUnsupported("{{ x" + String(repeating: ".a", count: 300) + " }}", "more than 256 terms")
        assertUnsupported("{{ x" + String(repeating: " | trim", count: 300) + " }}", "more than 256 terms")
        assertUnsupported(String(repeating: "{% if x %}", count: 100) + String(repeating: "{% endif %}", count: 100), "nested more than")
        XCTAssertThrowsError(try ChatTemplate(source: String(repeating: "a", count: ChatTemplate.maximumSourceSize + 1))) { error in
            XCTAssertEqual(error as? TokenizerError, .chatTemplateTooLarge(bytes: ChatTemplate.maximumSourceSize + 1, limit: ChatTemplate.maximumSourceSize))
        }

        assertFails("{{ raise_exception('Roles must alternate') }}", "Roles must alternate")
        assertFails("{% for i in range(1000000) %}{% endfor %}", "range()")
        assertFails("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}", "steps")
        assertFails("{{ 'x' * 100000000 }}", "too long")
        assertFails("{{ undefined_thing.x.y }}{{ 1 + 'a' }}", "unsupported operand")
        assertFails("{{ foo() }}", "foo() is not supported")
        assertFails("{{ 1 | frobnicate }}", "filter frobnicate")
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
