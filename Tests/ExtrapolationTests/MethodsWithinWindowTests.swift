import Foundation
import XCTest
import Tensor
import TestSupport
import Transformer
@testable import Extrapolation

/// With the original window larger than the sequence, the methods whose changes start at the
/// window reproduce the unmodified model's logits. (NTK, YaRN and linear change the frequencies
/// at every length by design; with factor 1 they are the identity.)
final class MethodsWithinWindowTests: XCTestCase {
    let tokens = Array(3..<23)

    func logits(_ spec: MethodSpec, window: Int, path: String) throws -> [[Float]] {
        let loaded = try ModelFactory.make(method: spec, maxPositionEmbeddings: window, model: path, threads: 2, precision: .exact)
        var rows: [[Float]] = []
        try loaded.makeSession().append(tokens, logits: .all) { _, row in rows.append(Array(row)) }
        return rows
    }

    func testMethodsReproduceTheOriginalModelInsideTheWindow() throws {
        let model = try TinyCheckpoint().temporaryGGUF()
        defer { model.remove() }
        let path = model.path
        let original = try logits(.original, window: 64, path: path)
        let specs: [MethodSpec] = [.dynamicNTK(factor: 4), .selfExtend(groupSize: 4, windowSize: 32), .chunkLlama(),
                                   .chunkLlama(mscale: false), .ntk(factor: 1), .yarn(factor: 1), .linear(factor: 1)]
        for spec in specs {
            let rows = try logits(spec, window: 64, path: path)
            var worst: Float = 0
            for (a, b) in zip(rows, original) { for (x, y) in zip(a, b) { worst = max(worst, abs(x - y)) } }
            XCTAssertLessThan(worst, 1e-5, "\(spec)")
        }
        let linear = try logits(.linear(factor: 2), window: 64, path: path)
        XCTAssertGreaterThan(zip(linear, original).map { zip($0, $1).map { abs($0 - $1) }.max()! }.max()!, 1e-3,
                             "linear interpolation changes the logits at every length")
    }

    func testFactoryErrors() throws {
        let model = try TinyCheckpoint().temporaryGGUF()
        defer { model.remove() }
        let path = model.path
        XCTAssertThrowsError(try ModelFactory.make(methodName: "rope_magic", model: path)) { XCTAssertTrue("\($0)".contains("rope_magic")) }
        XCTAssertThrowsError(try ModelFactory.make(methodName: "ntk", parameters: ["factor": .string("x")], model: path))
        XCTAssertThrowsError(try ModelFactory.make(method: .original, model: model.directory + "/missing.gguf")) {
            XCTAssertTrue("\($0)".contains("missing.gguf"), "\($0)")
        }
        let loaded = try ModelFactory.make(method: .ntk(factor: 2), maxPositionEmbeddings: 16, model: path, threads: 1)
        XCTAssertEqual(loaded.originalWindow, 16)
        XCTAssertThrowsError(try loaded.checkFits(tokens: 33))
        let session = try loaded.makeSession()
        XCTAssertThrowsError(try session.append(Array(repeating: 5, count: 33))) { XCTAssertTrue("\($0)".contains("at most 32"), "\($0)") }
        try session.append(Array(repeating: 5, count: 32))   // the limit holds for decoding steps too
        XCTAssertThrowsError(try session.append([5])) { XCTAssertTrue("\($0)".contains("at most 32"), "\($0)") }
        let defaultWindow = try ModelFactory.make(method: .original, model: path, threads: 1)
        XCTAssertEqual(defaultWindow.originalWindow, 256, "the model's own context length")
    }
}
