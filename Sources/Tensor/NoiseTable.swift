import CKernels

/// The standard random numbers that logit noise draws from: 2^17 numbers of one kind (N(0, 1)
/// or U(0, 1)) made once from a seed, which every (layer, head, query) row reads as a stretch
/// of consecutive entries starting at a hashed place.
///
/// Within a row the numbers are distinct table entries (for rows up to 2^17 = 131,072 keys), so
/// a row's noise is independent from key to key; different rows may reuse entries at other
/// keys. The kernel adds a row's noise to 16 logits with one load instead of generating 16
/// numbers. A table costs 512 KB, small enough to stay in a core's L2 cache; sessions keep the
/// one their setting needs.
public final class NoiseTable: @unchecked Sendable {
    /// Entries a row can address; a row longer than this repeats its numbers.
    public static let size = Int(GK_NOISE_TABLE_SIZE)
    /// The distribution of the numbers.
    public let kind: LogitNoise.Kind
    /// The seed the numbers come from.
    public let seed: UInt64
    private let numbers: FloatBuffer

    /// Fills the table of `kind` for `seed`.
    public init(kind: LogitNoise.Kind, seed: UInt64) {
        self.kind = kind
        self.seed = seed
        numbers = FloatBuffer(capacity: Self.size + Int(GK_NOISE_TABLE_PAD))
        gk_noise_table_fill(kind.kernelKind, seed, numbers.pointer)
    }

    /// The table for `setting`: `existing` when it already is that one, else a new one.
    public static func matching(_ setting: LogitNoise, reusing existing: NoiseTable?) -> NoiseTable {
        if let existing, existing.kind == setting.kind, existing.seed == setting.seed { return existing }
        return NoiseTable(kind: setting.kind, seed: setting.seed)
    }

    /// Entry `index` mod `size` (any index reads inside the table).
    public func entry(_ index: Int) -> Float { numbers.pointer[index & (Self.size - 1)] }

    /// Where the numbers of row (layer, head, query) start.
    public func rowStart(layer: Int, head: Int, query: Int) -> Int {
        Int(gk_noise_row_start(seed, Int32(truncatingIfNeeded: layer), Int32(truncatingIfNeeded: head), Int64(query)))
    }

    /// The standard number the kernel uses for (layer, head, query index, key index).
    public func number(layer: Int, head: Int, query: Int, key: Int) -> Float {
        entry(rowStart(layer: layer, head: head, query: query) &+ key)
    }

    /// The table's first entry, for the kernel.
    var pointer: UnsafePointer<Float> { UnsafePointer(numbers.pointer) }
}

extension LogitNoise.Kind {
    /// The kernel's code for the distribution.
    var kernelKind: Int32 { self == .gaussian ? Int32(GK_NOISE_GAUSSIAN) : Int32(GK_NOISE_UNIFORM) }
}
