import CKernels

/// Computes linear layers `output = input · Wᵀ` for weights of any element type, on a thread
/// pool, with grow-only scratch memory (no allocation once it has seen the largest shape).
///
/// In `.fast` precision the input rows are quantized to 8 bits per block of 32 and multiplied
/// with quantized weights by integer dot products; in `.exact` precision weights are dequantized
/// exactly and everything is Float32. Float weights (F32, F16, BF16) use Float32 in both.
/// Results do not depend on the pool's thread count.
///
/// To apply several weights to one input (Q/K/V, gate/up), prepare the input once:
/// ```swift
/// try kernel.prepare(input: x, rows: n, columns: 576)
/// try kernel.apply(wq, output: q)
/// try kernel.apply(wk, output: k)
/// ```
/// One caller at a time.
public final class LinearKernel: @unchecked Sendable {
    /// The pool that runs the work.
    public let pool: ThreadPool
    /// Fast (8-bit activations, integer dots) or exact (Float32 throughout).
    public let precision: Precision
    private var inputBuffer: UnsafeMutableRawPointer?
    private var inputBufferBytes = 0
    private var workBuffer: UnsafeMutableRawPointer?
    private var workBufferBytes = 0
    private var prepared = gk_linear_input()
    private var isPrepared = false

    /// Creates a kernel running on `pool` with the given precision.
    public init(pool: ThreadPool, precision: Precision) {
        self.pool = pool
        self.precision = precision
    }

    deinit {
        inputBuffer?.deallocate()
        workBuffer?.deallocate()
    }

    private var cPrecision: Int32 { precision == .fast ? Int32(GK_PRECISION_FAST) : Int32(GK_PRECISION_EXACT) }

    private static func grow(_ buffer: inout UnsafeMutableRawPointer?, _ capacity: inout Int, to bytes: Int) {
        guard bytes > capacity || buffer == nil else { return }
        buffer?.deallocate()
        buffer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 64), alignment: 64)
        capacity = max(bytes, 64)
    }

    /// Prepares `rows` input rows of `columns` floats (`inputStride` floats apart, default
    /// `columns`) for the following `apply(_:output:outputStride:)` calls, quantizing them once
    /// in `.fast` precision. The input is read again by those calls (float weights, `.exact`),
    /// so it must stay valid and unchanged until the last of them.
    public func prepare(input: UnsafePointer<Float>, inputStride: Int? = nil, rows: Int, columns: Int) throws {
        guard rows >= 0, columns > 0 else {
            throw TensorError.invalidShape("a linear layer input needs rows ≥ 0 and columns > 0, not \(rows) × \(columns)")
        }
        let stride = inputStride ?? columns
        guard stride >= columns else { throw TensorError.invalidShape("input stride \(stride) is shorter than a row of \(columns)") }
        let bytes = gk_linear_input_bytes(Int64(rows), Int64(columns), cPrecision)
        LinearKernel.grow(&inputBuffer, &inputBufferBytes, to: bytes)
        gk_linear_prepare(pool.pool, &prepared, input, Int64(stride), Int64(rows), Int64(columns), cPrecision, inputBuffer)
        isPrepared = true
    }

    /// Applies `weight` to the prepared input: `output[r * outputStride + o] = Σ_c input[r][c] · W[o][c]`
    /// for every prepared row `r` and `o < weight.rows`. Throws when nothing was prepared or the
    /// weight's column count differs from the prepared input's.
    public func apply(_ weight: WeightMatrix, output: UnsafeMutablePointer<Float>, outputStride: Int? = nil) throws {
        guard isPrepared else { throw TensorError.unsupported("apply(_:output:) needs prepare(input:rows:columns:) first") }
        guard weight.columns == Int(prepared.in_features) else {
            throw TensorError.invalidShape("a weight of \(weight.columns) columns cannot take inputs of \(prepared.in_features) columns")
        }
        let stride = outputStride ?? weight.rows
        guard stride >= weight.rows || prepared.rows <= 1 else {
            throw TensorError.invalidShape("output stride \(stride) is shorter than a row of \(weight.rows)")
        }
        try run(weight, output: output, outputStride: stride)
    }

    /// Computes `rows` rows: `output[r * outputStride + o] = Σ_c input[r * inputStride + c] · W[o][c]`.
    /// `input` rows need `weight.columns` floats, `output` rows `weight.rows` floats. Replaces any
    /// prepared input.
    public func apply(_ weight: WeightMatrix, input: UnsafePointer<Float>, inputStride: Int? = nil, rows: Int,
                      output: UnsafeMutablePointer<Float>, outputStride: Int? = nil) {
        guard rows > 0 else { return }
        do {
            try prepare(input: input, inputStride: inputStride, rows: rows, columns: weight.columns)
            try run(weight, output: output, outputStride: outputStride ?? weight.rows)
        } catch {
            // A WeightMatrix always has a supported type and whole blocks per row, and the
            // shapes come from it, so there is nothing left that can fail here.
        }
    }

    /// The log-softmax pieces of an output head for scoring, without any row of logits: for
    /// every prepared row `r`, `logSumExp[r] = log Σ_o exp(logit[r][o])` and
    /// `targetLogits[r] = logit[r][targets[r]]` (NaN when `targets[r]` is not in
    /// `0..<weight.rows`), where `logit = input · Wᵀ` comes from the same products as
    /// `apply(_:output:outputStride:)`. The head's weights are unpacked once for all the
    /// prepared rows instead of once per few rows. Throws when nothing was prepared, the column
    /// counts differ, or `targets` does not have one entry per prepared row.
    public func logSumExp(_ weight: WeightMatrix, targets: [Int], logSumExp: UnsafeMutablePointer<Float>,
                          targetLogits: UnsafeMutablePointer<Float>) throws {
        guard isPrepared else { throw TensorError.unsupported("logSumExp needs prepare(input:rows:columns:) first") }
        guard weight.columns == Int(prepared.in_features) else {
            throw TensorError.invalidShape("a weight of \(weight.columns) columns cannot take inputs of \(prepared.in_features) columns")
        }
        guard targets.count == Int(prepared.rows) else {
            throw TensorError.invalidShape("\(targets.count) targets for \(prepared.rows) prepared rows")
        }
        let type = Int32(weight.dtype.rawValue)
        let bytes = gk_output_log_sum_exp_work_bytes(type, prepared.rows, Int64(weight.columns), Int64(weight.rows), Int32(pool.threadCount))
        LinearKernel.grow(&workBuffer, &workBufferBytes, to: bytes)
        let status = targets.map(Int64.init).withUnsafeBufferPointer { targets in
            gk_output_log_sum_exp(pool.pool, &prepared, weight.rowPointer(0), type, Int64(weight.rows), targets.baseAddress,
                                  logSumExp, targetLogits, workBuffer)
        }
        guard status == 0 else {
            throw TensorError.unsupported("output head with \(weight.dtype) weights of \(weight.columns) columns")
        }
    }

    private func run(_ weight: WeightMatrix, output: UnsafeMutablePointer<Float>, outputStride: Int) throws {
        let type = Int32(weight.dtype.rawValue)
        let bytes = gk_linear_work_bytes(type, Int64(weight.columns), Int32(pool.threadCount))
        LinearKernel.grow(&workBuffer, &workBufferBytes, to: bytes)
        let status = gk_linear_apply(pool.pool, &prepared, weight.rowPointer(0), type, Int64(weight.rows), output,
                                     Int64(outputStride), workBuffer)
        guard status == 0 else {
            throw TensorError.unsupported("linear layer with \(weight.dtype) weights of \(weight.columns) columns")
        }
    }
}
