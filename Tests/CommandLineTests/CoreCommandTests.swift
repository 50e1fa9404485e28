import Foundation
import XCTest
import TestSupport
@testable import GaliCommandLine

/// The everyday commands (score, bench, generate, methods, info, tokenizer commands) on a tiny
/// model, and the bad-input paths of the tool: clear messages, non-zero exits, no crash.
final class CoreCommandTests: XCTestCase {
    let text = "the cat and the dog sat in the sun, and the bird sang on the wall of the old house. " + String(repeating: "it is what it is. ", count: 6)

    func testUsageAndHelp() {
        let bare = Tool.run([])
        XCTAssertEqual(bare.status, 2)
        XCTAssertTrue(bare.output.contains("usage: gali"))
        XCTAssertEqual(Tool.run(["--help"]).status, 0)
        for command in GaliTool.commands {
            let help = Tool.run([command.name, "--help"])
            XCTAssertEqual(help.status, 0, command.name)
            XCTAssertTrue(help.output.contains("usage: gali \(command.name)") || help.output.contains("usage:"), command.name)
        }
        let unknown = Tool.run(["frobnicate"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.errors.contains("unknown command \"frobnicate\""))
    }

    func testBadOptionsAreReportedNotCrashed() throws {
        let file = try temporaryFile(text)
        let cases: [([String], String)] = [
            (["score", "--model", TinyModelFile.path, "--file", file, "--bogus"], "unknown option --bogus"),
            (["score", "--model", TinyModelFile.path], "--file is required"),
            (["score", "--model", TinyModelFile.path, "--file", "/nonexistent/x.txt"], "cannot read /nonexistent/x.txt"),
            (["score", "--model", TinyModelFile.path, "--file", try temporaryFile("")], "is empty"),
            (["score", "--model", TinyModelFile.path, "--file", file, "--threads", "0"], "--threads must be in 1...1024"),
            (["score", "--model", TinyModelFile.path, "--file", file, "--max-tokens", "x"], "--max-tokens needs an integer"),
            (["score", "--model", TinyModelFile.path, "--file", file, "--method", "rope_magic"], "unknown method \"rope_magic\""),
            (["score", "--model", TinyModelFile.path, "--file", file, "--method", "ntk", "--param", "factor"], "--param needs KEY=VALUE"),
            (["score", "--model", TinyModelFile.path, "--file", file, "--method", "ntk"], "parameter factor"),
            (["score", "--model", TinyModelFile.path, "--file", file, "--method", "ntk", "--param", "factor=2", "--ori-window", "16"],
             "supports at most 32 tokens"),
            (["score", "--model", "/nonexistent/model.gguf", "--file", file], "/nonexistent/model.gguf"),
            (["generate", "--model", TinyModelFile.path], "give --prompt or --prompt-file"),
            (["generate", "--model", TinyModelFile.path, "--prompt", "a", "--prompt-file", file], "not both"),
            (["generate", "--model", TinyModelFile.path, "--prompt", "a", "--top-p", "0"], "--top-p must be in"),
            (["generate", "--model", TinyModelFile.path, "--prompt", "a", "--temperature", "-1"], "--temperature must be in"),
            (["bench", "--model", TinyModelFile.path, "--prompt-tokens", "0"], "--prompt-tokens must be in"),
            (["bench", "--model", TinyModelFile.path, "--precision", "turbo"], "--precision must be fast or exact"),
            (["generate", "--model", TinyModelFile.path, "--prompt", ""], "the prompt is empty"),
        ]
        for (arguments, expected) in cases {
            let run = Tool.run(arguments)
            XCTAssertNotEqual(run.status, 0, arguments.joined(separator: " "))
            XCTAssertTrue(run.errors.contains(expected), "\(arguments.joined(separator: " ")): \(run.errors)")
            XCTAssertEqual(run.errors.split(separator: "\n").count, 1, "one-line message: \(run.errors)")
        }
    }

    func testScoreJSON() throws {
        let file = try temporaryFile(text)
        let run = Tool.run(["score", "--model", TinyModelFile.path, "--file", file, "--max-tokens", "30", "--json", "--threads", "2"])
        XCTAssertEqual(run.status, 0, run.errors)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        XCTAssertEqual(object["tokens"] as? Int, 30)
        let nll = try XCTUnwrap(object["nll"] as? [Double])
        XCTAssertEqual(nll.count, 29)
        let mean = try XCTUnwrap(object["mean_nll"] as? Double)
        XCTAssertEqual(mean, nll.reduce(0, +) / 29, accuracy: 1e-4)
        XCTAssertEqual(try XCTUnwrap(object["ppl"] as? Double), exp(mean), accuracy: 1e-3 * exp(mean))
        // the same text scored with a method through --method/--param/--ori-window
        let gali = Tool.run(["score", "--model", TinyModelFile.path, "--file", file, "--max-tokens", "30", "--json",
                            "--method", "dpi", "--param", "local_window=4", "--param", "noise_type=no", "--ori-window", "16"])
        XCTAssertEqual(gali.status, 0, gali.errors)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(gali.output.utf8)) as? [String: Any])
    }

    func testHuggingFaceDirectoryWorksLikeGGUF() throws {
        let directory = try TinyCheckpoint.temporaryDirectory("cli-hf")
        try TinyCheckpoint().writeHuggingFace(to: directory, shards: 2)
        let file = try temporaryFile(text)
        func score(_ model: String) throws -> Double {
            let run = Tool.run(["score", "--model", model, "--file", file, "--max-tokens", "25", "--json", "--exact"])
            XCTAssertEqual(run.status, 0, run.errors)
            return try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])?["mean_nll"] as? Double)
        }
        XCTAssertEqual(try score(directory), try score(TinyModelFile.path), accuracy: 1e-4)
    }

    func testBenchJSONKeys() throws {
        let run = Tool.run(["bench", "--model", TinyModelFile.path, "--prompt-tokens", "40", "--gen-tokens", "5", "--repeat", "1", "--json"])
        XCTAssertEqual(run.status, 0, run.errors)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        for key in ["prompt_tokens", "gen_tokens", "threads", "prefill_tokens_per_s", "decode_tokens_per_s", "peak_rss_mb"] {
            XCTAssertNotNil(object[key], key)
        }
        XCTAssertEqual(object["prompt_tokens"] as? Int, 40)
        XCTAssertGreaterThan(try XCTUnwrap(object["prefill_tokens_per_s"] as? Double), 0)
    }

    func testGenerateIsReproducible() {
        let arguments = ["generate", "--model", TinyModelFile.path, "--prompt", "the cat", "--max-new-tokens", "8",
                         "--temperature", "0.8", "--top-k", "20", "--seed", "4"]
        let first = Tool.run(arguments), second = Tool.run(arguments)
        XCTAssertEqual(first.status, 0, first.errors)
        XCTAssertEqual(first.output, second.output)
        XCTAssertFalse(first.output.isEmpty)
        let chat = Tool.run(["generate", "--model", TinyModelFile.path, "--prompt", "hello", "--chat", "--max-new-tokens", "3"])
        XCTAssertEqual(chat.status, 0, chat.errors)
    }

    func testMethodsListsEveryMethod() {
        let run = Tool.run(["methods"])
        XCTAssertEqual(run.status, 0)
        for name in ["original", "linear", "ntk", "dynamic_ntk", "yarn", "self_extend", "chunk_llama", "gali"] {
            XCTAssertTrue(run.output.contains(name + " ") || run.output.contains(name + "\n"), name)
        }
        XCTAssertTrue(run.output.contains("chunk_coe"))
        XCTAssertTrue(run.output.contains("aliases: dpi"))
    }

    func testInfoAndTokenizerCommands() throws {
        let info = Tool.run(["info", "--model", TinyModelFile.path, "--json"])
        XCTAssertEqual(info.status, 0, info.errors)
        XCTAssertTrue(info.output.contains("\"layers\"") || info.output.contains("layer"), info.output)
        let tokens = Tool.run(["tokenize", "--model", TinyModelFile.path, "--text", "the cat", "--json"])
        XCTAssertEqual(tokens.status, 0, tokens.errors)
        let ids = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(tokens.output.utf8)) as? [String: Any])?["ids"] as? [Int])
        let back = Tool.run(["detokenize", "--model", TinyModelFile.path, "--ids", ids.map(String.init).joined(separator: ",")])
        XCTAssertEqual(back.status, 0, back.errors)
        XCTAssertTrue(back.output.hasPrefix("the cat"))
        let bad = Tool.run(["detokenize", "--model", TinyModelFile.path, "--ids", "1,999999"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.errors.contains("999999"), bad.errors)
        let damaged = try temporaryFile("GGUF but not really", name: "bad.gguf")
        let broken = Tool.run(["info", "--model", damaged])
        XCTAssertNotEqual(broken.status, 0)
        XCTAssertEqual(broken.errors.split(separator: "\n").count, 1)
    }
}
