import Tensor
import XCTest

final class KernelPathTests: XCTestCase {
    func testNamesAndSupport() throws {
        for path in KernelPath.allCases { XCTAssertEqual(KernelPath(name: path.description), path) }
        XCTAssertNil(KernelPath(name: "sse9"))
        XCTAssertTrue(KernelPath.scalar.isSupported)
        XCTAssertTrue(Kernels.supportedPaths.contains(Kernels.bestPath))
        print("kernel paths on this CPU: \(Kernels.supportedPaths), best \(Kernels.bestPath), now \(Kernels.path)")
    }

    func testSetPathSwitchesAndRejectsUnsupported() throws {
        defer { try? Kernels.setPath(Kernels.bestPath) }
        for path in Kernels.supportedPaths {
            try Kernels.setPath(path)
            XCTAssertEqual(Kernels.path, path)
        }
        for path in KernelPath.allCases where !path.isSupported {
            XCTAssertThrowsError(try Kernels.setPath(path))
        }
    }

    /// The matrix-matrix kernels round identically on every path by construction, but a 1-row
    /// Q4_1 product runs a different kernel on AVX2/AVX-512 (direct) than on scalar (panel),
    /// so results must differ in some bits: proof that setPath switches the code that runs.
    func testSwitchingPathChangesTheKernelThatRuns() throws {
        guard Kernels.supportedPaths.count > 1 else { throw XCTSkip("only the scalar path runs on this CPU") }
        defer { try? Kernels.setPath(Kernels.bestPath) }
        var rng = SeededGenerator(seed: 51)
        let bytes = (0..<64).flatMap { _ in ReferenceFormats.randomRow(.q4_1, count: 576, using: &rng) }
        let weight = try WeightMatrix(makeTensor(bytes: bytes, dtype: .q4_1, shape: [64, 576]))
        let x = rng.floats(576)
        let kernel = LinearKernel(pool: try ThreadPool(threadCount: 1), precision: .fast)
        var outputs: [KernelPath: [Float]] = [:]
        for path in Kernels.supportedPaths {
            try Kernels.setPath(path)
            var y = [Float](repeating: 0, count: 64)
            kernel.apply(weight, input: x, rows: 1, output: &y)
            outputs[path] = y
        }
        for path in Kernels.supportedPaths where path != .scalar {
            XCTAssertNotEqual(outputs[path], outputs[.scalar], "\(path) gave the scalar path's bits")
        }
    }
}
