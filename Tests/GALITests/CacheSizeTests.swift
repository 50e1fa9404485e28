import XCTest
import Foundation
import Tensor
import TestSupport
import Extrapolation
import GALI

/// `LoadedModel.cacheBytes`, which `checkFits` compares with the machine's memory, is what a
/// session's cache really allocates, for every cache type and for methods that keep extra key
/// rotations and Float32 unrotated keys.
final class CacheSizeTests: XCTestCase {
    func testEstimateMatchesTheAllocatedCache() throws {
        let model = try TinyCheckpoint().temporaryGGUF("cache-size")
        defer { model.remove() }
        let path = model.path
        let tokens = 96   // whole blocks of 16 keys, above the cache's smallest capacity
        for method in [MethodSpec.original, .gali(GALIParameters(chunkCoefficient: .fixed(7), localWindow: 6, noiseType: .no))] {
            var sizes: [CacheElementType: Int] = [:]
            for type in [CacheElementType.f32, .f16] {
                let loaded = try ModelFactory.make(method: method, maxPositionEmbeddings: 24, model: path, threads: 1, cacheType: type)
                let session = try loaded.makeSession(reserving: tokens)
                XCTAssertEqual(loaded.cacheBytes(tokens: tokens), session.cacheBytes, "\(method) \(type)")
                sizes[type] = session.cacheBytes
            }
            XCTAssertLessThan(sizes[.f16] ?? 0, sizes[.f32] ?? 0)
        }
    }
}
