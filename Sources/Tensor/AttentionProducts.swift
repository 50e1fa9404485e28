import CKernels

/// The arithmetic of attention's two products, `q·k` and `p·v`.
public enum AttentionProducts: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Float32 products and sums everywhere.
    case f32
    /// Where the CPU has AVX512-BF16 and a call has 16 or more queries (prefill) with a head size
    /// of 64 or 128: queries, keys, softmax weights and values rounded to bfloat16, multiplied in
    /// pairs, summed in Float32 (twice the products per instruction). Float32 elsewhere.
    case bf16

    /// The products used when none are asked for: `f32` for exact precision, `bf16` for fast.
    public static func standard(for precision: Precision) -> AttentionProducts { precision == .exact ? .f32 : .bf16 }

    public var description: String { rawValue }

    /// The C kernels' id.
    var kernelProducts: Int32 { self == .f32 ? Int32(GK_PRODUCTS_F32) : Int32(GK_PRODUCTS_BF16) }
}
