import Tensor
import XCTest

/// `DType` reads its layout from CKernels' type table; the expected values here are ggml's
/// definitions (`ggml.c`, `type_traits`), written out independently of that table.
final class TypeTraitsTests: XCTestCase {
    static let ggml: [DType: (name: String, blockSize: Int, bytesPerBlock: Int)] = [
        .f32: ("F32", 1, 4), .f16: ("F16", 1, 2), .bf16: ("BF16", 1, 2),
        .q4_0: ("Q4_0", 32, 2 + 16), .q4_1: ("Q4_1", 32, 2 + 2 + 16),
        .q5_0: ("Q5_0", 32, 2 + 4 + 16), .q5_1: ("Q5_1", 32, 2 + 2 + 4 + 16),
        .q8_0: ("Q8_0", 32, 2 + 32),
        .q4_K: ("Q4_K", 256, 2 + 2 + 12 + 128), .q5_K: ("Q5_K", 256, 2 + 2 + 12 + 32 + 128),
        .q6_K: ("Q6_K", 256, 128 + 64 + 16 + 2),
    ]

    func testEveryTypeHasGGMLsLayout() {
        XCTAssertEqual(Set(DType.allCases), Set(TypeTraitsTests.ggml.keys))
        for dtype in DType.allCases {
            guard let expected = TypeTraitsTests.ggml[dtype] else { continue }
            XCTAssertEqual(dtype.description, expected.name)
            XCTAssertEqual(dtype.blockSize, expected.blockSize, "\(dtype)")
            XCTAssertEqual(dtype.bytesPerBlock, expected.bytesPerBlock, "\(dtype)")
            XCTAssertEqual(dtype.isQuantized, expected.blockSize > 1, "\(dtype)")
        }
    }

    func testByteCountsFollowTheLayout() {
        XCTAssertEqual(DType.q4_1.byteCount(elements: 576), 18 * 20)
        XCTAssertEqual(DType.q6_K.byteCount(elements: 512), 2 * 210)
        XCTAssertEqual(DType.bf16.byteCount(elements: 7), 14)
        XCTAssertNil(DType.q8_0.byteCount(elements: 33))
        XCTAssertNil(DType.f32.byteCount(elements: -1))
        XCTAssertNil(DType.f32.byteCount(elements: Int.max / 2))   // 4 bytes each overflows
    }
}
