import Tensor

/// Slow, obvious twins of the block formats, written element by element from the format
/// definitions (ggml's block layouts), independently of the C code, in Double.
enum ReferenceFormats {
    static func u16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(b[at]) | UInt16(b[at + 1]) << 8 }
    static func u32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }
    /// IEEE binary16 at `at`, little-endian.
    static func half(_ b: [UInt8], _ at: Int) -> Double { Double(Float(Float16(bitPattern: u16(b, at)))) }
    /// bfloat16: the top 16 bits of a binary32.
    static func bfloat(_ b: [UInt8], _ at: Int) -> Double { Double(Float(bitPattern: UInt32(u16(b, at)) << 16)) }

    /// Value of element `e` (0..<blockSize) of the block starting at `b[o]`.
    static func element(_ dtype: DType, _ b: [UInt8], _ o: Int, _ e: Int) -> Double {
        switch dtype {
        case .f32:
            return Double(Float(bitPattern: u32(b, o)))
        case .f16:
            return half(b, o)
        case .bf16:
            return bfloat(b, o)
        case .q4_0, .q4_1:
            // d (, m), then 16 bytes: element e < 16 is the low nibble of byte e, element e ≥ 16
            // the high nibble of byte e - 16.
            let hasMin = dtype == .q4_1
            let quants = o + (hasMin ? 4 : 2)
            let byte = Int(b[quants + e % 16])
            let nibble = e < 16 ? byte & 15 : byte >> 4
            return hasMin ? Double(nibble) * half(b, o) + half(b, o + 2) : Double(nibble - 8) * half(b, o)
        case .q5_0, .q5_1:
            // As Q4, with bit e of the 32-bit qh as the fifth (highest) bit of element e.
            let hasMin = dtype == .q5_1
            let qh = u32(b, o + (hasMin ? 4 : 2))
            let byte = Int(b[o + (hasMin ? 8 : 6) + e % 16])
            let value = (e < 16 ? byte & 15 : byte >> 4) + Int((qh >> UInt32(e)) & 1) * 16
            return hasMin ? Double(value) * half(b, o) + half(b, o + 2) : Double(value - 16) * half(b, o)
        case .q8_0:
            return Double(Int8(bitPattern: b[o + 2 + e])) * half(b, o)
        case .q4_K, .q5_K:
            // d, dmin, 12 bytes of packed 6-bit (scale, min) for 8 sub-blocks of 32, [qh 32 bytes],
            // then 128 bytes: 64-element chunk c uses bytes 32c..32c+31, low nibbles for its
            // first 32 elements and high nibbles for the next 32.
            let five = dtype == .q5_K
            let sub = e / 32, chunk = e / 64, position = e % 32, high = (e % 64) >= 32
            let scales = o + 4
            let scale: Int, minimum: Int
            if sub < 4 {
                scale = Int(b[scales + sub]) & 63
                minimum = Int(b[scales + sub + 4]) & 63
            } else {
                scale = (Int(b[scales + sub + 4]) & 15) | (Int(b[scales + sub - 4]) >> 6) << 4
                minimum = (Int(b[scales + sub + 4]) >> 4) | (Int(b[scales + sub]) >> 6) << 4
            }
            let byte = Int(b[o + (five ? 48 : 16) + 32 * chunk + position])
            var value = high ? byte >> 4 : byte & 15
            if five { value += ((Int(b[o + 16 + position]) >> sub) & 1) * 16 }
            return half(b, o) * Double(scale) * Double(value) - half(b, o + 2) * Double(minimum)
        case .q6_K:
            // ql[128], qh[64], 16 int8 scales (one per 16 elements), d. Each 128-element half n
            // uses ql[64n...], qh[32n...]; its 32-element group g takes the low (g < 2) or high
            // nibble of ql[64n + 32(g % 2) + l] and bits 2g, 2g+1 of qh[32n + l] on top.
            let n = e / 128, group = (e % 128) / 32, l = e % 32
            let lowByte = Int(b[o + 64 * n + 32 * (group % 2) + l])
            let low = group < 2 ? lowByte & 15 : lowByte >> 4
            let highBits = (Int(b[o + 128 + 32 * n + l]) >> (2 * group)) & 3
            let scale = Int(Int8(bitPattern: b[o + 192 + e / 16]))
            return half(b, o + 208) * Double(scale) * Double((low | highBits << 4) - 32)
        }
    }

    /// `count` elements (whole blocks) of a row stored in `bytes`.
    static func dequantize(_ bytes: [UInt8], dtype: DType, count: Int) -> [Double] {
        (0..<count).map { index in
            element(dtype, bytes, index / dtype.blockSize * dtype.bytesPerBlock, index % dtype.blockSize)
        }
    }

    /// Byte offsets of the fp16 scale fields in a block of `dtype`.
    static func scaleOffsets(_ dtype: DType) -> [Int] {
        switch dtype {
        case .q4_0, .q5_0, .q8_0: return [0]
        case .q4_1, .q5_1, .q4_K, .q5_K: return [0, 2]
        case .q6_K: return [208]
        case .f32, .f16, .bf16: return []
        }
    }

    /// A random row of `count` elements: random bytes with finite, moderate fp16 scales for
    /// quantized types, random finite values for float types.
    static func randomRow(_ dtype: DType, count: Int, using rng: inout SeededGenerator) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: dtype.byteCount(elements: count)!)
        switch dtype {
        case .f32:
            for i in 0..<count {
                let bits = rng.float(-2...2).bitPattern
                for k in 0..<4 { bytes[4 * i + k] = UInt8(truncatingIfNeeded: bits >> (8 * UInt32(k))) }
            }
        case .f16, .bf16:
            for i in 0..<count {
                let value = rng.float(-2...2)
                let bits = dtype == .f16 ? Float16(value).bitPattern : UInt16(value.bitPattern >> 16)
                bytes[2 * i] = UInt8(bits & 0xff)
                bytes[2 * i + 1] = UInt8(bits >> 8)
            }
        default:
            for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
            let small = dtype == .q6_K
            for block in 0..<(count / dtype.blockSize) {
                for (index, offset) in scaleOffsets(dtype).enumerated() {
                    // d: scale of the quants; m/dmin: offset.
                    var value = index == 0 ? rng.float(0.002...0.05) : rng.float(-0.2...0.2)
                    if small { value *= 0.1 }
                    if index == 0, Bool.random(using: &rng) { value = -value }
                    let bits = Float16(value).bitPattern
                    bytes[block * dtype.bytesPerBlock + offset] = UInt8(bits & 0xff)
                    bytes[block * dtype.bytesPerBlock + offset + 1] = UInt8(bits >> 8)
                }
            }
        }
        return bytes
    }
}
