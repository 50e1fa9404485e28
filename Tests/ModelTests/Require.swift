import XCTest
import TestSupport

/// Unwraps a test resource or skips the test.
func require<T>(_ value: T?, _ what: String) throws -> T {
    guard let value else { throw XCTSkip("\(what) not available (model: scripts/fetch-model; shared data: ../shared/data)") }
    return value
}
