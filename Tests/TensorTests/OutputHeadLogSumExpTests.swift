import Foundation
import Tensor
import XCTest

/// `LinearKernel.logSumExp` (the output head's log-sum-exp and target logit per row, without the
/// rows) against its plain twin: the full logit rows from `apply`, reduced in Double. Shapes
/// span several groups of 16 panels with a partial last panel, on every kernel path, both
/// precisions and a few weight types.
final class OutputHeadLogSumExpTests: XCTestCase {
    let inputs = 256, outputs = 1100   // 34 panels and 12 columns: three groups; 256 columns: one Q6_K block

    func weight(_ dtype: DType, rng: inout SeededGenerator) throws -> WeightMatrix {
        let bytes = (0..<outputs).flatMap { _ in ReferenceFormats.randomRow(dtype, count: inputs, using: &rng) }
        return try WeightMatrix(makeTensor(bytes: bytes, dtype: dtype, shape: [outputs, inputs]))
    }

    /// Targets of `rows` rows: every column kind (first, last, inside) and no target (-1, past the end).
    func targets(_ rows: Int) -> [Int] {
        (0..<rows).map { [0, outputs - 1, 517, -1, outputs, 33][$0 % 6] }
    }

    func testMatchesTheFullRowsReducedInDouble() throws {
        var rng = SeededGenerator(seed: 31)
        let pool = try ThreadPool(threadCount: 2)
        for dtype in [DType.q8_0, .q4_1, .f16, .q6_K] {
            let w = try weight(dtype, rng: &rng)
            try forEachKernelPath { path in
                for precision in Precision.allCases {
                    let kernel = LinearKernel(pool: pool, precision: precision)
                    for rows in [1, 5, 40] {
                        let x = rng.floats(rows * inputs, -2...2)
                        var logits = [Float](repeating: 0, count: rows * outputs)
                        kernel.apply(w, input: x, rows: rows, output: &logits)
                        var logSumExp = [Float](repeating: 0, count: rows), targetLogits = logSumExp
                        let targets = targets(rows)
                        try x.withUnsafeBufferPointer { input in
                            try kernel.prepare(input: input.baseAddress!, rows: rows, columns: inputs)
                            try kernel.logSumExp(w, targets: targets, logSumExp: &logSumExp, targetLogits: &targetLogits)
                        }
                        let label = "\(dtype) \(precision) \(path) rows \(rows)"
                        for r in 0..<rows {
                            let row = logits[(r * outputs)..<((r + 1) * outputs)].map(Double.init)
                            let maximum = row.max()!
                            let expected = maximum + log(row.reduce(0) { $0 + exp($1 - maximum) })
                            XCTAssertEqual(Double(logSumExp[r]), expected, accuracy: 2e-5 * (1 + abs(expected)), label)
                            if (0..<outputs).contains(targets[r]) {
                                let logit = row[targets[r]]
                                XCTAssertEqual(Double(targetLogits[r]), logit, accuracy: 1e-4 * (1 + abs(logit)), label)
                            } else {
                                XCTAssertTrue(targetLogits[r].isNaN, "\(label): no target gives NaN")
                            }
                        }
                    }
                }
            }
        }
    }

    func testResultsDoNotDependOnThreadCount() throws {
        var rng = SeededGenerator(seed: 32)
        let w = try weight(.q4_1, rng: &rng)
        let rows = 29
        let x = rng.floats(rows * inputs, -2...2)
        let results = try [1, 2, 3].map { threads -> [Float] in
            let kernel = LinearKernel(pool: try ThreadPool(threadCount: threads), precision: .fast)
            var logSumExp = [Float](repeating: 0, count: rows), targetLogits = logSumExp
            try x.withUnsafeBufferPointer { input in
                try kernel.prepare(input: input.baseAddress!, rows: rows, columns: inputs)
                try kernel.logSumExp(w, targets: targets(rows), logSumExp: &logSumExp, targetLogits: &targetLogits)
            }
            return logSumExp + targetLogits.map { $0.isNaN ? -1 : $0 }
        }
        XCTAssertEqual(results[1], results[0])
        XCTAssertEqual(results[2], results[0])
    }

    func testMisuseThrows() throws {
        var rng = SeededGenerator(seed: 33)
        let w = try weight(.q8_0, rng: &rng)
        let kernel = LinearKernel(pool: try ThreadPool(threadCount: 1), precision: .fast)
        var logSumExp = [Float](repeating: 0, count: 2), targetLogits = logSumExp
        XCTAssertThrowsError(try kernel.logSumExp(w, targets: [0, 1], logSumExp: &logSumExp, targetLogits: &targetLogits))
        let x = rng.floats(2 * inputs)
        try x.withUnsafeBufferPointer { input in
            try kernel.prepare(input: input.baseAddress!, rows: 2, columns: inputs)
            XCTAssertThrowsError(try kernel.logSumExp(w, targets: [0], logSumExp: &logSumExp, targetLogits: &targetLogits))
        }
    }
}
