import CKernels

/// The element type of a tensor: plain floating point or one of ggml's block-quantized layouts.
///
/// Raw values are ggml's type ids, as stored in GGUF tensor infos. Quantized types store
/// `blockSize` consecutive elements of a row in `bytesPerBlock` bytes; a row must hold a whole
/// number of blocks.
public enum DType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q5_0 = 6
    case q5_1 = 7
    case q8_0 = 8
    case q4_K = 12
    case q5_K = 13
    case q6_K = 14
    case bf16 = 30

    /// This type's row of CKernels' type table (`gk_type_traits_of`): the one place where block
    /// layouts are written down, read by the C kernels and by this enum alike.
    private var traits: gk_type_traits { gk_type_traits_of(Int32(rawValue)) }

    /// Elements per block (1 for plain floating-point types).
    public var blockSize: Int { Int(traits.block_size) }

    /// Bytes per block.
    public var bytesPerBlock: Int { Int(traits.block_bytes) }

    /// Whether the type is block-quantized.
    public var isQuantized: Bool { blockSize > 1 }

    /// ggml's name for the type (`"Q4_1"`, `"F32"`, ...).
    public var description: String { traits.name.map { String(cString: $0) } ?? "type \(rawValue)" }

    /// Bytes needed for `elements` consecutive elements of one row, or `nil` when `elements`
    /// is negative, not a whole number of blocks, or the size overflows.
    public func byteCount(elements: Int) -> Int? {
        guard elements >= 0, elements % blockSize == 0 else { return nil }
        let (bytes, overflow) = (elements / blockSize).multipliedReportingOverflow(by: bytesPerBlock)
        return overflow ? nil : bytes
    }
}
