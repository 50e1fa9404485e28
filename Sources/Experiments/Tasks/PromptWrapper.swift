import Foundation
import Transformer
import Tokenizers

/// Turns task prompts into model input tokens the way the reference does for its two model
/// families (`build_chat_lbench`, `build_chat_leval` and `wrap_with_model_special_input` in
/// `pred.py` / `help_funcs.py`):
///
/// * `llama2`: `[INST]prompt[/INST]`, tokenized with the tokenizer's own special tokens;
/// * `llama3` / `template`: the model's chat template with a system message — for pass-key,
///   needle and LongBench prompts the reference's default system message (the one its Llama-3
///   runs used), for L-Eval the task's system prompt; a template that refuses a system role
///   (Gemma's) gets that message at the head of the user turn;
/// * `none`: the prompt as is.
///
/// LongBench's few-shot datasets (`trec`, `triviaqa`, `samsum`, `lsht`, `lcc`, `repobench-p`)
/// are never chat-wrapped, as in the reference.
public struct PromptWrapper {
    /// The resolved wrapping (never `.auto`).
    public let format: ExperimentConfig.ChatFormat
    /// The tokenizer.
    public let tokenizer: Tokenizer
    /// System message for pass-key, needle and LongBench prompts.
    public let systemPrompt: String

    /// The system message the reference gives Llama-3 models when a task has none of its own.
    public static let referenceSystemPrompt = "You are a pirate chatbot who always responds in pirate speak!"

    /// LongBench datasets the reference leaves without chat wrapping.
    public static let unwrappedLongBenchDatasets: Set<String> = ["trec", "triviaqa", "samsum", "lsht", "lcc", "repobench-p"]

    /// A wrapper; `.auto` is resolved from the model path and the tokenizer.
    public init(format: ExperimentConfig.ChatFormat, modelPath: String, tokenizer: Tokenizer, systemPrompt: String?) {
        self.format = PromptWrapper.resolve(format, modelPath: modelPath, tokenizer: tokenizer)
        self.tokenizer = tokenizer
        self.systemPrompt = systemPrompt ?? PromptWrapper.referenceSystemPrompt
    }

    /// `.auto` → `llama2` for paths containing `Llama-2`, `llama3` for `Llama-3`, `template`
    /// when the tokenizer has a chat template, else `none`.
    public static func resolve(_ format: ExperimentConfig.ChatFormat, modelPath: String, tokenizer: Tokenizer) -> ExperimentConfig.ChatFormat {
        guard format == .auto else { return format }
        if modelPath.contains("Llama-2") { return .llama2 }
        if modelPath.contains("Llama-3") { return .llama3 }
        return tokenizer.chatTemplate != nil ? .template : .none
    }

    /// The text of a pass-key, needle or LongBench prompt after wrapping (`chat: false` for the
    /// datasets the reference leaves unwrapped).
    public func generalText(_ prompt: String, chat: Bool = true) throws -> String {
        guard chat else { return prompt }
        switch format {
        case .llama2: return "[INST]\(prompt)[/INST]"
        case .llama3, .template, .auto:
            return try templated(system: systemPrompt, user: prompt)
        case .none: return prompt
        }
    }

    /// Tokens of `generalText`.
    public func generalTokens(_ prompt: String, chat: Bool = true) throws -> [Int] {
        tokenizer.encode(try generalText(prompt, chat: chat))
    }

    /// The reference's L-Eval system prompt for `dataset` (`get_sys_prompt("exam_eval", ...)`).
    public static func levalSystemPrompt(dataset: String) -> String {
        if dataset.contains("gsm") {
            return "Given several question answer pairs, you need to follow a similar format to answer the last question. Make sure the response is end with The answer is _ . "
        } else if dataset.contains("topic") {
            return "Below is a record of our previous conversation on many different topics. You are the ASSISTANT, and I am the USER. At the beginning of each topic, the USER will say 'I would like to discuss the topic of <TOPIC>'. Memorize each <TOPIC>. At the end of the record, I will ask you to retrieve the first/second/third topic names. Now the record start. "
        } else if dataset.contains("coursera") {
            return "Now you are given a very long document. Please follow the instruction based on this document. For multi-choice questions, there could be a sinlge correct option or multiple correct options. Please only provide the letter corresponding to the answer (like A or AB) when answering. "
        } else if dataset.contains("codeU") {
            return "Now you are given a code base consisting of a large amount of functions and the corresponding comments. In the end, I will call some functions defined in the code base. Please carefully read these codes and comments and answer the question."
        } else if dataset.contains("sci_fi") {
            return "Now you are given a scientific fiction. I will ask you some questions and the answer should be \"True\" or \"False\". Notice that you should answer the question based on the evidence in the document instead of your background knowledge."
        }
        return "Now you are given a very long document. Please follow the instruction based on this document. For multi-choice questions, there is only a sinlge correct option. Please only provide the letter corresponding to the answer (like A or B) when answering. For other questions, please directly give the concise and accurate answer. "
    }

    /// The L-Eval message before chat wrapping (`build_chat_leval` with metric `exam_eval`).
    public func levalMessage(dataset: String, instruction: String, document: String) -> String {
        PromptWrapper.levalMessage(format: format, dataset: dataset, instruction: instruction, document: document)
    }

    /// The L-Eval message for wrapping `format`.
    public static func levalMessage(format: ExperimentConfig.ChatFormat, dataset: String, instruction: String, document: String) -> String {
        let system = levalSystemPrompt(dataset: dataset)
        let plain = dataset.contains("gsm") || dataset.contains("codeU") || dataset.contains("topic")
        let exam = "Document is as follows. \(document) \nQuestion: \(instruction).  Please directly give the answer without any additional output or explanation "
        switch format {
        case .llama2:
            let head = "[INST]<<SYS>>\n" + system + "\n<</SYS>>\n\n"
            if dataset.contains("gsm") || dataset.contains("codeU") { return head + document + "\n\n" + instruction }
            if dataset.contains("topic") { return head + document + "\n\n" + instruction + "[/INST]" }
            return head + exam + "[/INST]" + "\nAnswer:"
        default:
            return plain ? document + "\n\n" + instruction : exam + "\nAnswer:"
        }
    }

    /// Tokens of an L-Eval message: chat-wrapped with `systemPrompt` for the template formats
    /// (nil: the reference's default system message), plain for `llama2` and `none`.
    public func levalTokens(_ message: String, systemPrompt: String?) throws -> [Int] {
        switch format {
        case .llama3, .template, .auto:
            return tokenizer.encode(try templated(system: systemPrompt ?? self.systemPrompt, user: message))
        case .llama2, .none:
            return tokenizer.encode(message)
        }
    }

    /// The model's chat template over a system and a user message, ready for the answer. A
    /// template that refuses a system role (Gemma's raises an exception) gets the system message
    /// at the head of the user turn instead.
    private func templated(system: String, user: String) throws -> String {
        do {
            return try tokenizer.applyChatTemplate(messages: [ChatMessage(role: "system", content: system),
                                                              ChatMessage(role: "user", content: user)],
                                                   addGenerationPrompt: true)
        } catch TokenizerError.chatTemplateFailed {
            return try tokenizer.applyChatTemplate(messages: [ChatMessage(role: "user", content: system + "\n\n" + user)],
                                                   addGenerationPrompt: true)
        }
    }
}
