/// A 2-D weight of a linear layer, `rows` output features by `columns` input features, in any
/// element type, with rows packed back to back (as in model files). Used as `y = x · Wᵀ`.
public struct WeightMatrix: @unchecked Sendable {
    /// The tensor holding the weights (kept alive by this value).
    public let tensor: Tensor
    /// Output features.
    public var rows: Int { tensor.shape[0] }
    /// Input features.
    public var columns: Int { tensor.shape[1] }
    /// Element type.
    public var dtype: DType { tensor.dtype }
    /// Bytes per row.
    public var rowBytes: Int { dtype.byteCount(elements: columns) ?? 0 }

    /// Wraps a rank-2 tensor whose rows are packed (a contiguous tensor or a row slice of one).
    public init(_ tensor: Tensor) throws {
        guard tensor.rank == 2 else { throw TensorError.invalidShape("a weight matrix needs rank 2, not shape \(tensor.shape)") }
        guard tensor.strides[1] == 1, tensor.strides[0] == tensor.shape[1] else {
            throw TensorError.unsupported("a weight matrix needs packed rows; call contiguous() first")
        }
        self.tensor = tensor
    }

    /// Address of the first byte of row `row`.
    public func rowPointer(_ row: Int) -> UnsafeRawPointer {
        tensor.rawPointer(elementOffset: row * columns)
    }
}
