import Foundation
import TestSupport
import XCTest

/// The hostile-input examples of issue 11 through the command line: each is one line naming the
/// flag or key and the problem, with a non-zero exit, and nothing is written outside the results
/// folder.
final class HostileInputCommandTests: XCTestCase {
    /// Files under `directory`, relative, sorted.
    private func files(in directory: String) -> [String] {
        (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? []).sorted()
    }

    private func expectOneLineError(_ arguments: [String], _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        let run = Tool.run(arguments)
        XCTAssertTrue(run.status == 1 || run.status == 2, "\(arguments): status \(run.status)", file: file, line: line)
        XCTAssertTrue(run.errors.contains(expected), "\(arguments): \(run.errors)", file: file, line: line)
        XCTAssertEqual(run.errors.split(separator: "\n").count, 1, "one-line message: \(run.errors)", file: file, line: line)
    }

    func testExperimentNamesCannotLeaveTheResultsFolder() throws {
        let workdir = try Tool.temporaryDirectory("names")
        defer { try? FileManager.default.removeItem(atPath: workdir) }
        let config = workdir + "/pk.toml"
        try "task = \"passkey\"\nexp_name = \"pk\"\nmethod = \"original\"\nmax_pe = 4096\ntimes = 1\nn_garbage = 100\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let results = workdir + "/results"
        for name in ["../../../x", "/abs/path", "a/b", "..", "a\\b", "a\nb", "a\u{0}b", ".hidden", "all"] {
            expectOneLineError(["run", "--cfg", config, "--name", name, "--results", results, "--model", TinyModelFile.path], "--name")
            expectOneLineError(["eval", "--task", "passkey", "--exp", name, "--results", results], name == "all" ? "no passkey experiments" : "--exp")
            expectOneLineError(["collect", "--task", "passkey", "--exp", name, "--results", results], name == "all" ? "no passkey experiments" : "experiment name")
        }
        for name in ["a\\nb", "a\\u0000b", "../x"] {
            try "task = \"passkey\"\nexp_name = \"\(name)\"\nmethod = \"original\"\nmax_pe = 4096\ntimes = 1\nn_garbage = 100\n"
                .write(toFile: config, atomically: true, encoding: .utf8)
            expectOneLineError(["run", "--cfg", config, "--results", results, "--model", TinyModelFile.path], "key 'exp_name'")
        }
        XCTAssertEqual(files(in: workdir), ["pk.toml"], "nothing written")
    }

    func testHugeCountsAreRejectedBeforePlanning() throws {
        let workdir = try Tool.temporaryDirectory("counts")
        defer { try? FileManager.default.removeItem(atPath: workdir) }
        let config = workdir + "/pk.toml"
        for (times, expected) in [("1000000000000", "must be at most 100000, not 1000000000000"),
                                  ("10000000", "must be at most 100000"),
                                  ("12345678901234567890123", "does not fit in 64 bits")] {
            try "task = \"passkey\"\nexp_name = \"pk\"\nmethod = \"original\"\nmax_pe = 4096\ntimes = \(times)\nn_garbage = 100\n"
                .write(toFile: config, atomically: true, encoding: .utf8)
            expectOneLineError(["run", "--cfg", config, "--check", "--model", TinyModelFile.path], expected)
        }
        try "task = \"needle\"\nexp_name = \"nd\"\nmethod = \"original\"\nmax_pe = 4096\ntimes = 100000\nmin_k = 1\nmax_k = 8\ngap = 1\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        expectOneLineError(["run", "--cfg", config, "--check", "--model", TinyModelFile.path], "more than the limit of 200000")
    }

    func testSmallerHoles() throws {
        let text = try temporaryFile("the cat sat on the mat. the dog sat on the log.")
        expectOneLineError(["score", "--model", TinyModelFile.path, "--file", text, "--method", "ntk", "--param", "factor=2",
                            "--param", "factor=4"], "--param factor is given twice")
        expectOneLineError(["detokenize", "--model", TinyModelFile.path, "--ids", "1,,2"], "--ids: empty item")
        expectOneLineError(["detokenize", "--model", TinyModelFile.path, "--ids", "1,2,"], "--ids: empty item")
        expectOneLineError(["generate", "--model", TinyModelFile.path, "--prompt", "a", "--stop", ""], "--stop needs a non-empty string")
        expectOneLineError(["score", "--model", TinyModelFile.path, "--file", text, "--max-tokens", "12345678901234567890123"],
                           "--max-tokens 12345678901234567890123 is out of range")
        expectOneLineError(["score", "--model", TinyModelFile.path, "--file", text, "--method", "self_extend", "--param", "group_size=4",
                            "--param", "window_size=256", "--ori-window", "256"],
                           "window_size (256) must be smaller than the original window W (256)")
        XCTAssertEqual(Tool.run(["detokenize", "--model", TinyModelFile.path, "--ids", "1, 2 3"]).status, 0)
    }

    /// The tiny model's heads hold 16 floats, not a whole q8_0 block: refused, not read as garbage.
    func testCacheTypesTheModelCannotUseAreRefused() throws {
        let text = try temporaryFile("the cat sat on the mat. the dog sat on the log.")
        expectOneLineError(["score", "--model", TinyModelFile.path, "--file", text, "--kv-type", "q8_0"],
                           "the q8_0 key/value cache needs a head dimension that is a multiple of 32; this model's is 16")
        expectOneLineError(["score", "--model", TinyModelFile.path, "--file", text, "--kv-type", "q4_0"],
                           "--kv-type must be f32, f16 or q8_0, not \"q4_0\"")
        XCTAssertEqual(Tool.run(["score", "--model", TinyModelFile.path, "--file", text, "--kv-type", "f16"]).status, 0)
    }

    func testBinaryPG19DataFailsTheCheckWithoutFolders() throws {
        let workdir = try Tool.temporaryDirectory("pg19")
        defer { try? FileManager.default.removeItem(atPath: workdir) }
        try Data([0x7F, 0x45, 0x4C, 0x46, 0, 1, 2, 0]).write(to: URL(fileURLWithPath: workdir + "/book.txt"))
        let config = workdir + "/pg.toml"
        try "task = \"pg19\"\nexp_name = \"pg\"\nmethod = \"original\"\nmax_pe = 256\nstride = 128\ndata_dir = \"\(workdir)/book.txt\"\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        expectOneLineError(["run", "--cfg", config, "--check", "--model", TinyModelFile.path], "is a binary file")
        expectOneLineError(["run", "--cfg", config, "--model", TinyModelFile.path, "--results", workdir + "/results"], "is a binary file")
        XCTAssertEqual(files(in: workdir), ["book.txt", "pg.toml"], "no results folder left behind")
    }
}
