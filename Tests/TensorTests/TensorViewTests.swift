import Tensor
import XCTest

final class TensorViewTests: XCTestCase {
    /// Element [i, j, k] of a row-major [2, 3, 4] tensor holding 0, 1, 2, ...
    static func value(_ i: Int, _ j: Int, _ k: Int) -> Float { Float(i * 12 + j * 4 + k) }

    func testSliceTransposeReshapeContiguous() throws {
        let base = try Tensor((0..<24).map(Float.init), shape: [2, 3, 4])
        XCTAssertTrue(base.isContiguous)

        let sliced = try base.slice(1, 1..<3)
        XCTAssertEqual(sliced.shape, [2, 2, 4])
        XCTAssertFalse(sliced.isContiguous)
        var expected: [Float] = []
        for i in 0..<2 { for j in 1..<3 { for k in 0..<4 { expected.append(TensorViewTests.value(i, j, k)) } } }
        XCTAssertEqual(try sliced.floatValues(), expected)

        let transposed = try base.transposed(0, 2)
        XCTAssertEqual(transposed.shape, [4, 3, 2])
        expected = []
        for k in 0..<4 { for j in 0..<3 { for i in 0..<2 { expected.append(TensorViewTests.value(i, j, k)) } } }
        XCTAssertEqual(try transposed.floatValues(), expected)
        let packed = try transposed.contiguous()
        XCTAssertTrue(packed.isContiguous)
        XCTAssertEqual(try packed.floatValues(), expected)
        XCTAssertEqual(try packed.reshaped([12, 2]).floatValues(), expected)

        // A slice of a transposed view: columns of the original.
        let column = try transposed.slice(0, 2..<3).slice(1, 1..<2)
        XCTAssertEqual(try column.floatValues(), [TensorViewTests.value(0, 1, 2), TensorViewTests.value(1, 1, 2)])
    }

    func testViewErrors() throws {
        let base = try Tensor((0..<24).map(Float.init), shape: [2, 3, 4])
        XCTAssertThrowsError(try base.slice(3, 0..<1)) { XCTAssertInvalidShape($0) }
        XCTAssertThrowsError(try base.slice(1, 2..<4)) { XCTAssertInvalidShape($0) }
        XCTAssertThrowsError(try base.transposed(0, 5)) { XCTAssertInvalidShape($0) }
        XCTAssertThrowsError(try base.reshaped([5, 5])) { XCTAssertInvalidShape($0) }
        XCTAssertThrowsError(try base.reshaped([-1, -24])) { XCTAssertInvalidShape($0) }
        XCTAssertThrowsError(try base.transposed(0, 1).reshaped([24])) { XCTAssertUnsupported($0) }
        XCTAssertThrowsError(try Tensor([1, 2, 3], shape: [2, 2])) { XCTAssertInvalidShape($0) }
        XCTAssertThrowsError(try Tensor(zeros: [2, -1])) { XCTAssertInvalidShape($0) }
        let storage = TensorStorage(allocating: 64)
        XCTAssertThrowsError(try Tensor(storage: storage, dtype: .f32, shape: [4, 4], byteOffset: 4)) { XCTAssertInvalidShape($0) }
        XCTAssertThrowsError(try Tensor(storage: storage, dtype: .f32, shape: [1], byteOffset: -4)) { XCTAssertInvalidShape($0) }
        XCTAssertThrowsError(try WeightMatrix(base)) { XCTAssertInvalidShape($0) }
        XCTAssertThrowsError(try WeightMatrix(Tensor(zeros: [3, 4]).transposed(0, 1))) { XCTAssertUnsupported($0) }
    }

    func testQuantizedBlocksRestrictViews() throws {
        var rng = SeededGenerator(seed: 41)
        let rows = 4, columns = 64
        let bytes = (0..<rows).flatMap { _ in ReferenceFormats.randomRow(.q4_1, count: columns, using: &rng) }
        let matrix = try makeTensor(bytes: bytes, dtype: .q4_1, shape: [rows, columns])
        let all = ReferenceFormats.dequantize(bytes, dtype: .q4_1, count: rows * columns).map(Float.init)

        XCTAssertEqual(try matrix.slice(0, 1..<3).floatValues(), Array(all[64..<192]))
        let rightHalf = try matrix.slice(1, 32..<64)
        XCTAssertFalse(rightHalf.isContiguous)
        XCTAssertEqual(try rightHalf.floatValues(), (0..<rows).flatMap { all[($0 * 64 + 32)..<($0 * 64 + 64)] })
        XCTAssertEqual(try rightHalf.contiguous().floatValues(), try rightHalf.floatValues())
        XCTAssertNoThrow(try WeightMatrix(matrix.slice(0, 2..<4)))

        XCTAssertThrowsError(try matrix.slice(1, 16..<48)) { XCTAssertUnsupported($0) }
        XCTAssertThrowsError(try matrix.slice(1, 0..<48)) { XCTAssertUnsupported($0) }
        XCTAssertThrowsError(try matrix.transposed(0, 1)) { XCTAssertUnsupported($0) }
        XCTAssertThrowsError(try Tensor(zeros: [2, 48], dtype: .q4_1)) { XCTAssertInvalidShape($0) }
        XCTAssertThrowsError(try matrix.reshaped([8, 48])) { XCTAssertInvalidShape($0) }
        XCTAssertEqual(try matrix.reshaped([8, 32]).floatValues(), all)
        XCTAssertThrowsError(try Tensor(zeros: [2, 100], dtype: .q6_K)) { XCTAssertInvalidShape($0) }
    }
}

func XCTAssertInvalidShape(_ error: Error, file: StaticString = #filePath, line: UInt = #line) {
    guard case TensorError.invalidShape = error else { return XCTFail("expected invalidShape, got \(error)", file: file, line: line) }
}

func XCTAssertUnsupported(_ error: Error, file: StaticString = #filePath, line: UInt = #line) {
    guard case TensorError.unsupported = error else { return XCTFail("expected unsupported, got \(error)", file: file, line: line) }
}
