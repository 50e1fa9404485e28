import Foundation
import XCTest
import CappedDistanceMethod
import Extrapolation
import GALI
import GaliCommandLine
import TestSupport
import Transformer

/// A user's own method registers and runs through `ModelFactory` without touching the library.
final class CustomMethodTests: XCTestCase {
    func testCustomMethodRegistersAndRuns() throws {
        let registry = MethodRegistry()
        for type in MethodRegistry.builtInMethods { try registry.register(type) }
        try registry.register(CappedDistanceMethod.self)
        XCTAssertEqual(try registry.type(named: "rerope").descriptor.name, "capped_distance")

        let model = try TinyCheckpoint().temporaryGGUF()
        defer { model.remove() }
        let path = model.path
        let tokens = Array(4..<44)
        func logits(_ spec: MethodSpec) throws -> [[Float]] {
            let loaded = try ModelFactory.make(method: spec, maxPositionEmbeddings: 128, model: path, threads: 2,
                                               precision: .exact, registry: registry)
            var rows: [[Float]] = []
            try loaded.makeSession().append(tokens, logits: .all) { _, row in rows.append(Array(row)) }
            return rows
        }
        let original = try logits(.original)
        let wide = try logits(MethodSpec(name: "rerope", parameters: ["window": .int(100)]))
        let narrow = try logits(MethodSpec(name: "capped_distance", parameters: ["window": .int(8)]))
        func difference(_ a: [[Float]], _ b: [[Float]], rows: Range<Int>) -> Float {
            rows.map { zip(a[$0], b[$0]).map { abs($0 - $1) }.max()! }.max()!
        }
        XCTAssertLessThan(difference(wide, original, rows: 0..<40), 1e-5, "no distance reaches the cap")
        XCTAssertLessThan(difference(narrow, original, rows: 0..<8), 1e-5, "rows whose distances are all below 8")
        XCTAssertGreaterThan(difference(narrow, original, rows: 9..<40), 1e-4, "capped distances change later rows")
        XCTAssertThrowsError(try registry.make(MethodSpec(name: "rerope", parameters: ["window": .int(200)]), originalWindow: 128))
    }

    /// Registered once in the standard registry, the method is listed by `gali methods` and runs
    /// from a TOML config through `gali run --cfg` and `gali eval`, like a built-in one.
    func testRegisteredMethodIsListedAndRunsFromAConfig() throws {
        try MethodRegistry.standard.register(CappedDistanceMethod.self)
        func gali(_ arguments: [String]) -> (status: Int32, output: String, errors: String) {
            let output = Lines(), errors = Lines()
            let status = GaliTool.run(arguments, output: OutputStreams(writeOut: output.append, writeError: errors.append, errorIsTerminal: false))
            return (status, output.text, errors.text)
        }
        let methods = gali(["methods"])
        XCTAssertEqual(methods.status, 0)
        XCTAssertTrue(methods.output.contains("capped_distance (aliases: rerope)"), methods.output)
        XCTAssertTrue(methods.output.contains("--param window="), methods.output)

        let directory = try TinyCheckpoint.temporaryDirectory("custom-method-run")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TinyCheckpoint().writeGGUF(to: directory + "/tiny.gguf")
        try FileManager.default.createDirectory(atPath: directory + "/texts", withIntermediateDirectories: true)
        try String(repeating: "the cat sat on the mat and looked at the dog. ", count: 20)
            .write(toFile: directory + "/texts/a.txt", atomically: true, encoding: .utf8)
        let config = """
        exp_name = "capped"
        model = "\(directory)/tiny.gguf"
        method = "rerope"
        task = "pg19"
        max_pe = 96
        ori_max_position_embeddings = 32
        data_dir = "\(directory)/texts"
        stride = 16
        precision = "exact"

        [params]
        window = 8
        """
        try config.write(toFile: directory + "/capped.toml", atomically: true, encoding: .utf8)
        let run = gali(["run", "--cfg", directory + "/capped.toml", "--results", directory + "/results"])
        XCTAssertEqual(run.status, 0, run.errors)
        XCTAssertTrue(run.errors.contains("capped_distance"), run.errors)
        let eval = gali(["eval", "--task", "pg19", "--exp", "capped", "--results", directory + "/results"])
        XCTAssertEqual(eval.status, 0, eval.errors)
        let result = try String(contentsOfFile: directory + "/results/pg19/pred/capped/result.json", encoding: .utf8)
        XCTAssertTrue(result.contains("\"method\": \"capped_distance\""), result)
    }
}

/// Collects written text.
private final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var value = ""
    func append(_ piece: String) { lock.lock(); value += piece; lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return value }
}
