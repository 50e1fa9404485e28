import Foundation
import XCTest
@testable import Tensor
import CKernels

/// Compares the fused attention kernel with a naive twin that materialises every logit.
final class AttentionKernelTests: XCTestCase {
    struct Case {
        var queries: Int, firstQuery: Int, keys: Int, heads: Int, kvHeads: Int, dim: Int, views: Int
    }

    /// Random problem with blocked keys; returns arrays the naive twin also reads.
    struct Problem {
        var c: Case
        var q: [[Float]]      // per view [queries][heads][dim]
        var k: [[Float]]      // per view [kvHeads][keys][dim] (row layout for the twin)
        var v: [Float]        // [kvHeads][keys][dim]
        var thresholds: [Int32]
        var interpolated: [UInt8]
    }

    func makeProblem(_ c: Case, seed: UInt64) -> Problem {
        var rng = SeededRandom(seed: seed)
        func random(_ n: Int) -> [Float] { (0..<n).map { _ in rng.nextFloat() * 2 - 1 } }
        let q = (0..<c.views).map { _ in random(c.queries * c.heads * c.dim) }
        let k = (0..<c.views).map { _ in random(c.kvHeads * c.keys * c.dim) }
        let v = random(c.kvHeads * c.keys * c.dim)
        var thresholds: [Int32] = []
        for query in 0..<c.queries {
            let i = c.firstQuery + query
            // decreasing thresholds inside 0...i+1, e.g. a neighbour window and a chunk edge
            var t: [Int32] = (0..<(c.views - 1)).map { _ in Int32(Int(rng.next() % UInt64(i + 2))) }
            t.sort(by: >)
            thresholds += t
        }
        let interpolated = (0..<c.keys).map { _ in UInt8(rng.next() % 2) }
        return Problem(c: c, q: q, k: k, v: v, thresholds: thresholds, interpolated: interpolated)
    }

    /// The obvious implementation: for each row, every logit, softmax, weighted sum (Double).
    /// The scaled, soft-capped logit of (query, head, key) in its view (Double).
    func naiveLogit(_ p: Problem, query: Int, head h: Int, key j: Int, scale: Float, softCap: Double) -> Double {
        let c = p.c
        var view = 0
        while view < c.views - 1 && j < Int(p.thresholds[query * (c.views - 1) + view]) { view += 1 }
        let g = h / (c.heads / c.kvHeads)
        var dot = 0.0
        for t in 0..<c.dim {
            dot += Double(p.q[view][(query * c.heads + h) * c.dim + t]) * Double(p.k[view][(g * c.keys + j) * c.dim + t])
        }
        let scaled = dot * Double(scale)
        return softCap > 0 ? softCap * tanh(scaled / softCap) : scaled
    }

    /// `window` and `softCap` as in `AttentionKernel.Arguments` (0: off).
    func naive(_ p: Problem, scale: Float, noise: ((Int, Int, Int) -> Double)?, window: Int = 0, softCap: Double = 0) -> [Float] {
        let c = p.c
        var out = [Float](repeating: 0, count: c.queries * c.heads * c.dim)
        let group = c.heads / c.kvHeads
        for query in 0..<c.queries {
            let i = c.firstQuery + query
            for h in 0..<c.heads {
                let g = h / group
                var logits: [Double] = []
                let first = window > 0 ? max(0, i - window + 1) : 0
                for j in first...i {
                    logits.append(naiveLogit(p, query: query, head: h, key: j, scale: scale, softCap: softCap) + (noise?(query, h, j) ?? 0))
                }
                let m = logits.max()!
                let weights = logits.map { exp($0 - m) }
                let total = weights.reduce(0, +)
                for t in 0..<c.dim {
                    var sum = 0.0
                    for j in first...i { sum += weights[j - first] * Double(p.v[(g * c.keys + j) * c.dim + t]) }
                    out[(query * c.heads + h) * c.dim + t] = Float(sum / total)
                }
            }
        }
        return out
    }

    /// The problem with keys and values rounded to `type` (what the kernel sees from such a cache).
    func rounded(_ p: Problem, to type: CacheElementType) -> Problem {
        guard type != .f32 else { return p }
        var copy = p
        func round(_ values: [Float]) -> [Float] { type == .q8_0 ? PlainQ8_0.dequantized(values) : values.map { Float(Float16($0)) } }
        copy.k = p.k.map(round)
        copy.v = round(p.v)
        return copy
    }

    /// The kernel's output; `usedBfloat16` learns whether the call ran bfloat16 products.
    func runKernel(_ p: Problem, scale: Float, noise: AttentionNoise?, window: Int = 0, softCap: Float = 0,
                   cacheType: CacheElementType = .f32, products: AttentionProducts = .f32,
                   usedBfloat16: UnsafeMutablePointer<Bool>? = nil) throws -> [Float] {
        let kernel = AttentionKernel(pool: try ThreadPool(threadCount: 2))
        var output = [Float](repeating: .nan, count: p.c.queries * p.c.heads * p.c.dim)
        try output.withUnsafeMutableBufferPointer { out in
            try withArguments(p, scale: scale, noise: noise, window: window, softCap: softCap, cacheType: cacheType,
                              output: out.baseAddress!) { arguments in
                var arguments = arguments
                arguments.products = products
                usedBfloat16?.pointee = try AttentionKernel.usesBfloat16Products(arguments)
                try kernel.run(arguments)
            }
        }
        return output
    }

    /// Calls `body` with kernel arguments for `p`: keys in the blocked layout and values as a
    /// cache of `cacheType` holds them (q8_0 bytes written by the plain reference).
    func withArguments<R>(_ p: Problem, scale: Float, noise: AttentionNoise?, window: Int = 0, softCap: Float = 0,
                          cacheType: CacheElementType, output: UnsafeMutablePointer<Float>,
                          _ body: (AttentionKernel.Arguments) throws -> R) throws -> R {
        let c = p.c
        let stride = KeyBlockLayout.floatsPerHead(capacity: c.keys, headDimension: c.dim)
        var blocked = [[Float]](repeating: [Float](repeating: .nan, count: stride * c.kvHeads), count: c.views)
        for view in 0..<c.views {
            blocked[view].withUnsafeMutableBufferPointer { dst in
                p.k[view].withUnsafeBufferPointer { src in
                    for g in 0..<c.kvHeads {
                        for j in 0..<c.keys {
                            KeyBlockLayout.store(src.baseAddress! + (g * c.keys + j) * c.dim, key: j, headDimension: c.dim,
                                                 into: dst.baseAddress! + g * stride)
                        }
                    }
                }
            }
        }
        // pad unused key slots with NaN-free zeros so masked lanes never read NaN into sums
        for view in 0..<c.views { for index in blocked[view].indices where blocked[view][index].isNaN { blocked[view][index] = 0 } }
        let paddedValues = p.v + [Float](repeating: 0, count: KeyBlockLayout.blockSize * c.dim)
        let queryPointers = p.q.map { array -> UnsafeMutablePointer<Float> in
            let pointer = UnsafeMutablePointer<Float>.allocate(capacity: array.count)
            pointer.initialize(from: array, count: array.count)
            return pointer
        }
        // keys and values as the cache stores them (q8_0: written by the plain reference)
        func cached(_ array: [Float]) -> UnsafeMutableRawPointer {
            let pointer = UnsafeMutableRawPointer.allocate(byteCount: cacheType.byteCount(elements: array.count), alignment: 64)
            if cacheType == .q8_0 {
                pointer.copyMemory(from: PlainQ8_0.rowBytes(array), byteCount: cacheType.byteCount(elements: array.count))
            } else {
                array.withUnsafeBufferPointer { cacheType.store($0.baseAddress!, count: array.count, into: pointer) }
            }
            return pointer
        }
        func cachedKeys(view: Int) -> UnsafeMutableRawPointer {
            guard cacheType == .q8_0 else { return cached(blocked[view]) }
            let bytes = (0..<c.kvHeads).flatMap { g in
                PlainQ8_0.keyHeadBytes(Array(p.k[view][(g * c.keys * c.dim)..<((g + 1) * c.keys * c.dim)]), dimension: c.dim, capacity: c.keys)
            }
            let pointer = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 64)
            pointer.copyMemory(from: bytes, byteCount: bytes.count)
            return pointer
        }
        let keyPointers = (0..<c.views).map(cachedKeys)
        let valuePointer = cached(paddedValues)
        defer {
            queryPointers.forEach { $0.deallocate() }
            (keyPointers + [valuePointer]).forEach { $0.deallocate() }
        }
        return try p.thresholds.withUnsafeBufferPointer { thresholds in
            let arguments = AttentionKernel.Arguments(
                queryCount: c.queries, firstQueryIndex: c.firstQuery, keyCount: c.keys, heads: c.heads,
                keyValueHeads: c.kvHeads, headDimension: c.dim, queries: queryPointers.map { UnsafePointer($0) },
                cachedKeys: keyPointers.map { UnsafeRawPointer($0) }, keyHeadStride: stride,
                cachedValues: UnsafeRawPointer(valuePointer), valueHeadStride: c.keys * c.dim, cacheType: cacheType,
                thresholds: c.views > 1 ? thresholds.baseAddress : nil,
                logitScale: scale, noise: noise, slidingWindow: window, logitSoftCap: softCap, output: output)
            return try body(arguments)
        }
    }

    func assertClose(_ a: [Float], _ b: [Float], tolerance: Float, _ message: String) {
        XCTAssertEqual(a.count, b.count)
        var worst: Float = 0
        for (x, y) in zip(a, b) { worst = max(worst, abs(x - y)) }
        XCTAssertLessThan(worst, tolerance, message)
    }

    /// Runs `body` once on every kernel path this CPU supports (portable, AVX2, AVX-512).
    func onEveryPath(_ body: (KernelPath) throws -> Void) throws {
        defer { try? Kernels.setPath(Kernels.bestPath) }
        for path in Kernels.supportedPaths {
            try Kernels.setPath(path)
            try body(path)
        }
    }

    /// Shapes every kernel test covers: single rows, grouped heads, 1–4 views, key splits (long
    /// caches), and the tiled head sizes 64 and 128.
    static let shapes = [
            Case(queries: 1, firstQuery: 0, keys: 1, heads: 1, kvHeads: 1, dim: 16, views: 1),
            Case(queries: 5, firstQuery: 0, keys: 5, heads: 4, kvHeads: 2, dim: 64, views: 1),
            Case(queries: 37, firstQuery: 0, keys: 37, heads: 9, kvHeads: 3, dim: 64, views: 2),
            Case(queries: 20, firstQuery: 50, keys: 70, heads: 6, kvHeads: 3, dim: 32, views: 3),
            Case(queries: 3, firstQuery: 2500, keys: 2503, heads: 4, kvHeads: 1, dim: 24, views: 2),  // key splits
            Case(queries: 1, firstQuery: 4999, keys: 5000, heads: 2, kvHeads: 2, dim: 20, views: 4),
            // tiled paths: head sizes 64 and 128 (tiles of several rows), rows of several queries
            Case(queries: 23, firstQuery: 9, keys: 32, heads: 3, kvHeads: 3, dim: 64, views: 3),
            Case(queries: 9, firstQuery: 3, keys: 12, heads: 4, kvHeads: 1, dim: 128, views: 3),
            Case(queries: 2, firstQuery: 3000, keys: 3002, heads: 6, kvHeads: 2, dim: 128, views: 1),
        ]

    func testMatchesNaiveAcrossShapesAndViews() throws {
        let cases = Self.shapes
        for (index, c) in cases.enumerated() {
            let problem = makeProblem(c, seed: UInt64(index + 1))
            let scale = 1 / Float(c.dim).squareRoot()
            let expected = naive(problem, scale: scale, noise: nil)
            try onEveryPath { path in
                let actual = try runKernel(problem, scale: scale, noise: nil)
                assertClose(actual, expected, tolerance: 2e-5, "case \(index) on \(path): \(c)")
            }
        }
    }

    /// A half cache: the kernel (every path, tiles, rows and key splits) against the naive twin
    /// on the same half-rounded keys and values.
    func testHalfCacheMatchesNaiveOnRoundedInputs() throws {
        let cases = Self.shapes
        for (index, c) in cases.enumerated() {
            let problem = makeProblem(c, seed: UInt64(200 + index))
            // values spanning the half range: tiny (subnormal in half) and large ones
            var wide = problem
            wide.v = problem.v.enumerated().map { $0.offset % 7 == 0 ? $0.element * 1e-6 : ($0.offset % 11 == 0 ? $0.element * 3000 : $0.element) }
            let scale = 1 / Float(c.dim).squareRoot()
            let expected = naive(rounded(wide, to: .f16), scale: scale, noise: nil, window: 40, softCap: 5)
            try onEveryPath { path in
                let actual = try runKernel(wide, scale: scale, noise: nil, window: 40, softCap: 5, cacheType: .f16)
                let magnitude = Float(expected.map { abs($0) }.max() ?? 1)
                assertClose(actual, expected, tolerance: 2e-5 * max(1, magnitude), "half cache, case \(index) on \(path): \(c)")
            }
        }
    }

    /// `x` rounded to bfloat16 (nearest, ties to even), as a Float.
    static func bfloat16(_ x: Float) -> Float {
        let bits = x.bitPattern
        let rounded = (bits &+ 0x7fff &+ ((bits >> 16) & 1)) & 0xffff_0000
        return Float(bitPattern: rounded)
    }

    /// bfloat16 products: where the CPU runs them, the kernel matches the naive twin on queries,
    /// keys and values rounded to bfloat16, up to the rounding of the softmax weights (relative
    /// 2⁻⁹ each, so at most 2⁻⁹·max|v| on an output); elsewhere (other paths, short calls, other
    /// head sizes) it is the Float32 kernel. Covers groups of heads, several views, key counts
    /// that are not whole groups of 32, windows starting inside a group, soft-cap, both caches,
    /// and keys packed segment by segment (rows continuing their softmax across segments).
    func testBfloat16ProductsMatchNaiveOnRoundedOperands() throws {
        let cases = [
            Case(queries: 37, firstQuery: 0, keys: 37, heads: 9, kvHeads: 3, dim: 64, views: 2),
            Case(queries: 16, firstQuery: 50, keys: 66, heads: 6, kvHeads: 2, dim: 128, views: 3),
            Case(queries: 40, firstQuery: 2500, keys: 2540, heads: 4, kvHeads: 1, dim: 64, views: 1),
            // enough query blocks not to split keys: keys packed in three segments of 2,048, rows
            // continuing their softmax across them, three views
            Case(queries: 96, firstQuery: 4400, keys: 4496, heads: 6, kvHeads: 3, dim: 64, views: 3),
            Case(queries: 15, firstQuery: 9, keys: 24, heads: 3, kvHeads: 3, dim: 64, views: 1),   // too few queries
            Case(queries: 20, firstQuery: 3, keys: 23, heads: 2, kvHeads: 1, dim: 32, views: 1),   // untiled head size
        ]
        var bfloat16Ran = false
        for (index, c) in cases.enumerated() {
            let problem = makeProblem(c, seed: UInt64(300 + index))
            let scale = 2 / Float(c.dim).squareRoot()
            for (cacheType, window, cap) in [(CacheElementType.f32, 0, Float(0)), (.f16, 45, 3)] {
                let cached = rounded(problem, to: cacheType)
                var bf = cached
                bf.q = cached.q.map { $0.map(Self.bfloat16) }
                bf.k = cached.k.map { $0.map(Self.bfloat16) }
                bf.v = cached.v.map(Self.bfloat16)
                let expectedBfloat16 = naive(bf, scale: scale, noise: nil, window: window, softCap: Double(cap))
                let expectedFloat = naive(cached, scale: scale, noise: nil, window: window, softCap: Double(cap))
                let largestValue = bf.v.map { abs($0) }.max() ?? 1
                try onEveryPath { path in
                    var used = false
                    let actual = try runKernel(problem, scale: scale, noise: nil, window: window, softCap: cap, cacheType: cacheType,
                                               products: .bf16, usedBfloat16: &used)
                    let label = "case \(index), \(cacheType) cache on \(path): \(c)"
                    if used {
                        bfloat16Ran = true
                        XCTAssertEqual(path, .avx512, label)
                        XCTAssertGreaterThanOrEqual(c.queries, 16, label)
                        assertClose(actual, expectedBfloat16, tolerance: 0x1p-9 * largestValue + 1e-5, label)
                        // and the rounding shows: the Float32 answer is measurably different
                        XCTAssertGreaterThan(zip(actual, expectedFloat).map { abs($0 - $1) }.max() ?? 0, 1e-5, label)
                    } else {
                        assertClose(actual, expectedFloat, tolerance: 2e-5, label)
                    }
                }
            }
        }
        let features = gk_cpu_features()
        if features & UInt32(GK_CPU_AVX512_BF16) != 0 && Kernels.supportedPaths.contains(.avx512) {
            XCTAssertTrue(bfloat16Ran, "this CPU has AVX512-BF16, so some call must have run bfloat16 products")
        }
    }

    /// Storing rounds to the nearest half (ties to even), loading is exact, for every half value,
    /// random floats, and exact ties between two halves (subnormal and normal); NaN stays NaN.
    /// Runs of 16 are stored by the vector store, the rest (the last 7 here) element by element.
    func testHalfStoreAndLoadMatchFloat16() {
        var floats: [Float] = (0..<65536).map { Float(Float16(bitPattern: UInt16($0))) }.filter { !$0.isNaN }
        var random = SeededRandom(seed: 4)
        floats += (0..<20000).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: random.next())) }.filter { !$0.isNaN }
        for k in 0..<2048 {
            let subnormalTie: Float = (Float(k) + 0.5) * 0x1p-24
            let normalTie = Float(1 + Double(k) / 1024 + 1.0 / 2048)
            floats += [subnormalTie, -subnormalTie, normalTie]
        }
        floats += [65519.99, 65520, -65520, 0x1p-25, 0x1.8p-25]
        while floats.count % 16 != 7 { floats.append(1.5) }
        let nans: [Float] = [.nan, -.nan, .signalingNaN]
        var nanBits = [UInt16](repeating: 0, count: 16)
        nanBits.withUnsafeMutableBytes { CacheElementType.f16.store(nans + [Float](repeating: 0, count: 13), count: 16, into: $0.baseAddress!) }
        for (value, bits) in zip(nans, nanBits) {
            XCTAssertTrue(Float16(bitPattern: bits).isNaN, "NaN stays NaN")
            XCTAssertEqual(bits & 0x8000 != 0, value.sign == .minus, "NaN keeps its sign")
        }
        var stored = [UInt16](repeating: 0, count: floats.count)
        var loaded = [Float](repeating: 0, count: floats.count)
        stored.withUnsafeMutableBytes { CacheElementType.f16.store(floats, count: floats.count, into: $0.baseAddress!) }
        stored.withUnsafeBytes { CacheElementType.f16.load($0.baseAddress!, count: floats.count, into: &loaded) }
        for (index, value) in floats.enumerated() {
            XCTAssertEqual(stored[index], Float16(value).bitPattern, "store \(value)")
            XCTAssertEqual(loaded[index].bitPattern, Float(Float16(value)).bitPattern, "load \(value)")
        }
    }

    func testSlidingWindowAndSoftCapMatchNaive() throws {
        let cases = Self.shapes + [Case(queries: 40, firstQuery: 0, keys: 40, heads: 2, kvHeads: 1, dim: 64, views: 1)]
        // windows shorter than a key block, spanning blocks, and longer than the sequence; caps
        // below and above the logits' range (the random logits reach about ±3)
        let settings: [(window: Int, cap: Float)] = [(1, 0), (5, 0), (33, 0), (0, 0.7), (0, 50), (17, 2), (4096, 1.5)]
        for (index, c) in cases.enumerated() {
            let problem = makeProblem(c, seed: UInt64(100 + index))
            let scale = 4 / Float(c.dim).squareRoot()
            for setting in settings {
                let expected = naive(problem, scale: scale, noise: nil, window: setting.window, softCap: Double(setting.cap))
                try onEveryPath { path in
                    let actual = try runKernel(problem, scale: scale, noise: nil, window: setting.window, softCap: setting.cap)
                    assertClose(actual, expected, tolerance: 2e-5, "case \(index), window \(setting.window), cap \(setting.cap) on \(path): \(c)")
                }
            }
        }
        let problem = makeProblem(cases[0], seed: 5)
        XCTAssertThrowsError(try runKernel(problem, scale: 1, noise: nil, window: -1))
        XCTAssertThrowsError(try runKernel(problem, scale: 1, noise: nil, softCap: -1))
        XCTAssertThrowsError(try runKernel(problem, scale: 1, noise: nil, softCap: .infinity))
    }

    /// The soft-cap comes before the noise: noise added to capped logits, as the naive twin does.
    func testSoftCapAppliesBeforeNoise() throws {
        let c = Case(queries: 7, firstQuery: 20, keys: 27, heads: 6, kvHeads: 2, dim: 64, views: 2)
        let problem = makeProblem(c, seed: 17)
        let scale: Float = 0.5
        let table = NoiseTable(kind: .uniform, seed: 3)
        let expected = naive(problem, scale: scale, noise: { q, h, j in
            Double(table.number(layer: 1, head: h, query: c.firstQuery + q, key: j)) * 4
        }, window: 9, softCap: 1)
        try onEveryPath { path in
            let setting = LogitNoise(kind: .uniform, onlyInterpolated: false, scaleStandardDeviation: false,
                                     standardDeviationBase: 1, maximumFromRow: true, seed: 3)
            var scales = [Float](repeating: 4, count: c.queries * c.heads)
            let actual = try scales.withUnsafeMutableBufferPointer { rowScale in
                let withScale = AttentionNoise(setting, layer: 1, table: table, interpolatedKeys: nil, totalKeyCount: c.keys,
                                               rowStatistics: UnsafePointer(rowScale.baseAddress))
                return try runKernel(problem, scale: scale, noise: withScale, window: 9, softCap: 1)
            }
            assertClose(actual, expected, tolerance: 2e-5, "soft-cap before uniform noise on \(path)")
        }
    }

    /// Gaussian noise (interpolated keys only, mean from the row, deviation scaled by distance)
    /// against the naive twin reading the same table. The layer is chosen so that some row's
    /// numbers start within 16 entries of the table's end, where the kernel's 16-key loads read
    /// the table's padding.
    func testGaussianNoiseMatchesNaive() throws {
      let table = NoiseTable(kind: .gaussian, seed: 7)
      for c in [Case(queries: 12, firstQuery: 30, keys: 42, heads: 4, kvHeads: 2, dim: 32, views: 1),
                Case(queries: 7, firstQuery: 20, keys: 27, heads: 6, kvHeads: 2, dim: 64, views: 1)] {
        let problem = makeProblem(c, seed: 99)
        let offsets = (0..<(c.queries * c.heads)).map { Float($0 % 7) * 0.1 - 0.3 }
        let scale: Float = 0.2
        let layer = try XCTUnwrap((0..<100_000).first { layer in
            (0..<c.heads).contains { h in
                (c.firstQuery..<(c.firstQuery + c.queries)).contains { table.rowStart(layer: layer, head: h, query: $0) > NoiseTable.size - 16 }
            }
        })
        let expected = naive(problem, scale: scale) { q, h, j in
            guard problem.interpolated[j] != 0 else { return 0 }
            let i = c.firstQuery + q
            let sigma = Double(Float(i - j) / Float(c.keys) * 1.5)
            return Double(table.number(layer: layer, head: h, query: i, key: j)) * sigma + Double(offsets[q * c.heads + h])
        }
        try onEveryPath { path in
            let actual = try problem.interpolated.withUnsafeBufferPointer { mask in
                try offsets.withUnsafeBufferPointer { offsetPointer in
                    let setting = LogitNoise(kind: .gaussian, onlyInterpolated: true, meanFromRow: true,
                                             scaleStandardDeviation: true, standardDeviationBase: 1.5, seed: 7)
                    let noise = AttentionNoise(setting, layer: layer, table: table, interpolatedKeys: mask.baseAddress, totalKeyCount: c.keys,
                                               rowStatistics: offsetPointer.baseAddress)
                    return try runKernel(problem, scale: scale, noise: noise)
                }
            }
            assertClose(actual, expected, tolerance: 2e-5, "gaussian noise on \(path), \(c), layer \(layer)")
        }
      }
    }

    /// A setting that needs the mask or the row statistics is refused without them, and a table
    /// of another kind or seed is refused, not run with garbage.
    func testNoiseWithoutItsInputsIsRefused() throws {
        let c = Case(queries: 3, firstQuery: 5, keys: 8, heads: 2, kvHeads: 1, dim: 16, views: 1)
        let problem = makeProblem(c, seed: 5)
        let gaussian = NoiseTable(kind: .gaussian, seed: 1), uniform = NoiseTable(kind: .uniform, seed: 1)
        let fromRow = LogitNoise(kind: .gaussian, onlyInterpolated: false, meanFromRow: true,
                                 scaleStandardDeviation: false, standardDeviationBase: 1, seed: 1)
        XCTAssertThrowsError(try runKernel(problem, scale: 1, noise: AttentionNoise(fromRow, layer: 0, table: gaussian, interpolatedKeys: nil,
                                                                                  totalKeyCount: c.keys)))
        let masked = LogitNoise(kind: .uniform, onlyInterpolated: true, scaleStandardDeviation: false, standardDeviationBase: 1, seed: 1)
        XCTAssertThrowsError(try runKernel(problem, scale: 1, noise: AttentionNoise(masked, layer: 0, table: uniform, interpolatedKeys: nil,
                                                                                  totalKeyCount: c.keys)))
        let plain = LogitNoise(kind: .gaussian, onlyInterpolated: false, scaleStandardDeviation: false, standardDeviationBase: 1, seed: 1)
        XCTAssertNoThrow(try runKernel(problem, scale: 1, noise: AttentionNoise(plain, layer: 0, table: gaussian, interpolatedKeys: nil,
                                                                               totalKeyCount: c.keys)))
        for wrong in [uniform, NoiseTable(kind: .gaussian, seed: 2)] {
            XCTAssertThrowsError(try runKernel(problem, scale: 1, noise: AttentionNoise(plain, layer: 0, table: wrong, interpolatedKeys: nil,
                                                                                      totalKeyCount: c.keys)))
        }
    }

    /// The tables hold the distributions they claim: over all 2^17 entries, the moments and tails
    /// of N(0, 1) and U(0, 1); the same seed gives the same table, another seed another one.
    func testNoiseTablesAreDeterministicAndDistributed() {
        let n = NoiseTable.size
        let normals = NoiseTable(kind: .gaussian, seed: 1)
        var sum = 0.0, squares = 0.0, fourth = 0.0, beyond2 = 0, beyond3 = 0
        for index in 0..<n {
            let z = Double(normals.entry(index))
            sum += z
            squares += z * z
            fourth += z * z * z * z
            if abs(z) > 2 { beyond2 += 1 }
            if abs(z) > 3 { beyond3 += 1 }
        }
        XCTAssertEqual(sum / Double(n), 0, accuracy: 0.012)   // about 4 standard errors at n = 2^17
        XCTAssertEqual(squares / Double(n), 1, accuracy: 0.016)
        XCTAssertEqual(fourth / Double(n), 3, accuracy: 0.12)   // a gaussian's kurtosis
        // tails of a true gaussian: P(|z| > 2) = 4.550%, P(|z| > 3) = 0.270%
        XCTAssertEqual(Double(beyond2) / Double(n), 0.0455, accuracy: 0.0025)
        XCTAssertEqual(Double(beyond3) / Double(n), 0.0027, accuracy: 0.0006)
        let uniforms = NoiseTable(kind: .uniform, seed: 9)
        let values = (0..<n).map { uniforms.entry($0) }
        XCTAssertTrue(values.allSatisfy { $0 >= 0 && $0 < 1 })
        XCTAssertEqual(Double(values.reduce(0, +)) / Double(n), 0.5, accuracy: 0.004)
        for decile in 0..<10 {
            let inside = values.filter { Int($0 * 10) == decile }.count
            XCTAssertEqual(Double(inside) / Double(n), 0.1, accuracy: 0.004, "decile \(decile)")
        }
        let again = NoiseTable(kind: .gaussian, seed: 1), other = NoiseTable(kind: .gaussian, seed: 2)
        XCTAssertTrue((0..<1000).allSatisfy { again.entry($0 * 131) == normals.entry($0 * 131) })
        XCTAssertGreaterThan((0..<1000).filter { other.entry($0 * 131) != normals.entry($0 * 131) }.count, 990)
    }

    /// Rows read the table at hashed places: neighbouring queries, heads and layers start far
    /// apart, so their noise at the same keys is uncorrelated, and a row's numbers are
    /// consecutive entries (distinct up to 2^17 keys, then repeating).
    func testNoiseRowsAreUncorrelated() {
        let table = NoiseTable(kind: .gaussian, seed: 4)
        let keys = 4096
        func row(_ layer: Int, _ head: Int, _ query: Int) -> [Double] {
            (0..<keys).map { Double(table.number(layer: layer, head: head, query: query, key: $0)) }
        }
        func correlation(_ a: [Double], _ b: [Double]) -> Double {
            let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
            var ab = 0.0, aa = 0.0, bb = 0.0
            for (x, y) in zip(a, b) { ab += (x - ma) * (y - mb); aa += (x - ma) * (x - ma); bb += (y - mb) * (y - mb) }
            return ab / (aa * bb).squareRoot()
        }
        let base = row(3, 2, 1000)
        for other in [row(3, 2, 1001), row(3, 3, 1000), row(4, 2, 1000)] {
            XCTAssertLessThan(abs(correlation(base, other)), 0.06)   // 4 sigma of a zero correlation over 4096 keys
        }
        let start = table.rowStart(layer: 3, head: 2, query: 1000)
        XCTAssertEqual(table.number(layer: 3, head: 2, query: 1000, key: 5), table.entry((start + 5) % NoiseTable.size))
        XCTAssertEqual(table.number(layer: 3, head: 2, query: 1000, key: 7 + NoiseTable.size), table.number(layer: 3, head: 2, query: 1000, key: 7))
        XCTAssertEqual(Set((0..<keys).map { (start + $0) % NoiseTable.size }).count, keys)
    }

    /// The generator against a plain twin: the counter hashes written again in Swift, then
    /// Box-Muller in Double with Foundation's `log`, `cos` and `sin` (the kernel's polynomials must
    /// agree to 1e-5), the cosine serving entry j and the sine entry j + 16 of each group of 32;
    /// uniform entries from the hash's top 24 bits; rows starting at their hashed row key.
    func testNoiseTableMatchesPlainGenerator() {
        func mix64(_ value: UInt64) -> UInt64 {
            var z = value &+ 0x9e37_79b9_7f4a_7c15
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        func hash32(_ value: UInt32) -> UInt32 {
            var x = value
            x ^= x >> 16
            x = x &* 0x7feb_352d
            x ^= x >> 15
            x = x &* 0x846c_a68b
            return x ^ (x >> 16)
        }
        func rowKey(seed: UInt64, layer: Int, head: Int, query: Int) -> UInt32 {
            var h = mix64(seed)
            h = mix64(h ^ UInt64(UInt32(truncatingIfNeeded: layer)))
            h = mix64(h ^ (UInt64(UInt32(truncatingIfNeeded: head)) << 32))
            return UInt32(truncatingIfNeeded: mix64(h ^ UInt64(bitPattern: Int64(query))) >> 32)
        }
        func plainNormal(seed: UInt64, index: Int) -> Double {
            let counter = UInt32(truncatingIfNeeded: index / 32 * 16 + index % 16)
            let first = hash32((counter &* 0x9e37_79b9) ^ rowKey(seed: seed, layer: -1, head: -1, query: -1))
            let second = hash32(first ^ 0x2c1b_3c6d)
            let u1 = Double((first >> 8) + 1) / 16_777_216, u2 = Double(second >> 8) / 16_777_216
            let radius = (-2 * Foundation.log(u1)).squareRoot()
            return index % 32 < 16 ? radius * Foundation.cos(2 * Double.pi * u2) : radius * Foundation.sin(2 * Double.pi * u2)
        }
        func plainUniform(seed: UInt64, index: Int) -> Float {
            let x = hash32(hash32((UInt32(truncatingIfNeeded: index) &* 0x9e37_79b9) ^ rowKey(seed: seed, layer: -1, head: -1, query: -1)) ^ 0x68e3_1da4)
            return Float(x >> 8) / 16_777_216
        }
        var worst = 0.0
        let indices = Array(0..<96) + [NoiseTable.size / 2 + 17, NoiseTable.size - 1]
        for seed in [UInt64(0), 7, UInt64.max] {
            let normals = NoiseTable(kind: .gaussian, seed: seed), uniforms = NoiseTable(kind: .uniform, seed: seed)
            for index in indices {
                worst = max(worst, abs(Double(normals.entry(index)) - plainNormal(seed: seed, index: index)))
                XCTAssertEqual(uniforms.entry(index), plainUniform(seed: seed, index: index), "uniform entry \(index), seed \(seed)")
            }
            for (layer, head, query) in [(0, 0, 0), (3, 2, 4095), (29, 8, 16_383)] {
                XCTAssertEqual(normals.rowStart(layer: layer, head: head, query: query),
                               Int(rowKey(seed: seed, layer: layer, head: head, query: query)) % NoiseTable.size)
            }
        }
        XCTAssertLessThan(worst, 1e-5)
    }

    func testProbeAveragesLogitsAndScoresOverHeads() throws {
        try checkProbe(window: 0, softCap: 0)
    }

    func testProbeAndRowMaximumFollowWindowAndSoftCap() throws {
        try checkProbe(window: 7, softCap: 0.3)
        try checkRowMaximum(window: 0, softCap: 0)
        try checkRowMaximum(window: 5, softCap: 0.3)
    }

    /// Row maxima over every key (no causal mask, window's lower edge applied) against the naive logits.
    func checkRowMaximum(window: Int, softCap: Float) throws {
        let c = Case(queries: 9, firstQuery: 12, keys: 40, heads: 4, kvHeads: 2, dim: 64, views: 2)
        let p = makeProblem(c, seed: 23)
        let kernel = AttentionKernel(pool: try ThreadPool(threadCount: 2))
        let stride = KeyBlockLayout.floatsPerHead(capacity: c.keys, headDimension: c.dim)
        var blocked = [[Float]](repeating: [Float](repeating: 0, count: stride * c.kvHeads), count: c.views)
        for view in 0..<c.views {
            for g in 0..<c.kvHeads { for j in 0..<c.keys { for t in 0..<c.dim {
                blocked[view][g * stride + KeyBlockLayout.offset(key: j, element: t, headDimension: c.dim)] = p.k[view][(g * c.keys + j) * c.dim + t]
            } } }
        }
        var maxima = [Float](repeating: .nan, count: c.queries * c.heads)
        var output = [Float](repeating: 0, count: c.queries * c.heads * c.dim)
        try p.q[0].withUnsafeBufferPointer { q0 in try p.q[1].withUnsafeBufferPointer { q1 in
        try blocked[0].withUnsafeBufferPointer { k0 in try blocked[1].withUnsafeBufferPointer { k1 in
        try p.v.withUnsafeBufferPointer { v in try p.thresholds.withUnsafeBufferPointer { t in
        try output.withUnsafeMutableBufferPointer { out in try maxima.withUnsafeMutableBufferPointer { m in
            let arguments = AttentionKernel.Arguments(
                queryCount: c.queries, firstQueryIndex: c.firstQuery, keyCount: c.keys, heads: c.heads, keyValueHeads: c.kvHeads,
                headDimension: c.dim, queries: [q0.baseAddress!, q1.baseAddress!], keys: [k0.baseAddress!, k1.baseAddress!],
                keyHeadStride: stride, values: v.baseAddress!, valueHeadStride: c.keys * c.dim, thresholds: t.baseAddress!,
                logitScale: 0.5, slidingWindow: window, logitSoftCap: softCap, output: out.baseAddress!)
            try kernel.rowMaximum(arguments, into: m.baseAddress!)
        } } } } } } } }
        for q in 0..<c.queries {
            let i = c.firstQuery + q
            let first = window > 0 ? max(0, i - window + 1) : 0
            for h in 0..<c.heads {
                let expected = (first..<c.keys).map { naiveLogit(p, query: q, head: h, key: $0, scale: 0.5, softCap: Double(softCap)) }.max()!
                XCTAssertEqual(Double(maxima[q * c.heads + h]), expected, accuracy: 1e-5, "row max q \(q) h \(h) window \(window) cap \(softCap)")
            }
        }
    }

    /// The probe's grid against logits and probabilities from the naive twin.
    func checkProbe(window: Int, softCap: Float) throws {
        let c = Case(queries: 20, firstQuery: 10, keys: 30, heads: 6, kvHeads: 3, dim: 64, views: 2)
        let p = makeProblem(c, seed: 21)
        let pool = try ThreadPool(threadCount: 2)
        let kernel = AttentionKernel(pool: pool)
        let stride = KeyBlockLayout.floatsPerHead(capacity: c.keys, headDimension: c.dim)
        var blocked = [[Float]](repeating: [Float](repeating: 0, count: stride * c.kvHeads), count: c.views)
        for view in 0..<c.views {
            for g in 0..<c.kvHeads { for j in 0..<c.keys { for t in 0..<c.dim {
                blocked[view][g * stride + KeyBlockLayout.offset(key: j, element: t, headDimension: c.dim)] = p.k[view][(g * c.keys + j) * c.dim + t]
            } } }
        }
        let n = c.keys
        for probabilities in [false, true] {
            var sums = [Double](repeating: 0, count: n * n), counts = [Int64](repeating: 0, count: n * n)
            var expected = [Double](repeating: 0, count: n * n)
            try p.q[0].withUnsafeBufferPointer { q0 in try p.q[1].withUnsafeBufferPointer { q1 in
            try blocked[0].withUnsafeBufferPointer { k0 in try blocked[1].withUnsafeBufferPointer { k1 in
            try p.v.withUnsafeBufferPointer { v in try p.thresholds.withUnsafeBufferPointer { t in
                var output = [Float](repeating: 0, count: c.queries * c.heads * c.dim)
                try output.withUnsafeMutableBufferPointer { out in
                    let arguments = AttentionKernel.Arguments(
                        queryCount: c.queries, firstQueryIndex: c.firstQuery, keyCount: c.keys, heads: c.heads, keyValueHeads: c.kvHeads,
                        headDimension: c.dim, queries: [q0.baseAddress!, q1.baseAddress!], keys: [k0.baseAddress!, k1.baseAddress!],
                        keyHeadStride: stride, values: v.baseAddress!, valueHeadStride: c.keys * c.dim, thresholds: t.baseAddress!,
                        logitScale: 0.125, slidingWindow: window, logitSoftCap: softCap, output: out.baseAddress!)
                    try sums.withUnsafeMutableBufferPointer { s in try counts.withUnsafeMutableBufferPointer { k in
                        try kernel.probe(arguments, probabilities: probabilities, totalLength: n, resolution: n,
                                         sums: s.baseAddress!, counts: k.baseAddress!)
                    } }
                    for q in 0..<c.queries {
                        let i = c.firstQuery + q
                        let first = window > 0 ? max(0, i - window + 1) : 0
                        for h in 0..<c.heads {
                            let logits = (first...i).map { naiveLogit(p, query: q, head: h, key: $0, scale: 0.125, softCap: Double(softCap)) }
                            let m = logits.max()!, total = logits.map { exp($0 - m) }.reduce(0, +)
                            for j in first...i {
                                let logit = logits[j - first]
                                expected[i * n + j] += (probabilities ? exp(logit - m) / total : logit) / Double(c.heads)
                                XCTAssertEqual(Double(try AttentionKernel.logit(arguments, query: q, head: h, key: j)), logit, accuracy: 1e-5)
                            }
                        }
                    }
                }
            } } } } } }
            for i in 0..<n {
                for j in 0..<n {
                    let visible = i >= c.firstQuery && j <= i && (window == 0 || i - j < window)
                    XCTAssertEqual(counts[i * n + j], visible ? Int64(c.heads) : 0)
                    if visible { XCTAssertEqual(sums[i * n + j] / Double(c.heads), expected[i * n + j], accuracy: 1e-4) }
                }
                if probabilities && i >= c.firstQuery {
                    XCTAssertEqual((0...i).map { sums[i * n + $0] / Double(c.heads) }.reduce(0, +), 1, accuracy: 1e-5)
                }
            }
        }
    }

    func testInconsistentArgumentsThrow() throws {
        let c = Case(queries: 4, firstQuery: 0, keys: 4, heads: 3, kvHeads: 2, dim: 8, views: 1)  // 3 heads over 2 kv heads
        let problem = makeProblem(c, seed: 3)
        XCTAssertThrowsError(try runKernel(problem, scale: 1, noise: nil))
    }
}
