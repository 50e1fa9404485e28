import Foundation
import XCTest
import CappedDistanceMethod
import Extrapolation
import TestSupport
import Transformer

/// A user's own method registers and runs through `ModelFactory` without touching the library.
final class CustomMethodTests: XCTestCase {
    func testCustomMethodRegistersAndRuns() throws {
        let registry = MethodRegistry()
        for type in MethodRegistry.builtInMethods { try registry.register(type) }
        try registry.register(CappedDistanceMethod.self)
        XCTAssertEqual(try registry.type(named: "rerope").descriptor.name, "capped_distance")

        let directory = try TinyCheckpoint.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/tiny.gguf"
        try TinyCheckpoint().writeGGUF(to: path)
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
}
