import Tensor
import XCTest

/// Dequantization of every element type on every kernel path, against the element-wise twins.
final class DequantizeTests: XCTestCase {
    /// Every dequantized value is its twin rounded to Float: q·d (+ m) products are exact in
    /// float for these formats, so at most one or two roundings of 2⁻²⁴ remain.
    func testEveryTypeMatchesTheFormatDefinition() throws {
        var rng = SeededGenerator(seed: 11)
        for dtype in DType.allCases {
            let count = dtype.isQuantized ? dtype.blockSize * (dtype.blockSize == 32 ? 7 : 3) : 101
            let row = ReferenceFormats.randomRow(dtype, count: count, using: &rng)
            let expected = ReferenceFormats.dequantize(row, dtype: dtype, count: count)
            XCTAssertTrue(expected.contains { $0 != 0 }, "\(dtype): random row is all zeros")
            try forEachKernelPath { path in
                var actual = [Float](repeating: .nan, count: count)
                row.withUnsafeBytes { source in
                    Kernels.dequantize(source.baseAddress!, dtype: dtype, count: count, into: &actual)
                }
                for index in 0..<count {
                    let error = abs(Double(actual[index]) - expected[index])
                    XCTAssertLessThanOrEqual(error, abs(expected[index]) * 0x1p-22,
                                             "\(dtype) \(path) element \(index): \(actual[index]) vs \(expected[index])")
                }
            }
        }
    }

    func testFloatValuesOfAQuantizedMatrix() throws {
        var rng = SeededGenerator(seed: 12)
        for dtype in [DType.q4_1, .q8_0, .q6_K, .f16] {
            let columns = dtype.blockSize == 256 ? 512 : 64, rows = 3
            let bytes = (0..<rows).flatMap { _ in ReferenceFormats.randomRow(dtype, count: columns, using: &rng) }
            let tensor = try makeTensor(bytes: bytes, dtype: dtype, shape: [rows, columns])
            let values = try tensor.floatValues()
            let expected = ReferenceFormats.dequantize(bytes, dtype: dtype, count: rows * columns)
            for index in values.indices {
                XCTAssertEqual(Double(values[index]), expected[index], accuracy: abs(expected[index]) * 0x1p-22, "\(dtype) \(index)")
            }
        }
    }
}
