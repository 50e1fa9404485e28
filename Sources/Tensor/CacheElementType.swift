import CKernels

/// How the key/value cache stores its elements (`--kv-type`, config key `kv_type`). The
/// attention kernels read every type directly, converting while they load.
public enum CacheElementType: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Float32: exact, twice the memory traffic of `f16`. The exact precision's default.
    case f32
    /// IEEE half (rounded to nearest even when stored). The fast precision's default.
    case f16

    /// Bytes per cached element.
    public var bytesPerElement: Int { self == .f32 ? 4 : 2 }

    /// The type used when none is asked for: `f32` for exact precision, `f16` for fast.
    public static func standard(for precision: Precision) -> CacheElementType { precision == .exact ? .f32 : .f16 }

    public var description: String { rawValue }

    /// The C kernels' type id.
    var kernelType: Int32 { self == .f32 ? Int32(GK_F32) : Int32(GK_F16) }

    /// Stores `count` floats as elements of this type at `destination`.
    public func store(_ source: UnsafePointer<Float>, count: Int, into destination: UnsafeMutableRawPointer) {
        gk_store_cached(source, destination, kernelType, Int64(count))
    }

    /// Loads `count` elements of this type from `source` as floats.
    public func load(_ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
        gk_load_cached(source, kernelType, destination, Int64(count))
    }
}
