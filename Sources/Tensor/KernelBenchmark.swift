import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Times the linear-layer kernels at the shapes of the reference model (SmolLM2-135M: hidden
/// 576, FFN 1536, vocabulary 49152) on random weights, for `gali bench-kernels`.
///
/// Each case runs repeatedly for a minimum time and reports the median and the best run; on a
/// shared machine the best run is the better estimate of what the kernel can do, the median of
/// what it did. Operations count 2 · rows · in · out; bandwidth counts the weight bytes.
public enum KernelBenchmark {
    /// One timed linear layer.
    public struct LinearResult: Sendable, Codable {
        /// Weight element type (`"Q4_1"`, ...).
        public let dtype: String
        /// `"fast"` or `"exact"`.
        public let precision: String
        /// Output features (weight rows).
        public let outFeatures: Int
        /// Input features (weight columns).
        public let inFeatures: Int
        /// Input rows (1: matrix-vector, decoding; 512: matrix-matrix, prefill).
        public let rows: Int
        /// Threads in the pool.
        public let threads: Int
        /// Median time per call.
        public let medianMilliseconds: Double
        /// Fastest call.
        public let bestMilliseconds: Double
        /// 10⁹ operations per second at the median time (2 · rows · in · out per call).
        public let gigaopsPerSecond: Double
        /// 10⁹ operations per second at the best time.
        public let bestGigaopsPerSecond: Double
        /// Weight bytes read per second at the median time.
        public let weightGigabytesPerSecond: Double
        /// Share of the timed parallel regions that the pool ran on the calling thread alone
        /// because other processes were keeping the cores busy (0 on a quiet machine).
        public let backedOffShare: Double
    }

    /// All linear layers of the reference model run back to back, as in one decoding step
    /// (`rows` = 1) or one prefill of `rows` tokens. Unlike single-shape timings the ~98 MB of
    /// weights do not fit in cache, so decoding is measured at memory bandwidth.
    public struct ModelSweepResult: Sendable, Codable {
        /// Input rows (tokens) per sweep.
        public let rows: Int
        /// Threads in the pool.
        public let threads: Int
        /// `"fast"` or `"exact"`.
        public let precision: String
        /// Whether the output head ran on every row (`false`: on the last row only).
        public let headOnEveryRow: Bool
        /// Median time per sweep.
        public let medianMilliseconds: Double
        /// Fastest sweep.
        public let bestMilliseconds: Double
        /// Tokens per second of the linear layers alone at the median time.
        public let tokensPerSecond: Double
        /// Weight bytes read per second at the median time.
        public let weightGigabytesPerSecond: Double
        /// 10⁹ operations per second at the median time.
        public let gigaopsPerSecond: Double
        /// Share of the parallel regions run on the calling thread alone (see `LinearResult`).
        public let backedOffShare: Double
    }

    /// One kernel written twice: in C (the package's kernel) and in plain Swift with
    /// `SIMD16<Float>` (which SwiftPM compiles for the baseline instruction set).
    public struct SwiftSIMDComparison: Sendable, Codable {
        /// What was computed.
        public let kernel: String
        /// Best time of the plain Swift SIMD16 version.
        public let swiftMilliseconds: Double
        /// Best time of the C kernel on the same data and algorithm.
        public let cMilliseconds: Double
        /// Best time of the C kernel in `.fast` precision (8-bit activations, integer dots).
        public let cFastMilliseconds: Double
        /// Largest difference between the two results relative to the largest result.
        public let relativeDifference: Double
    }

    /// The (out, in) shapes of the reference model's linear layers: attention (576×576), FFN
    /// up/gate (1536×576), FFN down (576×1536), output head (49152×576).
    public static let modelShapes: [(outFeatures: Int, inFeatures: Int)] = [(576, 576), (1536, 576), (576, 1536), (49152, 576)]

    /// Seconds of a monotonic clock.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// Runs `body` at least 3 times and for at least `seconds`; returns (median, best) seconds.
    static func time(seconds: Double, _ body: () -> Void) -> (median: Double, best: Double) {
        body()  // warm up: scratch memory, caches, page faults
        var times: [Double] = []
        let start = now()
        while times.count < 3 || (now() - start < seconds && times.count < 100_000) {
            let begin = now()
            body()
            times.append(now() - begin)
        }
        times.sort()
        return (times[times.count / 2], times[0])
    }

    /// Share of the regions since `before` that ran on the caller alone because of contention.
    static func backedOff(_ pool: ThreadPool, since before: (parallelRegions: Int, backedOffRegions: Int)) -> Double {
        let now = pool.statistics
        let parallel = now.parallelRegions - before.parallelRegions, backedOff = now.backedOffRegions - before.backedOffRegions
        return parallel + backedOff == 0 ? 0 : Double(backedOff) / Double(parallel + backedOff)
    }

    /// A `rows` × `columns` weight of `dtype` with random quants and moderate positive scales
    /// (and negative offsets), deterministic for a given seed.
    public static func randomWeight(dtype: DType, rows: Int, columns: Int, seed: UInt64) throws -> WeightMatrix {
        let tensor = try Tensor(zeros: [rows, columns], dtype: dtype)
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        let bytes = tensor.storage.baseAddress.assumingMemoryBound(to: UInt8.self)
        let count = tensor.storage.byteCount
        var index = 0
        while index < count {
            var word = next()
            for _ in 0..<8 where index < count {
                bytes[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
        func putHalf(_ offset: Int, _ bits: UInt16) {
            bytes[offset] = UInt8(bits & 0xff)
            bytes[offset + 1] = UInt8(bits >> 8)
        }
        let blocks = count / dtype.bytesPerBlock
        for block in 0..<blocks {
            let base = block * dtype.bytesPerBlock
            // fp16 0x1C00... is 2⁻⁸·(1 + f): a scale in [0.004, 0.008); 0xA000... is about -0.008.
            let scale = UInt16(0x1C00) | UInt16(truncatingIfNeeded: next() & 0x3ff)
            let offset = UInt16(0xA000) | UInt16(truncatingIfNeeded: next() & 0x3ff)
            switch dtype {
            case .f32:
                let value = Float(Int(next() % 2001) - 1000) / 1000
                withUnsafeBytes(of: value.bitPattern.littleEndian) { raw in
                    for k in 0..<4 { bytes[base + k] = raw[k] }
                }
            case .f16, .bf16:
                putHalf(base, dtype == .f16 ? scale : UInt16(0x3C00) | UInt16(truncatingIfNeeded: next() & 0x7f))
            case .q4_0, .q5_0, .q8_0:
                putHalf(base, scale)
            case .q4_1, .q5_1, .q4_K, .q5_K:
                putHalf(base, scale)
                putHalf(base + 2, offset)
            case .q6_K:
                putHalf(base + 208, scale)
            }
        }
        return try WeightMatrix(tensor)
    }

    /// Times one linear layer per combination of the arguments.
    public static func linearLayers(dtypes: [DType] = [.q4_1, .q8_0], precisions: [Precision] = [.fast, .exact],
                                    shapes: [(outFeatures: Int, inFeatures: Int)] = modelShapes, rows: [Int] = [1, 512],
                                    threadCounts: [Int] = [1, 2], secondsPerCase: Double = 0.3,
                                    progress: (LinearResult) -> Void = { _ in }) throws -> [LinearResult] {
        guard rows.allSatisfy({ $0 >= 1 }), shapes.allSatisfy({ $0.outFeatures >= 1 && $0.inFeatures >= 1 }) else {
            throw TensorError.invalidShape("benchmark rows and shapes must be positive: rows \(rows), shapes \(shapes)")
        }
        var results: [LinearResult] = []
        let pools = try threadCounts.map { try ThreadPool(threadCount: $0) }
        for dtype in dtypes {
            for shape in shapes {
                let weight = try randomWeight(dtype: dtype, rows: shape.outFeatures, columns: shape.inFeatures, seed: UInt64(shape.outFeatures * 7 + shape.inFeatures))
                let maxRows = rows.max() ?? 1
                var input = [Float](repeating: 0, count: maxRows * shape.inFeatures)
                for index in input.indices { input[index] = Float((index * 7919) % 2001 - 1000) / 1000 }
                var output = [Float](repeating: 0, count: maxRows * shape.outFeatures)
                for precision in precisions {
                    for rowCount in rows {
                        for pool in pools {
                            let kernel = LinearKernel(pool: pool, precision: precision)
                            let before = pool.statistics
                            let (median, best) = input.withUnsafeBufferPointer { x in
                                output.withUnsafeMutableBufferPointer { y in
                                    time(seconds: secondsPerCase) {
                                        kernel.apply(weight, input: x.baseAddress!, rows: rowCount, output: y.baseAddress!)
                                    }
                                }
                            }
                            let operations = 2.0 * Double(rowCount) * Double(shape.inFeatures) * Double(shape.outFeatures)
                            let bytes = Double(weight.rowBytes * weight.rows)
                            let result = LinearResult(
                                dtype: dtype.description, precision: precision.rawValue, outFeatures: shape.outFeatures,
                                inFeatures: shape.inFeatures, rows: rowCount, threads: pool.threadCount,
                                medianMilliseconds: median * 1e3, bestMilliseconds: best * 1e3,
                                gigaopsPerSecond: operations / median / 1e9, bestGigaopsPerSecond: operations / best / 1e9,
                                weightGigabytesPerSecond: bytes / median / 1e9, backedOffShare: backedOff(pool, since: before))
                            results.append(result)
                            progress(result)
                        }
                    }
                }
            }
        }
        return results
    }

    /// Runs all linear layers of the reference model (30 layers of Q4_1 q, k, v, o, gate, up,
    /// down and the Q8_0 output head) on `rows` input rows, as one decoding step or prefill.
    public static func modelSweep(rows: Int, threads: Int, precision: Precision = .fast, headOnEveryRow: Bool,
                                  secondsPerCase: Double = 1) throws -> ModelSweepResult {
        guard rows >= 1 else { throw TensorError.invalidShape("a model sweep needs at least one row, not \(rows)") }
        let pool = try ThreadPool(threadCount: threads)
        let kernel = LinearKernel(pool: pool, precision: precision)
        let layerShapes = [(576, 576), (192, 576), (192, 576), (576, 576), (1536, 576), (1536, 576), (576, 1536)]
        var weights: [WeightMatrix] = []
        for layer in 0..<30 {
            for (index, shape) in layerShapes.enumerated() {
                weights.append(try randomWeight(dtype: .q4_1, rows: shape.0, columns: shape.1, seed: UInt64(layer * 16 + index)))
            }
        }
        let head = try randomWeight(dtype: .q8_0, rows: 49152, columns: 576, seed: 999)
        var input = [Float](repeating: 0, count: rows * 1536)
        for index in input.indices { input[index] = Float((index * 7919) % 2001 - 1000) / 1000 }
        var output = [Float](repeating: 0, count: (headOnEveryRow ? rows : 1) * 49152 + rows * 1536)
        let headRows = headOnEveryRow ? rows : 1
        let before = pool.statistics
        let (median, best) = input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                time(seconds: secondsPerCase) {
                    for weight in weights { kernel.apply(weight, input: x.baseAddress!, rows: rows, output: y.baseAddress!) }
                    kernel.apply(head, input: x.baseAddress! + (rows - headRows) * 576, rows: headRows, output: y.baseAddress!)
                }
            }
        }
        let bytes = Double(weights.reduce(0) { $0 + $1.rowBytes * $1.rows } + head.rowBytes * head.rows)
        let operations = 2.0 * Double(rows) * Double(weights.reduce(0) { $0 + $1.rows * $1.columns }) + 2.0 * Double(headRows) * 49152 * 576
        return ModelSweepResult(rows: rows, threads: pool.threadCount, precision: precision.rawValue, headOnEveryRow: headOnEveryRow,
                                medianMilliseconds: median * 1e3, bestMilliseconds: best * 1e3,
                                tokensPerSecond: Double(rows) / median, weightGigabytesPerSecond: bytes / median / 1e9,
                                gigaopsPerSecond: operations / median / 1e9, backedOffShare: backedOff(pool, since: before))
    }

    /// The Q8_0 matrix-vector product of the float path (dequantize each weight row, dot it with
    /// the input) at the FFN-down shape 576 × 1536 on one thread: plain Swift `SIMD16<Float>`
    /// against the C kernel of the current path (`.exact`, which runs this algorithm).
    public static func swiftSIMDComparison(secondsPerCase: Double = 0.5) throws -> SwiftSIMDComparison {
        let rows = 576, columns = 1536
        let weight = try randomWeight(dtype: .q8_0, rows: rows, columns: columns, seed: 4242)
        var input = [Float](repeating: 0, count: columns)
        for index in input.indices { input[index] = Float((index * 7919) % 2001 - 1000) / 1000 }
        var swiftOutput = [Float](repeating: 0, count: rows), cOutput = swiftOutput
        let pool = try ThreadPool(threadCount: 1)
        let kernel = LinearKernel(pool: pool, precision: .exact)
        let base = weight.rowPointer(0)
        let swiftTime = input.withUnsafeBufferPointer { x in
            swiftOutput.withUnsafeMutableBufferPointer { y in
                time(seconds: secondsPerCase) { SwiftSIMDKernels.q8MatrixVector(base, rows: rows, columns: columns, x: x.baseAddress!, y: y.baseAddress!) }
            }
        }.best
        let cTime = input.withUnsafeBufferPointer { x in
            cOutput.withUnsafeMutableBufferPointer { y in
                time(seconds: secondsPerCase) { kernel.apply(weight, input: x.baseAddress!, rows: 1, output: y.baseAddress!) }
            }
        }.best
        let fastKernel = LinearKernel(pool: pool, precision: .fast)
        var fastOutput = cOutput
        let cFastTime = input.withUnsafeBufferPointer { x in
            fastOutput.withUnsafeMutableBufferPointer { y in
                time(seconds: secondsPerCase) { fastKernel.apply(weight, input: x.baseAddress!, rows: 1, output: y.baseAddress!) }
            }
        }.best
        let largest = cOutput.map(abs).max() ?? 1
        let difference = zip(swiftOutput, cOutput).map { abs($0 - $1) }.max() ?? 0
        return SwiftSIMDComparison(kernel: "Q8_0 matrix-vector 576×1536, float32 (dequantize + dot), 1 thread",
                                   swiftMilliseconds: swiftTime * 1e3, cMilliseconds: cTime * 1e3, cFastMilliseconds: cFastTime * 1e3,
                                   relativeDifference: Double(difference / max(largest, .leastNormalMagnitude)))
    }
}

/// Plain Swift versions of kernels, kept only to measure them against the C kernels.
enum SwiftSIMDKernels {
    /// IEEE half to float by bit manipulation (no Float16, which some platforms lack).
    @inline(__always) static func half(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16, exponent = UInt32(bits >> 10) & 0x1f, mantissa = UInt32(bits & 0x3ff)
        if exponent == 0 { return Float(sign: sign == 0 ? .plus : .minus, exponent: -24, significand: Float(mantissa)) }
        if exponent == 31 { return Float(bitPattern: sign | 0x7f80_0000 | mantissa << 13) }
        return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
    }

    /// y[r] = Σ_c dequantize(W[r])[c] · x[c] for a Q8_0 weight, 16 lanes at a time.
    static func q8MatrixVector(_ weight: UnsafeRawPointer, rows: Int, columns: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        let blocks = columns / 32
        let xRaw = UnsafeRawPointer(x)
        for r in 0..<rows {
            var accumulator0 = SIMD16<Float>(), accumulator1 = SIMD16<Float>()
            let row = weight + r * blocks * 34
            for b in 0..<blocks {
                let block = row + b * 34
                let d = half(UInt16(block.load(as: UInt8.self)) | UInt16(block.load(fromByteOffset: 1, as: UInt8.self)) << 8)
                let q0 = block.loadUnaligned(fromByteOffset: 2, as: SIMD16<Int8>.self)
                let q1 = block.loadUnaligned(fromByteOffset: 18, as: SIMD16<Int8>.self)
                let w0 = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: q0)) * d
                let w1 = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: q1)) * d
                // `*` and `+`, not addingProduct: without FMA in the baseline instruction set that
                // becomes a libm fmaf call per lane (about 15 times slower).
                accumulator0 += w0 * xRaw.loadUnaligned(fromByteOffset: 128 * b, as: SIMD16<Float>.self)
                accumulator1 += w1 * xRaw.loadUnaligned(fromByteOffset: 128 * b + 64, as: SIMD16<Float>.self)
            }
            y[r] = (accumulator0 + accumulator1).sum()
        }
    }
}
