import CKernels

/// Computes linear layers `output = input · Wᵀ` for weights of any element type, on a thread
/// pool, with scratch memory allocated once for the largest shape it will see.
public final class LinearKernel: @unchecked Sendable {
    /// The pool that runs the work.
    public let pool: ThreadPool
    /// Fast (8-bit activations, integer dots) or exact (Float32 throughout).
    public let precision: Precision
    private var scratch: UnsafeMutableRawPointer?
    private var scratchBytes = 0

    /// Creates a kernel running on `pool` with the given precision.
    public init(pool: ThreadPool, precision: Precision) {
        self.pool = pool
        self.precision = precision
    }

    deinit { scratch?.deallocate() }

    private var cPrecision: Int32 { precision == .fast ? Int32(GK_PRECISION_FAST) : Int32(GK_PRECISION_EXACT) }

    /// Computes `rows` rows: `output[r * outputStride + o] = Σ_c input[r * inputStride + c] · W[o][c]`.
    /// `input` rows need `weight.columns` floats, `output` rows `weight.rows` floats.
    public func apply(_ weight: WeightMatrix, input: UnsafePointer<Float>, inputStride: Int? = nil, rows: Int,
                      output: UnsafeMutablePointer<Float>, outputStride: Int? = nil) {
        guard rows > 0 else { return }
        let needed = gk_linear_scratch_bytes(Int32(weight.dtype.rawValue), Int64(rows), Int64(weight.columns),
                                             Int32(pool.threadCount), cPrecision)
        if needed > scratchBytes {
            scratch?.deallocate()
            scratch = UnsafeMutableRawPointer.allocate(byteCount: needed, alignment: 64)
            scratchBytes = needed
        }
        var args = gk_linear_args(weight: weight.rowPointer(0), weight_type: Int32(weight.dtype.rawValue),
                                  out_features: Int64(weight.rows), in_features: Int64(weight.columns),
                                  input: input, input_stride: Int64(inputStride ?? weight.columns), rows: Int64(rows),
                                  output: output, output_stride: Int64(outputStride ?? weight.rows), precision: cPrecision)
        gk_linear(pool.pool, &args, scratch)
    }
}
