import Foundation
import Tensor

/// Converts Float32 values to the byte layout of a tensor element type, for writing model files.
/// Plain types round to nearest even; Q8_0 and Q4_1 follow ggml's reference quantizers.
public enum ElementEncoding {
    /// Element types `encode` can produce.
    public static let encodableTypes: [DType] = [.f32, .f16, .bf16, .q8_0, .q4_1]

    /// The bytes of `values` (one row after another) stored as `dtype`. Quantized types need a
    /// whole number of blocks; unsupported types throw `TensorError.unsupported`.
    public static func encode(_ values: [Float], as dtype: DType) throws -> Data {
        switch dtype {
        case .f32:
            var data = Data(capacity: values.count * 4)
            for value in values { append(value.bitPattern, to: &data) }
            return data
        case .f16:
            var data = Data(capacity: values.count * 2)
            for value in values { append(halfBits(value), to: &data) }
            return data
        case .bf16:
            var data = Data(capacity: values.count * 2)
            for value in values { append(bfloat16Bits(value), to: &data) }
            return data
        case .q8_0:
            return try quantize(values, dtype: dtype) { block, data in
                let largest = block.reduce(Float(0)) { max($0, abs($1)) }
                let scale = largest / 127
                let inverse = scale == 0 ? 0 : 1 / scale
                append(halfBits(scale), to: &data)
                for value in block { data.append(UInt8(bitPattern: Int8((value * inverse).rounded()))) }
            }
        case .q4_1:
            return try quantize(values, dtype: dtype) { block, data in
                let low = block.min() ?? 0, high = block.max() ?? 0
                let scale = (high - low) / 15
                let inverse = scale == 0 ? 0 : 1 / scale
                append(halfBits(scale), to: &data)
                append(halfBits(low), to: &data)
                func level(_ value: Float) -> UInt8 { UInt8(min(15, max(0, Int((value - low) * inverse + 0.5)))) }
                for j in 0..<16 { data.append(level(block[j]) | level(block[j + 16]) << 4) }
            }
        default:
            throw TensorError.unsupported("cannot encode \(dtype) (only \(encodableTypes.map(\.description).joined(separator: ", ")))")
        }
    }

    /// IEEE half-precision bits of `value`, rounded to nearest even (overflow gives infinity,
    /// tiny values become subnormals or zero, NaN stays NaN). Written out rather than using
    /// `Float16`, which is unavailable on Intel Macs.
    public static func halfBits(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xFF)
        let mantissa = bits & 0x7F_FFFF
        if exponent == 0xFF { return sign | 0x7C00 | (mantissa != 0 ? 0x200 : 0) }
        let halfExponent = exponent - 127 + 15
        if halfExponent >= 0x1F { return sign | 0x7C00 }
        if halfExponent <= 0 {
            if halfExponent < -10 { return sign }
            let full = mantissa | 0x80_0000
            let shift = UInt32(14 - halfExponent)
            var half = full >> shift
            let remainder = full & ((1 << shift) - 1)
            let halfway = UInt32(1) << (shift - 1)
            if remainder > halfway || (remainder == halfway && half & 1 == 1) { half += 1 }
            return sign | UInt16(truncatingIfNeeded: half)
        }
        var half = UInt32(halfExponent) << 10 | mantissa >> 13
        let remainder = mantissa & 0x1FFF
        if remainder > 0x1000 || (remainder == 0x1000 && half & 1 == 1) { half += 1 }
        return sign | UInt16(truncatingIfNeeded: half)
    }

    /// bfloat16 bits of `value` (the top half of its float32 bits, rounded to nearest even).
    public static func bfloat16Bits(_ value: Float) -> UInt16 {
        if value.isNaN { return 0x7FC0 }
        let bits = value.bitPattern
        let rounded = bits &+ 0x7FFF &+ ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: rounded >> 16)
    }

    private static func quantize(_ values: [Float], dtype: DType, block: ([Float], inout Data) -> Void) throws -> Data {
        let size = dtype.blockSize
        guard values.allSatisfy(\.isFinite) else {
            throw TensorError.invalidShape("cannot quantize non-finite values to \(dtype)")
        }
        guard values.count % size == 0 else {
            throw TensorError.invalidShape("\(values.count) values are not a whole number of \(dtype) blocks of \(size)")
        }
        var data = Data(capacity: values.count / size * dtype.bytesPerBlock)
        var start = 0
        while start < values.count {
            block(Array(values[start..<start + size]), &data)
            start += size
        }
        return data
    }

    /// Appends `value` to `data` in little-endian byte order.
    public static func append<T: FixedWidthInteger>(_ value: T, to data: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }
}
