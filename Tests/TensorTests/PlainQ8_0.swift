import Tensor

/// ggml's Q8_0 written out plainly, independent of the C kernels, to check the `q8_0`
/// key/value cache: per 32 consecutive floats of one row, `d = max|x| / 127` (kept as f16)
/// and quants `round(x / d)` computed with the unrounded `d`, halves away from zero.
enum PlainQ8_0 {
    static let group = 32
    static let keysPerBlock = KeyBlockLayout.blockSize

    /// The f16 scale and the quants of one group of 32 floats.
    static func quantize(_ x: ArraySlice<Float>) -> (scale: Float16, quants: [Int8]) {
        let amax = x.reduce(Float(0)) { max($0, abs($1)) }
        let d = amax / 127
        let inverse: Float = d != 0 ? 1 / d : 0
        return (Float16(d), x.map { Int8(($0 * inverse).rounded(.toNearestOrAwayFromZero)) })
    }

    /// `x` (a whole number of groups) quantized and read back: what a `q8_0` cache holds.
    static func dequantized(_ x: [Float]) -> [Float] {
        stride(from: 0, to: x.count, by: group).flatMap { start -> [Float] in
            let (scale, quants) = quantize(x[start..<(start + group)])
            return quants.map { Float($0) * Float(scale) }
        }
    }

    /// ggml's `block_q8_0` bytes of `x` (little-endian f16 scale, then 32 quants, per group).
    static func rowBytes(_ x: [Float]) -> [UInt8] {
        stride(from: 0, to: x.count, by: group).flatMap { start -> [UInt8] in
            let (scale, quants) = quantize(x[start..<(start + group)])
            return [UInt8(scale.bitPattern & 0xff), UInt8(scale.bitPattern >> 8)] + quants.map { UInt8(bitPattern: $0) }
        }
    }

    /// One key/value head of blocked `q8_0` keys for `capacity` keys (rounded up to whole
    /// blocks; keys past `keys.count / dimension` are zero): per block of 16 keys, the quants
    /// transposed (dimension t of key l at byte `t·16 + l`), then the scale of group c of key l
    /// at byte `dimension·16 + (c·16 + l)·2`.
    static func keyHeadBytes(_ keys: [Float], dimension: Int, capacity: Int) -> [UInt8] {
        let blocks = (capacity + keysPerBlock - 1) / keysPerBlock
        let blockBytes = dimension * keysPerBlock + dimension / group * keysPerBlock * 2
        var bytes = [UInt8](repeating: 0, count: blocks * blockBytes)
        for j in 0..<(keys.count / dimension) {
            let base = j / keysPerBlock * blockBytes, l = j % keysPerBlock
            for c in 0..<(dimension / group) {
                let start = j * dimension + c * group
                let (scale, quants) = quantize(keys[start..<(start + group)])
                for (k, q) in quants.enumerated() { bytes[base + (c * group + k) * keysPerBlock + l] = UInt8(bitPattern: q) }
                let scaleAt = base + dimension * keysPerBlock + (c * keysPerBlock + l) * 2
                bytes[scaleAt] = UInt8(scale.bitPattern & 0xff)
                bytes[scaleAt + 1] = UInt8(scale.bitPattern >> 8)
            }
        }
        return bytes
    }

    /// Dimension `t` of key `l` (0..<16) of the key block starting at element `block` of a
    /// blocked `q8_0` key buffer, read from the bytes as `keyHeadBytes` lays them out.
    static func keyElement(_ buffer: UnsafeRawPointer, block: Int, dimension: Int, key l: Int, element t: Int) -> Float {
        let base = buffer + block / group * 34
        let quant = Int8(bitPattern: base.load(fromByteOffset: t * keysPerBlock + l, as: UInt8.self))
        let scaleAt = dimension * keysPerBlock + (t / group * keysPerBlock + l) * 2
        let bits = UInt16(base.load(fromByteOffset: scaleAt, as: UInt8.self)) | UInt16(base.load(fromByteOffset: scaleAt + 1, as: UInt8.self)) << 8
        return Float(quant) * Float(Float16(bitPattern: bits))
    }
}
