import Foundation
import XCTest

/// `gali run`, `eval` and `collect` reject bad input with messages that say what is wrong; none
/// of these needs the model.
final class ExperimentCommandErrorTests: XCTestCase {
    func testCommandsAreListed() {
        let usage = Tool.run(["--help"]).output
        for name in ["run", "eval", "collect", "analyze"] { XCTAssertTrue(usage.contains("\n  \(name) "), name) }
        XCTAssertTrue(Tool.run(["run", "--help"]).output.contains("--shard K/N"))
    }

    func testConfigErrorsNameKeyAndLine() throws {
        let directory = try Tool.temporaryDirectory("cfg")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/bad.toml"
        try "task = \"pg19\"\nexp_name = \"e\"\nmethod = \"repro_se\"\nmax_pe = 4096\nstride = 512\n[params]\ngroup_size = 0\nwindow_size = 64\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let run = Tool.run(["run", "--cfg", path])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.errors.contains("bad.toml: line 7: key 'params.group_size'"), run.errors)

        try "task = \"pg19\"\nexp_name = \"e\"\nmethod = \"original\"\nmax_pe = 4096\nstride = 512\nn_garbag = 3\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let unknown = Tool.run(["run", "--cfg", path])
        XCTAssertTrue(unknown.errors.contains("line 6: key 'n_garbag': unknown key"), unknown.errors)

        try "model = \"meta-llama/Llama-2-7b-chat-hf\"\ntask = \"pg19\"\nexp_name = \"e\"\nmethod = \"original\"\nmax_pe = 4096\nstride = 512\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let model = Tool.run(["run", "--cfg", path])
        XCTAssertTrue(model.errors.contains("line 1: key 'model': meta-llama/Llama-2-7b-chat-hf is not a file or folder"), model.errors)

        XCTAssertEqual(Tool.run(["run"]).status, 2)
        XCTAssertTrue(Tool.run(["run", "--cfg", directory + "/missing.toml"]).errors.contains("cannot be read"))
    }

    func testBadShardAndUnknownExperiment() throws {
        let shard = Tool.run(["run", "--cfg", Tool.repositoryRoot + "/expcfg/tiny/pg19_original.toml", "--shard", "2/2"])
        XCTAssertNotEqual(shard.status, 0)
        XCTAssertTrue(shard.errors.contains("shard index 2 is outside 0...1"), shard.errors)
        let directory = try Tool.temporaryDirectory("results")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let eval = Tool.run(["eval", "--task", "passkey", "--exp", "nope", "--results", directory])
        XCTAssertEqual(eval.status, 2)
        XCTAssertTrue(eval.errors.contains("no experiment folder"), eval.errors)
        XCTAssertTrue(Tool.run(["eval", "--task", "pg20", "--exp", "x"]).errors.contains("unknown task"))
        let collect = Tool.run(["collect", "--task", "needle", "--exp", "all", "--results", directory])
        XCTAssertNotEqual(collect.status, 0)
        XCTAssertTrue(collect.errors.contains("no needle experiments"), collect.errors)
    }
}
