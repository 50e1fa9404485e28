import CKernels

/// Pairing of dimensions that rotary position embedding rotates together.
public enum RotaryConvention: Sendable {
    /// `(x[2i], x[2i+1])`: llama weights as stored in GGUF files.
    case adjacentPairs
    /// `(x[i], x[i + d/2])` ("rotate half"): Hugging Face checkpoints.
    case halfSplit
}

/// Row and elementwise kernels on raw Float32 buffers. Callers guarantee the buffer sizes.
public enum Kernels {
    /// `y[r] = x[r] / sqrt(mean(x[r]²) + eps) ⊙ weight` for `rows` rows of `dimension` floats.
    public static func rmsNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, epsilon: Float,
                               rows: Int, dimension: Int, into y: UnsafeMutablePointer<Float>) {
        gk_rms_norm(x, weight, epsilon, Int64(rows), Int64(dimension), y)
    }

    /// `out[i] = silu(gate[i]) · up[i]` with `silu(g) = g / (1 + e^-g)`.
    public static func siluMultiply(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int,
                                    into out: UnsafeMutablePointer<Float>) {
        gk_silu_mul(gate, up, Int64(count), out)
    }

    /// `a[i] += b[i]`.
    public static func add(_ b: UnsafePointer<Float>, into a: UnsafeMutablePointer<Float>, count: Int) {
        gk_add(a, b, Int64(count))
    }

    /// `Σ a[i]·b[i]`.
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        gk_dot(a, b, Int64(count))
    }

    /// `log Σ exp(x[i])`, computed stably.
    public static func logSumExp(_ x: UnsafePointer<Float>, count: Int) -> Float {
        gk_log_sum_exp(x, Int64(count))
    }

    /// Converts `count` elements of one row of type `dtype` starting at `source` (a block
    /// boundary; `count` a multiple of the block size) to Float32.
    public static func dequantize(_ source: UnsafeRawPointer, dtype: DType, count: Int, into destination: UnsafeMutablePointer<Float>) {
        _ = gk_dequantize_row(Int32(dtype.rawValue), source, destination, Int64(count))
    }
}

extension Tensor {
    /// All elements converted to Float32, in row-major order (dequantizing quantized types).
    public func floatValues() throws -> [Float] {
        let rowLength = shape.last ?? 1
        let source = try contiguous()
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, rowLength > 0 else { return }
            for row in 0..<(count / rowLength) {
                Kernels.dequantize(source.rawPointer(elementOffset: row * rowLength), dtype: dtype, count: rowLength,
                                   into: base + row * rowLength)
            }
        }
        return values
    }
}
