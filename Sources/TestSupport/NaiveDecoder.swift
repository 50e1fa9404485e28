import Foundation
import Transformer

/// An obviously-correct LLaMA forward pass in Double over Hugging Face-layout weights
/// (half-split rotary pairs), for checking the real decoder. No caching, no tiling: every
/// logit of every layer is computed from scratch.
public struct NaiveDecoder {
    public let configuration: LlamaConfiguration
    private let weight: (LlamaTensorName) -> [Double]

    /// A decoder over `checkpoint`'s weights.
    public init(_ checkpoint: TinyCheckpoint) {
        configuration = checkpoint.configuration
        var cache: [LlamaTensorName: [Double]] = [:]
        for name in LlamaTensorName.all(layerCount: checkpoint.configuration.layerCount) {
            cache[name] = checkpoint.values(name).map(Double.init)
        }
        weight = { cache[$0] ?? [] }
    }

    /// Logits (one row per token) of the whole sequence, with positions `positions` (default
    /// `0..<n`) rotated by frequencies `base^(-2i/d)`.
    public func logits(_ tokens: [Int], positions: [Double]? = nil) -> [[Double]] {
        let c = configuration
        let n = tokens.count, h = c.hiddenSize, d = c.headDimension
        let positions = positions ?? (0..<n).map(Double.init)
        let embedding = weight(.tokenEmbedding)
        var x = tokens.map { Array(embedding[($0 * h)..<($0 * h + h)]) }
        for layer in 0..<c.layerCount {
            let normed = x.map { rmsNorm($0, weight(.attentionNorm(layer: layer))) }
            let q = normed.map { matvec(weight(.query(layer: layer)), $0) }
            let k = normed.map { matvec(weight(.key(layer: layer)), $0) }
            let v = normed.map { matvec(weight(.value(layer: layer)), $0) }
            let qr = zip(q, positions).map { rotate($0, heads: c.headCount, at: $1) }
            let kr = zip(k, positions).map { rotate($0, heads: c.keyValueHeadCount, at: $1) }
            var attention = [[Double]](repeating: [Double](repeating: 0, count: c.headCount * d), count: n)
            let group = c.headCount / c.keyValueHeadCount
            for i in 0..<n {
                for head in 0..<c.headCount {
                    let g = head / group
                    let scores = (0...i).map { j -> Double in
                        (0..<d).reduce(0) { $0 + qr[i][head * d + $1] * kr[j][g * d + $1] } / Double(d).squareRoot()
                    }
                    let maximum = scores.max() ?? 0
                    let weights = scores.map { exp($0 - maximum) }
                    let total = weights.reduce(0, +)
                    for t in 0..<d {
                        attention[i][head * d + t] = (0...i).reduce(0) { $0 + weights[$1] * v[$1][g * d + t] } / total
                    }
                }
            }
            for i in 0..<n {
                let projected = matvec(weight(.attentionOutput(layer: layer)), attention[i])
                for t in 0..<h { x[i][t] += projected[t] }
                let ffnInput = rmsNorm(x[i], weight(.feedForwardNorm(layer: layer)))
                let gate = matvec(weight(.gate(layer: layer)), ffnInput)
                let up = matvec(weight(.up(layer: layer)), ffnInput)
                let hidden = zip(gate, up).map { $0 / (1 + exp(-$0)) * $1 }
                let down = matvec(weight(.down(layer: layer)), hidden)
                for t in 0..<h { x[i][t] += down[t] }
            }
        }
        let head = c.tiedEmbeddings ? embedding : weight(.outputHead)
        return x.map { matvec(head, rmsNorm($0, weight(.finalNorm))) }
    }

    private func rmsNorm(_ x: [Double], _ w: [Double]) -> [Double] {
        let meanSquare = x.reduce(0) { $0 + $1 * $1 } / Double(x.count)
        let scale = 1 / (meanSquare + Double(configuration.rmsNormEpsilon)).squareRoot()
        return zip(x, w).map { $0 * scale * $1 }
    }

    private func matvec(_ matrix: [Double], _ x: [Double]) -> [Double] {
        let columns = x.count, rows = matrix.count / columns
        return (0..<rows).map { row in (0..<columns).reduce(0) { $0 + matrix[row * columns + $1] * x[$1] } }
    }

    /// Half-split ("rotate half") rotation of each head at `position`.
    private func rotate(_ x: [Double], heads: Int, at position: Double) -> [Double] {
        let d = configuration.headDimension, half = d / 2
        var out = x
        for head in 0..<heads {
            for i in 0..<half {
                let angle = position * pow(configuration.ropeBase, -Double(2 * i) / Double(d))
                let a = x[head * d + i], b = x[head * d + i + half]
                out[head * d + i] = a * cos(angle) - b * sin(angle)
                out[head * d + i + half] = b * cos(angle) + a * sin(angle)
            }
        }
        return out
    }
}
