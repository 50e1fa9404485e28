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
}
