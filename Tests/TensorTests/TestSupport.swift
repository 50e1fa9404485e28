import Tensor
import XCTest

/// The library's seeded generator, so failures reproduce.
typealias SeededGenerator = SeededRandom

extension SeededGenerator {
    /// Uniform in `range`.
    mutating func float(_ range: ClosedRange<Float>) -> Float { Float.random(in: range, using: &self) }
    /// `count` values uniform in `range`, with a few larger ones so blocks differ in scale.
    mutating func floats(_ count: Int, _ range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { index in
            let value = Float.random(in: range, using: &self)
            return index % 11 == 3 ? value * 4 : value
        }
    }
}

/// Runs `body` once on every kernel path this CPU supports, restoring the best path afterwards.
func forEachKernelPath(_ body: (KernelPath) throws -> Void) throws {
    defer { try? Kernels.setPath(Kernels.bestPath) }
    for path in Kernels.supportedPaths {
        try Kernels.setPath(path)
        try body(path)
    }
}

/// A tensor of `dtype` holding `bytes` as `shape`.
func makeTensor(bytes: [UInt8], dtype: DType, shape: [Int]) throws -> Tensor {
    let storage = TensorStorage(allocating: bytes.count)
    bytes.withUnsafeBytes { storage.baseAddress.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
    return try Tensor(storage: storage, dtype: dtype, shape: shape, byteOffset: 0)
}
