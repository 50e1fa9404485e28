import CKernels

/// cos and sin rows for a list of positions: `count` rows of `pairCount` values each.
public final class RotaryAngles: @unchecked Sendable {
    /// Rows of cosines.
    public let cosines: FloatBuffer
    /// Rows of sines.
    public let sines: FloatBuffer
    /// Number of rows.
    public private(set) var count = 0
    /// Values per row.
    public private(set) var pairCount = 0

    public init() {
        cosines = FloatBuffer()
        sines = FloatBuffer()
    }

    func resize(count: Int, pairCount: Int) {
        self.count = count
        self.pairCount = pairCount
        cosines.ensure(count * pairCount)
        sines.ensure(count * pairCount)
    }
}

/// Rotary embedding for one set of frequencies: computes angle rows for positions (integer
/// positions from a cached table when many are asked for) and rotates query rows and keys.
public final class RotaryTable: @unchecked Sendable {
    /// The frequencies.
    public let frequencies: RotaryFrequencies
    /// Pair convention of the weights.
    public let convention: RotaryConvention
    private var tableCosines: [Float] = []
    private var tableSines: [Float] = []
    private var tablePositions = 0

    /// Lists at least this long that are asked for again (`recurring`) grow the integer-position table.
    static let tableThreshold = 256
    /// The table never grows past this many positions.
    static let tableLimit = 1 << 20

    /// A table rotating with `frequencies` in the given pair convention.
    public init(frequencies: RotaryFrequencies, convention: RotaryConvention) {
        self.frequencies = frequencies
        self.convention = convention
    }

    private var cConvention: Int32 { convention == .adjacentPairs ? Int32(GK_ROPE_ADJACENT) : Int32(GK_ROPE_HALF_SPLIT) }

    /// Fills `angles` with the cos/sin rows of `positions`. `recurring` lists (the positions of
    /// every key, asked for again at later steps) grow a table of every integer position up to
    /// their highest, from which later calls copy rows; other lists (a step's new rows) are
    /// computed directly, with the same values, so that a model whose positions never move keeps
    /// no such table (4 MB at 16k for SmolLM2).
    public func computeAngles(_ positions: UnsafeBufferPointer<Float>, into angles: RotaryAngles, recurring: Bool = false) {
        let half = frequencies.pairCount
        angles.resize(count: positions.count, pairCount: half)
        if recurring && positions.count >= RotaryTable.tableThreshold {
            var highest: Float = -1
            for position in positions where position == position.rounded(.down) { highest = max(highest, position) }
            if highest >= Float(tablePositions) && highest < Float(RotaryTable.tableLimit) { growTable(to: Int(highest) + 1) }
        }
        frequencies.inverseFrequencies.withUnsafeBufferPointer { inverse in
            tableCosines.withUnsafeBufferPointer { c in
                tableSines.withUnsafeBufferPointer { s in
                    gk_rotary_angles(inverse.baseAddress, Int32(half), frequencies.attentionScaling, positions.baseAddress,
                                     Int64(positions.count), c.baseAddress, s.baseAddress, Int64(tablePositions),
                                     angles.cosines.pointer, angles.sines.pointer)
                }
            }
        }
    }

    /// Extends the table to at least `wanted` positions, computing the new rows in place.
    private func growTable(to wanted: Int) {
        let target = min(max(wanted, tablePositions * 2), RotaryTable.tableLimit)
        let half = frequencies.pairCount
        guard half > 0, target > tablePositions else { return }
        let positions = (tablePositions..<target).map { Float($0) }
        let first = tablePositions * half
        tableCosines.reserveCapacity(target * half)
        tableSines.reserveCapacity(target * half)
        tableCosines += repeatElement(0, count: positions.count * half)
        tableSines += repeatElement(0, count: positions.count * half)
        frequencies.inverseFrequencies.withUnsafeBufferPointer { inverse in
            positions.withUnsafeBufferPointer { p in
                tableCosines.withUnsafeMutableBufferPointer { c in
                    tableSines.withUnsafeMutableBufferPointer { s in
                        gk_rotary_angles(inverse.baseAddress, Int32(half), frequencies.attentionScaling, p.baseAddress, Int64(p.count),
                                         nil, nil, 0, c.baseAddress! + first, s.baseAddress! + first)
                    }
                }
            }
        }
        tablePositions = target
    }

    /// Rotates `rows` rows of `heads` vectors, row `r` with angle row `r` of `angles`, from
    /// `input` (rows `inputStride` apart) into `output` (rows `outputStride` apart).
    public func rotateRows(_ input: UnsafePointer<Float>, inputStride: Int, into output: UnsafeMutablePointer<Float>,
                           outputStride: Int, rows: Int, heads: Int, headDimension: Int, angles: RotaryAngles,
                           firstAngle: Int = 0, pool: ThreadPool) {
        let offset = firstAngle * angles.pairCount
        gk_rotate_rows(pool.pool, input, Int64(inputStride), output, Int64(outputStride), Int64(rows), Int32(heads),
                       Int32(headDimension), angles.cosines.pointer + offset, angles.sines.pointer + offset, cConvention)
    }

    /// Rotates keys `range` (unrotated rows `rowStride` floats apart; kv head `g` at offset
    /// `g·headDimension`) into `KeyBlockLayout` at `output` as elements of `outputType` (heads
    /// `outputHeadStride` elements apart), key `j` with angle row `j - angleOffset`.
    /// With `blend`, key `j` becomes `(1-w_j)·R₁k + w_j·R₂k`.
    public func rotateKeys(_ keys: UnsafePointer<Float>, rowStride: Int, range: Range<Int>, keyValueHeads: Int,
                           headDimension: Int, angles: RotaryAngles,
                           blend: (angles: RotaryAngles, weight: UnsafePointer<Float>)? = nil,
                           into output: UnsafeMutableRawPointer, outputType: CacheElementType = .f32, outputHeadStride: Int,
                           angleOffset: Int = 0, pool: ThreadPool) {
        let shift = -angleOffset * angles.pairCount
        gk_rotate_keys_blocked(pool.pool, keys, Int64(rowStride), Int64(range.lowerBound), Int64(range.count),
                               Int32(keyValueHeads), Int32(headDimension), angles.cosines.pointer + shift,
                               angles.sines.pointer + shift, blend.map { $0.angles.cosines.pointer + shift },
                               blend.map { $0.angles.sines.pointer + shift }, blend.map { $0.weight - angleOffset },
                               cConvention, output, outputType.kernelType, Int64(outputHeadStride))
    }

    /// `rotateKeys` for keys `range` taken from a rotated copy instead of unrotated rows: `cached`
    /// holds keys in `KeyBlockLayout` as elements of `cachedType` (heads `cachedHeadStride`
    /// elements apart), key `j` rotated with row `j - range.lowerBound` of `cachedAngles`. Each
    /// key is rotated back with that same row (the exact inverse up to float rounding, whatever
    /// the position's magnitude) and then rotated with `angles` (row `j`, and `blend`) into
    /// `output`, which must not overlap `cached`.
    public func repositionCachedKeys(_ cached: UnsafeRawPointer, cachedType: CacheElementType, cachedHeadStride: Int,
                                     cachedAngles: RotaryAngles, range: Range<Int>, keyValueHeads: Int, headDimension: Int,
                                     angles: RotaryAngles, blend: (angles: RotaryAngles, weight: UnsafePointer<Float>)? = nil,
                                     into output: UnsafeMutableRawPointer, outputType: CacheElementType, outputHeadStride: Int,
                                     pool: ThreadPool) {
        let recoveryShift = -range.lowerBound * cachedAngles.pairCount
        gk_reposition_cached_keys(pool.pool, cached, cachedType.kernelType, Int64(cachedHeadStride),
                                  cachedAngles.cosines.pointer + recoveryShift, cachedAngles.sines.pointer + recoveryShift,
                                  Int64(range.lowerBound), Int64(range.count), Int32(keyValueHeads), Int32(headDimension),
                                  angles.cosines.pointer, angles.sines.pointer, blend.map { $0.angles.cosines.pointer },
                                  blend.map { $0.angles.sines.pointer }, blend.map { $0.weight }, cConvention, output,
                                  outputType.kernelType, Int64(outputHeadStride))
    }
}
