import Foundation
import Extrapolation
import GALI
import XCTest
@testable import Experiments

/// Prompt construction against the reference's exact strings: L-Eval messages and system
/// prompts (`build_chat_leval`, `get_sys_prompt`, outputs recorded by running the reference's
/// functions), LongBench templates (`str.format`), and the reference's slicing rules.
final class PromptConstructionTests: XCTestCase {
    func testLEvalMessagesMatchTheReference() {
        // build_chat_leval("exam_eval", "What is X?", "DOC TEXT", ".../<dataset>.jsonl", model)
        let cases: [(ExperimentConfig.ChatFormat, String, String, String)] = [
            (.llama2, "coursera", "Now you are given a very long document. Please follow the instruction based on this document. For multi-choice questions, there could be a sinlge correct option or multiple correct options. Please only provide the letter corresponding to the answer (like A or AB) when answering. ", "[INST]<<SYS>>\nNow you are given a very long document. Please follow the instruction based on this document. For multi-choice questions, there could be a sinlge correct option or multiple correct options. Please only provide the letter corresponding to the answer (like A or AB) when answering. \n<</SYS>>\n\nDocument is as follows. DOC TEXT \nQuestion: What is X?.  Please directly give the answer without any additional output or explanation [/INST]\nAnswer:"),
            (.llama2, "gsm100", "Given several question answer pairs, you need to follow a similar format to answer the last question. Make sure the response is end with The answer is _ . ", "[INST]<<SYS>>\nGiven several question answer pairs, you need to follow a similar format to answer the last question. Make sure the response is end with The answer is _ . \n<</SYS>>\n\nDOC TEXT\n\nWhat is X?"),
            (.llama2, "codeU", "Now you are given a code base consisting of a large amount of functions and the corresponding comments. In the end, I will call some functions defined in the code base. Please carefully read these codes and comments and answer the question.", "[INST]<<SYS>>\nNow you are given a code base consisting of a large amount of functions and the corresponding comments. In the end, I will call some functions defined in the code base. Please carefully read these codes and comments and answer the question.\n<</SYS>>\n\nDOC TEXT\n\nWhat is X?"),
            (.llama2, "topic_retrieval_longchat", "Below is a record of our previous conversation on many different topics. You are the ASSISTANT, and I am the USER. At the beginning of each topic, the USER will say 'I would like to discuss the topic of <TOPIC>'. Memorize each <TOPIC>. At the end of the record, I will ask you to retrieve the first/second/third topic names. Now the record start. ", "[INST]<<SYS>>\nBelow is a record of our previous conversation on many different topics. You are the ASSISTANT, and I am the USER. At the beginning of each topic, the USER will say 'I would like to discuss the topic of <TOPIC>'. Memorize each <TOPIC>. At the end of the record, I will ask you to retrieve the first/second/third topic names. Now the record start. \n<</SYS>>\n\nDOC TEXT\n\nWhat is X?[/INST]"),
            (.llama2, "sci_fi", "Now you are given a scientific fiction. I will ask you some questions and the answer should be \"True\" or \"False\". Notice that you should answer the question based on the evidence in the document instead of your background knowledge.", "[INST]<<SYS>>\nNow you are given a scientific fiction. I will ask you some questions and the answer should be \"True\" or \"False\". Notice that you should answer the question based on the evidence in the document instead of your background knowledge.\n<</SYS>>\n\nDocument is as follows. DOC TEXT \nQuestion: What is X?.  Please directly give the answer without any additional output or explanation [/INST]\nAnswer:"),
            (.llama2, "quality", "Now you are given a very long document. Please follow the instruction based on this document. For multi-choice questions, there is only a sinlge correct option. Please only provide the letter corresponding to the answer (like A or B) when answering. For other questions, please directly give the concise and accurate answer. ", "[INST]<<SYS>>\nNow you are given a very long document. Please follow the instruction based on this document. For multi-choice questions, there is only a sinlge correct option. Please only provide the letter corresponding to the answer (like A or B) when answering. For other questions, please directly give the concise and accurate answer. \n<</SYS>>\n\nDocument is as follows. DOC TEXT \nQuestion: What is X?.  Please directly give the answer without any additional output or explanation [/INST]\nAnswer:"),
            (.llama3, "coursera", "Now you are given a very long document. Please follow the instruction based on this document. For multi-choice questions, there could be a sinlge correct option or multiple correct options. Please only provide the letter corresponding to the answer (like A or AB) when answering. ", "Document is as follows. DOC TEXT \nQuestion: What is X?.  Please directly give the answer without any additional output or explanation \nAnswer:"),
            (.llama3, "gsm100", "Given several question answer pairs, you need to follow a similar format to answer the last question. Make sure the response is end with The answer is _ . ", "DOC TEXT\n\nWhat is X?"),
            (.llama3, "codeU", "Now you are given a code base consisting of a large amount of functions and the corresponding comments. In the end, I will call some functions defined in the code base. Please carefully read these codes and comments and answer the question.", "DOC TEXT\n\nWhat is X?"),
            (.llama3, "topic_retrieval_longchat", "Below is a record of our previous conversation on many different topics. You are the ASSISTANT, and I am the USER. At the beginning of each topic, the USER will say 'I would like to discuss the topic of <TOPIC>'. Memorize each <TOPIC>. At the end of the record, I will ask you to retrieve the first/second/third topic names. Now the record start. ", "DOC TEXT\n\nWhat is X?"),
            (.llama3, "sci_fi", "Now you are given a scientific fiction. I will ask you some questions and the answer should be \"True\" or \"False\". Notice that you should answer the question based on the evidence in the document instead of your background knowledge.", "Document is as follows. DOC TEXT \nQuestion: What is X?.  Please directly give the answer without any additional output or explanation \nAnswer:"),
            (.llama3, "quality", "Now you are given a very long document. Please follow the instruction based on this document. For multi-choice questions, there is only a sinlge correct option. Please only provide the letter corresponding to the answer (like A or B) when answering. For other questions, please directly give the concise and accurate answer. ", "Document is as follows. DOC TEXT \nQuestion: What is X?.  Please directly give the answer without any additional output or explanation \nAnswer:"),
        ]
        for (format, dataset, system, message) in cases {
            XCTAssertEqual(PromptWrapper.levalSystemPrompt(dataset: dataset), system, dataset)
            XCTAssertEqual(PromptWrapper.levalMessage(format: format, dataset: dataset, instruction: "What is X?", document: "DOC TEXT"),
                           message, "\(format) \(dataset)")
        }
    }

    func testLongBenchTemplatesAreTheReferenceFiles() throws {
        XCTAssertEqual(LongBenchPrompts.templates.count, 21)
        XCTAssertEqual(LongBenchPrompts.maximumNewTokens.count, 21)
        XCTAssertEqual(LongBenchPrompts.maximumNewTokens["gov_report"], 512)
        XCTAssertEqual(LongBenchPrompts.maximumNewTokens["hotpotqa"], 32)
        XCTAssertEqual(Set(LongBenchPrompts.templates.keys), Set(LongBench.datasetMetrics.keys))
        // The shared copy of the reference's JSON, when present, is identical.
        let shared = ProcessInfo.processInfo.environment["GALI_SHARED_DATA"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("shared/data").path
        if let data = FileManager.default.contents(atPath: shared + "/longbench/dataset2prompt.json") {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: String])
            XCTAssertEqual(object, LongBenchPrompts.templates)
        }
        if let data = FileManager.default.contents(atPath: shared + "/longbench/dataset2maxlen.json") {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Int])
            XCTAssertEqual(object, LongBenchPrompts.maximumNewTokens)
        }
    }

    func testLongBenchFormatIsPythonFormat() throws {
        let template = try XCTUnwrap(LongBenchPrompts.templates["lcc"])
        XCTAssertEqual(try LongBenchPrompts.format(template, fields: ["context": "x = 1\n", "input": "", "answers": ["y"]]),
                       "Please complete the code given below. \nx = 1\nNext line of code:\n")
        XCTAssertEqual(try LongBenchPrompts.format("{{a}} {b}", fields: ["b": 3]), "{a} 3")
        XCTAssertThrowsError(try LongBenchPrompts.format("{context}", fields: [:])) { error in
            XCTAssertTrue("\(error)".contains("\"context\""), "\(error)")
        }
    }

    func testPassKeyAndLongBenchWrappingRules() {
        XCTAssertEqual(PromptWrapper.referenceSystemPrompt, "You are a pirate chatbot who always responds in pirate speak!")
        XCTAssertEqual(PromptWrapper.unwrappedLongBenchDatasets, ["trec", "triviaqa", "samsum", "lsht", "lcc", "repobench-p"])
        XCTAssertEqual(PassKeyTask.jsonlQuestion, "What is the pass key? The pass key is ")
    }

    func testPythonSliceBounds() {
        // words[:k] and words[k:] for negative and out-of-range k.
        XCTAssertEqual(LEvalTask.pythonIndex(-2, length: 5), 3)
        XCTAssertEqual(LEvalTask.pythonIndex(-9, length: 5), 0)
        XCTAssertEqual(LEvalTask.pythonIndex(7, length: 5), 5)
        XCTAssertEqual(LEvalTask.pythonIndex(2, length: 5), 2)
    }

    func testPerplexityProtocol() {
        // The reference scores the whole text in one pass for these (SelfExtend: stride = n_tokens).
        let whole = MethodRegistry.standard.descriptors.filter(\.scoresWholeText).map(\.name)
        XCTAssertEqual(Set(whole), ["gali", "chunk_llama", "self_extend"])
        // nll[i] predicts token i + 1; pieces of 3 tokens: tokens 3 and 6 start pieces and the
        // reference does not score them.
        let nll: [Float] = [0, 1, 2, 3, 4, 5, 6]
        XCTAssertEqual(PerplexityTask.referenceLosses(nll, stride: 3), [0, 1, 3, 4, 6])
    }
}
