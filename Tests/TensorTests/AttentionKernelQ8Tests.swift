import XCTest
@testable import Tensor

/// The `q8_0` key/value cache against the plain reference (`PlainQ8_0`): stores and loads byte
/// for byte, and the attention kernels reading it against plain attention over the dequantized
/// numbers.
extension AttentionKernelTests {
    /// Shapes with head sizes that are multiples of 32: rows (32, 96), tiles (64, 128), grouped
    /// heads, 1–4 views, key splits.
    static let q8Shapes = shapes.filter { $0.dim % 32 == 0 } + [
        Case(queries: 11, firstQuery: 30, keys: 41, heads: 6, kvHeads: 2, dim: 96, views: 2),
        Case(queries: 2, firstQuery: 2700, keys: 2702, heads: 3, kvHeads: 1, dim: 32, views: 4),   // key splits, rows
        Case(queries: 17, firstQuery: 0, keys: 17, heads: 8, kvHeads: 8, dim: 128, views: 1),
    ]

    func testQ8StoreAndLoadMatchPlainQ8_0() {
        var random = SeededRandom(seed: 81)
        // groups of different magnitudes, an all-zero group, exact halves (away from zero: 2.5 → 3)
        var floats: [Float] = (0..<(32 * 40)).map { index in
            let magnitude: Float = [1, 1e-6, 3000, 0.01][index / 32 % 4]
            return (random.nextFloat() * 2 - 1) * magnitude
        }
        floats += [Float](repeating: 0, count: 32)
        floats += [127] + (1..<32).map { Float($0 % 2 == 0 ? 2.5 : -0.5) - Float($0 % 5) }
        var stored = [UInt8](repeating: 0, count: CacheElementType.q8_0.byteCount(elements: floats.count))
        var loaded = [Float](repeating: .nan, count: floats.count)
        stored.withUnsafeMutableBytes { CacheElementType.q8_0.store(floats, count: floats.count, into: $0.baseAddress!) }
        stored.withUnsafeBytes { CacheElementType.q8_0.load($0.baseAddress!, count: floats.count, into: &loaded) }
        XCTAssertEqual(stored, PlainQ8_0.rowBytes(floats))
        XCTAssertEqual(loaded.map(\.bitPattern), PlainQ8_0.dequantized(floats).map(\.bitPattern))
        // d = 1: -1.5 → -2, 0.5 → 1 (not 0, as ties-to-even would give), -3.5 → -4
        XCTAssertEqual(Array(loaded[(floats.count - 32)..<(floats.count - 27)]), [127, -2, 1, -4, -2])
        // the error of a round trip is at most half a step (d / 2) plus 127 times the rounding of
        // d to f16 (all of d where it underflows f16, as for the groups of magnitude 1e-6)
        for start in stride(from: 0, to: floats.count, by: 32) {
            let group = floats[start..<(start + 32)]
            let d = group.reduce(Float(0)) { max($0, abs($1)) } / 127
            let bound = d * 0.501 + 127 * abs(d - Float(Float16(d)))
            for index in group.indices { XCTAssertLessThanOrEqual(abs(loaded[index] - floats[index]), bound) }
        }
    }

    /// Attention over a q8_0 cache (every path, tiles, rows, key splits, views, noise, window and
    /// soft-cap) against the naive twin on the dequantized keys and values, and bit for bit
    /// against the kernel over an f32 cache holding those dequantized numbers.
    func testQ8CacheMatchesAttentionOverDequantizedNumbers() throws {
        for (index, c) in Self.q8Shapes.enumerated() {
            let problem = makeProblem(c, seed: UInt64(300 + index))
            let dequantized = rounded(problem, to: .q8_0)
            let scale = 1 / Float(c.dim).squareRoot()
            let window = index % 2 == 0 ? 0 : 40, softCap: Float = index % 3 == 0 ? 0 : 5
            let offsets = (0..<(c.queries * c.heads)).map { Float($0 % 5) * 0.1 }
            let setting = LogitNoise(kind: .gaussian, onlyInterpolated: true, meanFromRow: true,
                                     scaleStandardDeviation: true, standardDeviationBase: 1.5, seed: 11)
            let table = NoiseTable(kind: .gaussian, seed: 11)
            let expected = naive(dequantized, scale: scale, noise: { q, h, j in
                guard problem.interpolated[j] != 0 else { return 0 }
                let i = c.firstQuery + q
                let sigma = Double(Float(i - j) / Float(c.keys) * 1.5)
                return Double(table.number(layer: 2, head: h, query: i, key: j)) * sigma + Double(offsets[q * c.heads + h])
            }, window: window, softCap: Double(softCap))
            try problem.interpolated.withUnsafeBufferPointer { mask in
                try offsets.withUnsafeBufferPointer { rows in
                    let noise = AttentionNoise(setting, layer: 2, table: table, interpolatedKeys: mask.baseAddress, totalKeyCount: c.keys,
                                               rowStatistics: rows.baseAddress)
                    try onEveryPath { path in
                        let actual = try runKernel(problem, scale: scale, noise: noise, window: window, softCap: softCap, cacheType: .q8_0)
                        assertClose(actual, expected, tolerance: 2e-5, "q8_0 cache, case \(index) on \(path): \(c)")
                        let overFloats = try runKernel(dequantized, scale: scale, noise: noise, window: window, softCap: softCap)
                        XCTAssertEqual(actual.map(\.bitPattern), overFloats.map(\.bitPattern), "q8_0 against f32, case \(index) on \(path)")
                    }
                }
            }
        }
    }

    /// The per-key readers (logit, key sums, row maxima, probe) on a q8_0 cache see the dequantized keys.
    func testQ8KeyReadersSeeDequantizedKeys() throws {
        let c = Case(queries: 6, firstQuery: 20, keys: 26, heads: 4, kvHeads: 2, dim: 64, views: 2)
        let problem = makeProblem(c, seed: 77)
        let dequantized = rounded(problem, to: .q8_0)
        let kernel = AttentionKernel(pool: try ThreadPool(threadCount: 2))
        var output = [Float](repeating: 0, count: c.queries * c.heads * c.dim)
        var sums = [Float](repeating: .nan, count: c.kvHeads * c.dim)
        var maxima = [Float](repeating: .nan, count: c.queries * c.heads)
        var grid = [Double](repeating: 0, count: c.keys * c.keys), counts = [Int64](repeating: 0, count: c.keys * c.keys)
        try output.withUnsafeMutableBufferPointer { out in
            try withArguments(problem, scale: 0.25, noise: nil, cacheType: .q8_0, output: out.baseAddress!) { arguments in
                for q in 0..<c.queries {
                    for h in 0..<c.heads {
                        for j in 0...(c.firstQuery + q) {
                            let expected = naiveLogit(dequantized, query: q, head: h, key: j, scale: 0.25, softCap: 0)
                            XCTAssertEqual(Double(try AttentionKernel.logit(arguments, query: q, head: h, key: j)), expected, accuracy: 1e-5)
                        }
                    }
                }
                try AttentionKernel.keySums(arguments, view: 1, into: &sums)
                try kernel.rowMaximum(arguments, into: &maxima)
                try kernel.probe(arguments, probabilities: false, totalLength: c.keys, resolution: c.keys, sums: &grid, counts: &counts)
            }
        }
        for g in 0..<c.kvHeads {
            for t in 0..<c.dim {
                let expected = (0..<c.keys).reduce(0.0) { $0 + Double(dequantized.k[1][(g * c.keys + $1) * c.dim + t]) }
                XCTAssertEqual(Double(sums[g * c.dim + t]), expected, accuracy: 1e-4)
            }
        }
        for q in 0..<c.queries {
            for h in 0..<c.heads {
                let expected = (0..<c.keys).map { naiveLogit(dequantized, query: q, head: h, key: $0, scale: 0.25, softCap: 0) }.max()!
                XCTAssertEqual(Double(maxima[q * c.heads + h]), expected, accuracy: 1e-5)
            }
        }
        let i = c.firstQuery + 2, j = 7
        let expected = (0..<c.heads).reduce(0.0) { $0 + naiveLogit(dequantized, query: 2, head: $1, key: j, scale: 0.25, softCap: 0) }
        XCTAssertEqual(counts[i * c.keys + j], Int64(c.heads))
        XCTAssertEqual(grid[i * c.keys + j], expected, accuracy: 1e-4)
    }

    /// Rotating keys into a q8_0 cache (with and without GALI's blend) writes the plain
    /// quantization of what the same rotation writes into an f32 cache.
    func testQ8RotatedKeysAreThePlainQuantizationOfTheFloatKeys() throws {
        let pool = try ThreadPool(threadCount: 2)
        var random = SeededRandom(seed: 5)
        let kvHeads = 3, dimension = 64, count = 150, capacity = 160
        let keys = (0..<(count * kvHeads * dimension)).map { _ in random.nextFloat() * 4 - 2 }
        let half = dimension / 2
        let frequencies = RotaryFrequencies(inverseFrequencies: (0..<half).map { Float(pow(10000, -2 * Double($0) / Double(dimension))) })
        let table = RotaryTable(frequencies: frequencies, convention: .halfSplit)
        let angles = RotaryAngles(), lower = RotaryAngles()
        (0..<count).map { Float($0 * 3) }.withUnsafeBufferPointer { table.computeAngles($0, into: angles) }
        (0..<count).map { Float($0) * 0.5 }.withUnsafeBufferPointer { table.computeAngles($0, into: lower) }
        let weights = (0..<count).map { Float($0 % 4) / 4 }
        let stride = KeyBlockLayout.floatsPerHead(capacity: capacity, headDimension: dimension)
        for blended in [false, true] {
            var floats = [Float](repeating: 0, count: kvHeads * stride)
            var quantized = [UInt8](repeating: 0, count: CacheElementType.q8_0.byteCount(elements: kvHeads * stride))
            weights.withUnsafeBufferPointer { w in
                for range in [0..<70, 70..<count] {   // two calls, as prefill chunks and decode appends write
                    floats.withUnsafeMutableBytes { out in
                        table.rotateKeys(keys, rowStride: kvHeads * dimension, range: range, keyValueHeads: kvHeads, headDimension: dimension,
                                         angles: angles, blend: blended ? (lower, w.baseAddress!) : nil, into: out.baseAddress!,
                                         outputType: .f32, outputHeadStride: stride, pool: pool)
                    }
                    quantized.withUnsafeMutableBytes { out in
                        table.rotateKeys(keys, rowStride: kvHeads * dimension, range: range, keyValueHeads: kvHeads, headDimension: dimension,
                                         angles: angles, blend: blended ? (lower, w.baseAddress!) : nil, into: out.baseAddress!,
                                         outputType: .q8_0, outputHeadStride: stride, pool: pool)
                    }
                }
            }
            var expected: [UInt8] = []
            for g in 0..<kvHeads {
                var rows = [Float](repeating: 0, count: count * dimension)
                for j in 0..<count {
                    for t in 0..<dimension {
                        rows[j * dimension + t] = floats[g * stride + KeyBlockLayout.offset(key: j, element: t, headDimension: dimension)]
                    }
                }
                expected += PlainQ8_0.keyHeadBytes(rows, dimension: dimension, capacity: capacity)
            }
            XCTAssertEqual(quantized, expected, "blended: \(blended)")
        }
    }

    /// bfloat16 products are not used with a q8_0 cache (their packing reads f32 and f16 caches
    /// only): asking for them gives the Float32 products, bit for bit.
    func testQ8CacheKeepsFloatProducts() throws {
        let c = Case(queries: 20, firstQuery: 10, keys: 30, heads: 6, kvHeads: 3, dim: 64, views: 2)
        let problem = makeProblem(c, seed: 41)
        try onEveryPath { path in
            var used = true
            let asked = try runKernel(problem, scale: 0.125, noise: nil, cacheType: .q8_0, products: .bf16, usedBfloat16: &used)
            XCTAssertFalse(used, "\(path)")
            let float = try runKernel(problem, scale: 0.125, noise: nil, cacheType: .q8_0)
            XCTAssertEqual(asked.map(\.bitPattern), float.map(\.bitPattern), "\(path)")
        }
    }

    /// Head sizes that are not a multiple of 32 are refused, not read as garbage.
    func testQ8CacheRefusesHeadSizesOffTheBlock() throws {
        let c = Case(queries: 2, firstQuery: 0, keys: 2, heads: 2, kvHeads: 1, dim: 48, views: 1)
        let problem = makeProblem(c, seed: 1)
        var output = [Float](repeating: 0, count: c.queries * c.heads * c.dim)
        let kernel = AttentionKernel(pool: try ThreadPool(threadCount: 1))
        XCTAssertThrowsError(try output.withUnsafeMutableBufferPointer { out in
            // the reference cannot lay out 48-float keys; f32 bytes under the q8_0 label suffice
            try withArguments(problem, scale: 1, noise: nil, cacheType: .f32, output: out.baseAddress!) { arguments in
                var relabelled = arguments
                relabelled.cacheType = .q8_0
                try kernel.run(relabelled)
            }
        })
        XCTAssertFalse(CacheElementType.q8_0.supports(headDimension: 48))
        XCTAssertTrue(CacheElementType.q8_0.supports(headDimension: 64))
        XCTAssertTrue(CacheElementType.f16.supports(headDimension: 48))
    }
}
