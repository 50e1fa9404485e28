import CKernels

/// Logit noise prepared for one kernel call: the method's `LogitNoise` setting plus what the
/// call supplies (layer, interpolated-key mask, key count, row statistics) and the table of
/// standard numbers the setting draws from.
///
/// For query at sequence index `i` and key `j` over `totalKeyCount` keys:
/// `sigma = scaleStandardDeviation ? (i - j) / K · standardDeviationBase : 1`;
/// gaussian noise is `offset + sigma · z` (offset the row statistic when `meanFromRow`, else 0),
/// uniform noise is `z · sigma · scale` (scale the row statistic when `maximumFromRow`, else 1),
/// with `z = table.number(layer:head:query:key:)`, a pure function of `(seed, layer, head, i, j)`.
public struct AttentionNoise {
    /// The method's noise setting, unchanged.
    public var setting: LogitNoise
    public var layer: Int
    /// Per key: 1 where the key's logit is interpolated; noise goes only there when
    /// `setting.onlyInterpolated` is set.
    public var interpolatedKeys: UnsafePointer<UInt8>?
    /// `K` of the formula: keys in the whole forward step.
    public var totalKeyCount: Int
    /// Per (query, head): the row mean (gaussian) or row maximum (uniform) of the logits, needed
    /// when the setting takes one from the row.
    public var rowStatistics: UnsafePointer<Float>?
    /// The standard numbers of the setting's kind and seed.
    public var table: NoiseTable

    /// `setting` for one call of layer `layer`, drawing from `table` (of the setting's kind and seed).
    public init(_ setting: LogitNoise, layer: Int, table: NoiseTable, interpolatedKeys: UnsafePointer<UInt8>?,
                totalKeyCount: Int, rowStatistics: UnsafePointer<Float>? = nil) {
        self.setting = setting
        self.layer = layer
        self.table = table
        self.interpolatedKeys = interpolatedKeys
        self.totalKeyCount = totalKeyCount
        self.rowStatistics = rowStatistics
    }
}

/// Layout of keys for `AttentionKernel`: per key/value head, blocks of 16 keys, each block
/// stored transposed (`[headDimension][16]`), so 16 logits come from one vector FMA per
/// dimension.
public enum KeyBlockLayout {
    /// Keys per block.
    public static let blockSize = Int(GK_KEY_BLOCK)

    /// Floats needed per key/value head for `capacity` keys (rounded up to whole blocks).
    public static func floatsPerHead(capacity: Int, headDimension: Int) -> Int {
        (capacity + blockSize - 1) / blockSize * blockSize * headDimension
    }

    /// Offset of element `t` of key `j` within one head's region.
    @inline(__always)
    public static func offset(key j: Int, element t: Int, headDimension: Int) -> Int {
        (j / blockSize) * headDimension * blockSize + t * blockSize + j % blockSize
    }

    /// Writes `vector` (headDimension floats) as key `j` into one head's region at `base`.
    @inline(__always)
    public static func store(_ vector: UnsafePointer<Float>, key j: Int, headDimension: Int, into base: UnsafeMutablePointer<Float>) {
        let block = base + (j / blockSize) * headDimension * blockSize + j % blockSize
        for t in 0..<headDimension { block[t * blockSize] = vector[t] }
    }
}

/// Causal multi-head attention with grouped key/value heads, computed tile by tile with an
/// online softmax (memory O(tile), never `[heads, queries, keys]`).
///
/// Each (query, key) pair takes its logit from one of up to four *views* (differently rotated
/// copies of queries and keys), chosen by per-query key thresholds; this is the seam through
/// which position-remapping methods (SelfExtend, ChunkLlama, GALI) plug in.
public final class AttentionKernel: @unchecked Sendable {
    /// Largest number of views.
    public static let maximumViews = Int(GK_MAX_VIEWS)

    /// Everything one call needs. Pointers must stay valid during `run`.
    public struct Arguments {
        public var queryCount: Int
        /// Sequence index of the first query; query `q` sees keys `0...firstQueryIndex + q`.
        public var firstQueryIndex: Int
        /// Keys `0..<keyCount` exist.
        public var keyCount: Int
        public var heads: Int
        public var keyValueHeads: Int
        public var headDimension: Int
        /// Per view: queries `[queryCount][heads][headDimension]`.
        public var queries: [UnsafePointer<Float>]
        /// Per view: keys in `KeyBlockLayout` as elements of `cacheType`, heads `keyHeadStride`
        /// elements apart.
        public var keys: [UnsafeRawPointer]
        public var keyHeadStride: Int
        /// Values `[kvHead][key][headDimension]` as elements of `cacheType`, heads
        /// `valueHeadStride` elements apart.
        public var values: UnsafeRawPointer
        public var valueHeadStride: Int
        /// Element type of keys and values.
        public var cacheType: CacheElementType
        /// Arithmetic of `q·k` and `p·v` (Float32 unless set).
        public var products: AttentionProducts = .f32
        /// `[queryCount][views - 1]`: view 0 covers keys `j >= t[0]`, view `v` covers
        /// `t[v] <= j < t[v-1]`, the last view the keys below. Nil for one view.
        public var thresholds: UnsafePointer<Int32>?
        /// Multiplies `q·k` (normally `1/sqrt(headDimension)`).
        public var logitScale: Float
        public var noise: AttentionNoise?
        /// 0: none; otherwise query at sequence index `i` sees only keys `j` with `i - j < slidingWindow`.
        public var slidingWindow: Int
        /// 0: none; otherwise each scaled logit `x` becomes `logitSoftCap · tanh(x / logitSoftCap)`,
        /// before noise and softmax.
        public var logitSoftCap: Float
        /// Result `[queryCount][heads][headDimension]`.
        public var output: UnsafeMutablePointer<Float>
        /// Optional `[queryCount][heads]`: the log-sum-exp of each row's logits.
        public var rowLogSumExp: UnsafeMutablePointer<Float>?

        /// Arguments with Float32 keys and values.
        public init(queryCount: Int, firstQueryIndex: Int, keyCount: Int, heads: Int, keyValueHeads: Int, headDimension: Int,
                    queries: [UnsafePointer<Float>], keys: [UnsafePointer<Float>], keyHeadStride: Int,
                    values: UnsafePointer<Float>, valueHeadStride: Int, thresholds: UnsafePointer<Int32>?,
                    logitScale: Float, noise: AttentionNoise? = nil, slidingWindow: Int = 0, logitSoftCap: Float = 0,
                    output: UnsafeMutablePointer<Float>, rowLogSumExp: UnsafeMutablePointer<Float>? = nil) {
            self.init(queryCount: queryCount, firstQueryIndex: firstQueryIndex, keyCount: keyCount, heads: heads,
                      keyValueHeads: keyValueHeads, headDimension: headDimension, queries: queries,
                      cachedKeys: keys.map { UnsafeRawPointer($0) }, keyHeadStride: keyHeadStride, cachedValues: UnsafeRawPointer(values),
                      valueHeadStride: valueHeadStride, cacheType: .f32, thresholds: thresholds, logitScale: logitScale, noise: noise,
                      slidingWindow: slidingWindow, logitSoftCap: logitSoftCap, output: output, rowLogSumExp: rowLogSumExp)
        }

        /// Arguments with keys and values cached as `cacheType`.
        public init(queryCount: Int, firstQueryIndex: Int, keyCount: Int, heads: Int, keyValueHeads: Int, headDimension: Int,
                    queries: [UnsafePointer<Float>], cachedKeys keys: [UnsafeRawPointer], keyHeadStride: Int,
                    cachedValues values: UnsafeRawPointer, valueHeadStride: Int, cacheType: CacheElementType,
                    thresholds: UnsafePointer<Int32>?, logitScale: Float, noise: AttentionNoise? = nil, slidingWindow: Int = 0,
                    logitSoftCap: Float = 0, output: UnsafeMutablePointer<Float>, rowLogSumExp: UnsafeMutablePointer<Float>? = nil) {
            self.queryCount = queryCount
            self.firstQueryIndex = firstQueryIndex
            self.keyCount = keyCount
            self.heads = heads
            self.keyValueHeads = keyValueHeads
            self.headDimension = headDimension
            self.queries = queries
            self.keys = keys
            self.keyHeadStride = keyHeadStride
            self.values = values
            self.valueHeadStride = valueHeadStride
            self.cacheType = cacheType
            self.thresholds = thresholds
            self.logitScale = logitScale
            self.noise = noise
            self.slidingWindow = slidingWindow
            self.logitSoftCap = logitSoftCap
            self.output = output
            self.rowLogSumExp = rowLogSumExp
        }
    }

    private let pool: ThreadPool
    private var scratch: UnsafeMutableRawPointer?
    private var scratchBytes = 0

    /// Creates a kernel that runs on `pool`.
    public init(pool: ThreadPool) { self.pool = pool }

    deinit { scratch?.deallocate() }

    /// Computes the attention output (and optionally row log-sum-exps).
    public func run(_ arguments: Arguments) throws {
        try withCArguments(arguments) { cArguments in
            let needed = gk_attention_scratch_bytes(&cArguments)
            if needed > scratchBytes {
                scratch?.deallocate()
                scratch = UnsafeMutableRawPointer.allocate(byteCount: needed, alignment: 64)
                scratchBytes = needed
            }
            guard gk_attention(pool.pool, &cArguments, scratch) == 0 else {
                throw TensorError.invalidShape("attention arguments are inconsistent (\(arguments.queryCount) queries from \(arguments.firstQueryIndex), \(arguments.keyCount) keys, \(arguments.heads)/\(arguments.keyValueHeads) heads of \(arguments.headDimension))")
            }
        }
    }

    /// Per (query, head), the largest (soft-capped) logit over all `keyCount` keys, ignoring the
    /// causal mask; keys below a sliding window's lower edge are left out.
    public func rowMaximum(_ arguments: Arguments, into result: UnsafeMutablePointer<Float>) throws {
        try withCArguments(arguments) { cArguments in
            guard gk_attention_row_max(pool.pool, &cArguments, result) == 0 else {
                throw TensorError.invalidShape("attention arguments are inconsistent")
            }
        }
    }

    /// Adds, for every query of `arguments` and every head, each visible key's logit
    /// (`probabilities == false`) or softmax probability into a `resolution × resolution` grid
    /// over a sequence of `totalLength` tokens (`sums`, `counts`: row-major, accumulated).
    /// Noise is excluded.
    public func probe(_ arguments: Arguments, probabilities: Bool, totalLength: Int, resolution: Int,
                      sums: UnsafeMutablePointer<Double>, counts: UnsafeMutablePointer<Int64>) throws {
        var noiseless = arguments
        noiseless.noise = nil
        try withCArguments(noiseless) { cArguments in
            guard gk_attention_probe(pool.pool, &cArguments, probabilities ? 1 : 0, Int64(totalLength), Int32(resolution), sums, counts) == 0 else {
                throw TensorError.invalidShape("attention probe arguments are inconsistent (length \(totalLength), resolution \(resolution))")
            }
        }
    }

    /// Per key/value head, the sum over all `keyCount` keys of view `view`:
    /// `[keyValueHeads][headDimension]` into `sums`.
    public static func keySums(_ arguments: Arguments, view: Int, into sums: UnsafeMutablePointer<Float>) throws {
        guard view >= 0, view < arguments.keys.count else { throw TensorError.invalidShape("no view \(view) of \(arguments.keys.count)") }
        try withCArguments(arguments) { cArguments in
            guard gk_attention_key_sums(&cArguments, Int32(view), sums) == 0 else {
                throw TensorError.invalidShape("attention arguments are inconsistent")
            }
        }
    }

    /// Whether `run` computes these arguments' products in bfloat16 (`products == .bf16` on a CPU
    /// with AVX512-BF16 on the AVX-512 path, 16 or more queries, head size 64 or 128).
    public static func usesBfloat16Products(_ arguments: Arguments) throws -> Bool {
        try withCArguments(arguments) { cArguments in gk_attention_uses_bf16(&cArguments) != 0 }
    }

    /// The logit the kernel uses for query `q`, head `h`, key `j` (soft-cap included, noise and masks excluded).
    public static func logit(_ arguments: Arguments, query q: Int, head h: Int, key j: Int) throws -> Float {
        try withCArguments(arguments) { cArguments in gk_attention_logit(&cArguments, Int64(q), Int32(h), Int64(j)) }
    }

    private static func withCArguments<R>(_ a: Arguments, _ body: (inout gk_attention_args) throws -> R) throws -> R {
        guard a.queries.count >= 1, a.queries.count <= maximumViews, a.keys.count == a.queries.count else {
            throw TensorError.invalidShape("attention needs 1...\(maximumViews) views with queries and keys for each, got \(a.queries.count) and \(a.keys.count)")
        }
        func tuple<P>(_ pointers: [P]) -> (P?, P?, P?, P?) {
            func at(_ index: Int) -> P? { index < pointers.count ? pointers[index] : nil }
            return (at(0), at(1), at(2), at(3))
        }
        guard a.slidingWindow >= 0, a.logitSoftCap >= 0, a.logitSoftCap.isFinite else {
            throw TensorError.invalidShape("attention needs a sliding window >= 0 and a finite logit soft-cap >= 0, got \(a.slidingWindow) and \(a.logitSoftCap)")
        }
        var cNoise = gk_attention_noise()
        if let noise = a.noise {
            let setting = noise.setting
            guard noise.table.kind == setting.kind, noise.table.seed == setting.seed else {
                throw TensorError.invalidShape("the noise table is not the setting's (kind \(noise.table.kind), seed \(noise.table.seed))")
            }
            cNoise = gk_attention_noise(kind: setting.kind.kernelKind, seed: setting.seed, layer: Int32(noise.layer),
                                        table: noise.table.pointer, only_interpolated: setting.onlyInterpolated ? 1 : 0,
                                        interpolated_keys: noise.interpolatedKeys, scale_std: setting.scaleStandardDeviation ? 1 : 0,
                                        std_base: setting.standardDeviationBase, total_key_count: Int64(noise.totalKeyCount),
                                        row_offset: setting.meanFromRow ? noise.rowStatistics : nil,
                                        row_scale: setting.maximumFromRow ? noise.rowStatistics : nil)
            if setting.onlyInterpolated && noise.interpolatedKeys == nil {
                throw TensorError.invalidShape("noise restricted to interpolated keys needs the interpolated-key mask")
            }
            if (setting.meanFromRow || setting.maximumFromRow) && noise.rowStatistics == nil {
                throw TensorError.invalidShape("noise taken from the row needs the row statistics")
            }
        }
        return try withUnsafePointer(to: &cNoise) { noisePointer in
            var c = gk_attention_args(query_count: Int64(a.queryCount), first_query_index: Int64(a.firstQueryIndex),
                                      key_count: Int64(a.keyCount), heads: Int32(a.heads), kv_heads: Int32(a.keyValueHeads),
                                      head_dim: Int32(a.headDimension), view_count: Int32(a.queries.count),
                                      queries: tuple(a.queries), keys: tuple(a.keys), key_head_stride: Int64(a.keyHeadStride),
                                      values: a.values, value_head_stride: Int64(a.valueHeadStride), kv_type: a.cacheType.kernelType,
                                      products: a.products.kernelProducts,
                                      thresholds: a.thresholds,
                                      logit_scale: a.logitScale, sliding_window: Int64(a.slidingWindow),
                                      logit_softcap: a.logitSoftCap, noise: a.noise == nil ? nil : noisePointer,
                                      output: a.output, row_log_sum_exp: a.rowLogSumExp)
            return try body(&c)
        }
    }

    private func withCArguments<R>(_ a: Arguments, _ body: (inout gk_attention_args) throws -> R) throws -> R {
        try AttentionKernel.withCArguments(a, body)
    }
}
