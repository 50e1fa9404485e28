import Foundation
import XCTest
import Extrapolation
import TestSupport
import Transformer
@testable import GALI

/// GALI's noise end to end on a tiny model: reproducible from the seed, independent of batching,
/// absent inside the window, and every variant of the reference's options runs.
final class GALINoiseTests: XCTestCase {
    static let path: String = {
        let directory = (try? TinyCheckpoint.temporaryDirectory("gali-noise")) ?? NSTemporaryDirectory()
        try? TinyCheckpoint().writeGGUF(to: directory + "/tiny.gguf")
        return directory + "/tiny.gguf"
    }()
    let tokens = (0..<70).map { 3 + ($0 * 37) % 290 }

    func logits(_ parameters: GALIParameters, batchSize: Int = 512) throws -> [[Float]] {
        let loaded = try ModelFactory.make(method: .gali(parameters), maxPositionEmbeddings: 32, model: Self.path, threads: 2, precision: .exact)
        var rows: [[Float]] = []
        try loaded.makeSession(batchSize: batchSize).append(tokens, logits: .all) { _, row in rows.append(Array(row)) }
        return rows
    }

    func largestDifference(_ a: [[Float]], _ b: [[Float]], rows: Range<Int>) -> Float {
        rows.map { zip(a[$0], b[$0]).map { abs($0 - $1) }.max()! }.max()!
    }

    func testNoiseIsSeededAndOnlyBeyondTheWindow() throws {
        var noisy = GALIParameters(chunkCoefficient: .fixed(10), localWindow: 8)
        noisy.seed = 1
        let quiet = GALIParameters(chunkCoefficient: .fixed(10), localWindow: 8, noiseType: .no)
        let first = try logits(noisy), again = try logits(noisy), smallBatches = try logits(noisy, batchSize: 3)
        XCTAssertEqual(largestDifference(first, again, rows: 0..<70), 0, "same seed, same result")
        XCTAssertLessThan(largestDifference(first, smallBatches, rows: 0..<70), 1e-4, "noise does not depend on batching")
        let plain = try logits(quiet)
        XCTAssertLessThan(largestDifference(first, plain, rows: 0..<32), 1e-6, "no interpolation, no noise inside W")
        XCTAssertGreaterThan(largestDifference(first, plain, rows: 32..<70), 1e-3, "noise changes the logits beyond W")
        var otherSeed = noisy
        otherSeed.seed = 2
        XCTAssertGreaterThan(largestDifference(first, try logits(otherSeed), rows: 32..<70), 1e-4)
    }

    func testEveryNoiseVariantRuns() throws {
        let variants: [(GALIParameters.NoiseType, Bool, Bool, Bool, Bool)] = [
            (.gaussian, true, true, true, false), (.gaussian, false, false, false, false),
            (.uniform, true, false, true, true), (.uniform, false, false, false, false),
        ]
        let plain = try logits(GALIParameters(chunkCoefficient: .fixed(10), localWindow: 8, noiseType: .no))
        for (type, meanFromRow, onlyInterpolated, scaleStd, maximumFromRow) in variants {
            let parameters = GALIParameters(chunkCoefficient: .fixed(10), localWindow: 8, noiseType: type,
                                            noiseOnlyOnInterpolated: onlyInterpolated, standardDeviationBase: 0.5,
                                            meanFromRow: meanFromRow, scaleStandardDeviation: scaleStd, maximumFromRow: maximumFromRow)
            let rows = try logits(parameters)
            XCTAssertTrue(rows.allSatisfy { $0.allSatisfy(\.isFinite) }, "\(parameters)")
            XCTAssertGreaterThan(largestDifference(rows, plain, rows: 32..<70), 1e-5, "\(parameters)")
        }
    }
}
