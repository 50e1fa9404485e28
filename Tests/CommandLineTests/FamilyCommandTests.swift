import Foundation
import XCTest
import TestSupport

/// `gali info`, `gali score`, `gali generate --chat` and `gali run --cfg` on the tiny checkpoint of
/// every model family (`Tests/Fixtures/families`), as an HF folder and as a GGUF file.
final class FamilyCommandTests: XCTestCase {
    /// (label, model path, family name) for every fixture in both formats.
    static func models() throws -> [(label: String, path: String, family: String)] {
        var models: [(String, String, String)] = []
        for name in TestResources.familyFixtureNames {
            let folder = TestResources.familyFixtures.appendingPathComponent(name)
            let config = try Tool.json(folder.appendingPathComponent("config.json").path)
            let modelType = try XCTUnwrap(config["model_type"] as? String)
            let family = modelType == "gemma3_text" ? "gemma3" : modelType
            let gguf = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".gguf") }.sorted().first)
            models.append(("\(name)/hf", folder.path, family))
            // llama.cpp writes Mistral as llama: the GGUF file's family is llama.
            models.append(("\(name)/\(gguf)", folder.appendingPathComponent(gguf).path, family == "mistral" ? "llama" : family))
        }
        return models
    }

    func testInfoScoreAndChatOnEveryFamily() throws {
        let text = try temporaryFile("The quick brown fox jumps over the lazy dog, and the dog sleeps on in the sun.")
        let models = try Self.models()
        XCTAssertGreaterThanOrEqual(models.count, 16)
        for model in models {
            let info = Tool.run(["info", "--model", model.path, "--json"])
            XCTAssertEqual(info.status, 0, "\(model.label): \(info.errors)")
            let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(info.output.utf8)) as? [String: Any], model.label)
            XCTAssertEqual(summary["architecture"] as? String, model.family, model.label)

            let score = Tool.run(["score", "--model", model.path, "--file", text, "--max-tokens", "40", "--json", "--threads", "1"])
            XCTAssertEqual(score.status, 0, "\(model.label): \(score.errors)")
            let scored = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(score.output.utf8)) as? [String: Any], model.label)
            let perplexity = try XCTUnwrap((scored["ppl"] as? NSNumber)?.doubleValue, "\(model.label): \(scored)")
            XCTAssertTrue(perplexity > 1 && perplexity.isFinite, "\(model.label) perplexity \(perplexity)")

            let chat = Tool.run(["generate", "--model", model.path, "--prompt", "hello", "--chat", "--max-new-tokens", "4",
                                 "--threads", "1"])
            XCTAssertEqual(chat.status, 0, "\(model.label): \(chat.errors)")
        }
    }

    func testRunConfigOnEveryFamily() throws {
        let results = try Tool.temporaryDirectory("family-run")
        defer { try? FileManager.default.removeItem(atPath: results) }
        for model in try Self.models() {
            let name = "family-" + model.label.replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: ".", with: "-")
            let config = try temporaryFile("""
                exp_name = "\(name)"
                method = "repro_ntk"
                max_pe = 96
                ori_max_position_embeddings = 32
                task = "pg19"
                data_dir = "expcfg/data/tiny/pg19"
                stride = 48

                [params]
                factor = 4.0
                """, name: "\(name).toml")
            let run = Tool.run(["run", "--cfg", config, "--model", model.path, "--workdir", Tool.repositoryRoot,
                                "--results", results, "--threads", "1"])
            XCTAssertEqual(run.status, 0, "\(model.label): \(run.errors)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(results)/pg19/pred/\(name)/records.jsonl"), model.label)
        }
    }
}
