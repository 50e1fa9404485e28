import CKernels

/// How the key/value cache stores its elements (`--kv-type`, config key `kv_type`). The
/// attention kernels read every type directly, converting while they load.
public enum CacheElementType: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Float32: exact, twice the memory traffic of `f16`. The exact precision's default.
    case f32
    /// IEEE half (rounded to nearest even when stored). The fast precision's default.
    case f16
    /// ggml's Q8_0 numbers: per 32 elements of one key or value row along the head dimension,
    /// one f16 scale `d = max|x| / 127` and int8 quants `round(x / d)`; 34 bytes per 32
    /// elements. Needs a head dimension that is a multiple of 32.
    case q8_0

    /// The element type in the kernels' type table, which gives the layout: elements per block
    /// and bytes per block.
    public var dtype: DType {
        switch self {
        case .f32: return .f32
        case .f16: return .f16
        case .q8_0: return .q8_0
        }
    }

    /// Bytes holding `elements` consecutive cached elements, a whole number of `dtype`'s
    /// blocks (every count the cache uses is, for a head dimension the type `supports`).
    public func byteCount(elements: Int) -> Int { elements / dtype.blockSize * dtype.bytesPerBlock }

    /// The type used when none is asked for: `f32` for exact precision, `f16` for fast.
    public static func standard(for precision: Precision) -> CacheElementType { precision == .exact ? .f32 : .f16 }

    /// The names accepted for `--kv-type` and `kv_type`, as a message lists them ("f32, f16 or q8_0").
    public static var choices: String {
        let names = allCases.map(\.rawValue)
        return names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
    }

    public var description: String { rawValue }

    /// Whether this type can cache head vectors of `headDimension` floats: a block type needs
    /// whole blocks per head vector.
    public func supports(headDimension: Int) -> Bool { headDimension > 0 && headDimension % dtype.blockSize == 0 }

    /// The C kernels' type id.
    var kernelType: Int32 { Int32(dtype.rawValue) }

    /// Stores `count` floats (a whole number of blocks) as elements of this type at `destination`.
    public func store(_ source: UnsafePointer<Float>, count: Int, into destination: UnsafeMutableRawPointer) {
        gk_store_cached(source, destination, kernelType, Int64(count))
    }

    /// Loads `count` elements (a whole number of blocks) of this type from `source` as floats.
    public func load(_ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
        gk_load_cached(source, kernelType, destination, Int64(count))
    }
}
