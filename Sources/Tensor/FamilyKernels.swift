import Foundation

/// Elementwise steps some model families add to the LLaMA block (GeGLU, soft-capping, biases).
/// Plain Swift loops: they touch each activation once, far from the matrix products' cost.
extension Kernels {
    /// `out[i] = gelu_tanh(gate[i]) · up[i]`, with GELU's tanh approximation
    /// `0.5 · g · (1 + tanh(√(2/π) · (g + 0.044715 g³)))`. `out` may alias `gate`.
    public static func geluTanhMultiply(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int,
                                        into out: UnsafeMutablePointer<Float>) {
        let root: Float = (2 / Float.pi).squareRoot()
        for i in 0..<count {
            let g = gate[i]
            out[i] = 0.5 * g * (1 + tanhf(root * (g + 0.044715 * g * g * g))) * up[i]
        }
    }

    /// `x[i] = cap · tanh(x[i] / cap)` for `count` values (logit soft-capping).
    public static func softCap(_ x: UnsafeMutablePointer<Float>, count: Int, cap: Float) {
        for i in 0..<count { x[i] = cap * tanhf(x[i] / cap) }
    }

    /// Adds `bias` (`width` values) to each of `rows` rows of `width` floats at `x`.
    public static func addBias(_ bias: UnsafePointer<Float>, to x: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        for row in 0..<rows { add(bias, into: x + row * width, count: width) }
    }

    /// `x[i] *= factor` for `count` values.
    public static func scale(_ x: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
        for i in 0..<count { x[i] *= factor }
    }
}
