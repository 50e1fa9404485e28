import Foundation
import Tensor

/// Builds a GGUF file (version 3 by default): metadata of every value type, including nested
/// arrays, and tensors of any element type, each aligned to `alignment`.
///
/// Arrays take their element type from their first element and must not mix types; an empty
/// array is written as an array of UInt8.
public struct GGUFWriter {
    /// Format version written (2 or 3).
    public var version: UInt32
    /// Data alignment; written as `general.alignment` when not the default 32.
    public let alignment: Int
    private var metadata: [(key: String, value: GGUFValue)] = []
    private var tensors: [(name: String, dtype: DType, shape: [Int], data: Data)] = []

    /// Starts an empty file with `alignment` (a power of two) and format `version`.
    public init(alignment: Int = 32, version: UInt32 = 3) throws {
        guard alignment > 0, alignment & (alignment - 1) == 0 else {
            throw TensorError.invalidShape("GGUF alignment \(alignment) is not a power of two")
        }
        self.alignment = alignment
        self.version = version
    }

    /// Sets metadata `key` (replacing an earlier value, keeping its position).
    public mutating func setMetadata(_ key: String, _ value: GGUFValue) {
        if let position = metadata.firstIndex(where: { $0.key == key }) {
            metadata[position].value = value
        } else {
            metadata.append((key, value))
        }
    }

    /// Sets every entry of `entries` in order.
    public mutating func setMetadata(_ entries: [(key: String, value: GGUFValue)]) {
        for entry in entries { setMetadata(entry.key, entry.value) }
    }

    /// Adds a tensor of shape `shape` (outermost first) whose bytes, already in `dtype`'s layout,
    /// are `data`. Throws when the byte count does not match the shape or the name repeats.
    public mutating func addTensor(name: String, dtype: DType, shape: [Int], data: Data) throws {
        guard !shape.isEmpty, shape.count <= 4, shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidShape("GGUF tensor \"\(name)\" needs 1 to 4 non-negative extents, not \(shape)")
        }
        let elements = shape.reduce(1, *)
        guard let bytes = dtype.byteCount(elements: elements), bytes == data.count,
              (shape.last ?? 0) % dtype.blockSize == 0 else {
            throw TensorError.invalidShape("GGUF tensor \"\(name)\" of shape \(shape) and type \(dtype) cannot hold \(data.count) bytes")
        }
        guard !tensors.contains(where: { $0.name == name }) else {
            throw TensorError.invalidShape("GGUF tensor \"\(name)\" added twice")
        }
        tensors.append((name, dtype, shape, data))
    }

    /// Adds a tensor from Float32 `values`, encoded as `dtype` (see `ElementEncoding`).
    public mutating func addTensor(name: String, values: [Float], shape: [Int], as dtype: DType = .f32) throws {
        try addTensor(name: name, dtype: dtype, shape: shape, data: try ElementEncoding.encode(values, as: dtype))
    }

    /// The complete file.
    public func serialized() throws -> Data {
        var entries = metadata
        if alignment != 32, !entries.contains(where: { $0.key == "general.alignment" }) {
            entries.append(("general.alignment", .uint32(UInt32(alignment))))
        }
        var data = Data()
        ElementEncoding.append(UInt32(0x4655_4747), to: &data)
        ElementEncoding.append(version, to: &data)
        ElementEncoding.append(UInt64(tensors.count), to: &data)
        ElementEncoding.append(UInt64(entries.count), to: &data)
        for entry in entries {
            GGUFWriter.appendString(entry.key, to: &data)
            ElementEncoding.append(GGUFWriter.typeID(of: entry.value), to: &data)
            try GGUFWriter.appendValue(entry.value, key: entry.key, to: &data)
        }
        var offset = 0
        var offsets: [Int] = []
        for tensor in tensors {
            offsets.append(offset)
            offset = GGUFWriter.roundUp(offset + tensor.data.count, to: alignment)
        }
        for (tensor, tensorOffset) in zip(tensors, offsets) {
            GGUFWriter.appendString(tensor.name, to: &data)
            ElementEncoding.append(UInt32(tensor.shape.count), to: &data)
            for extent in tensor.shape.reversed() { ElementEncoding.append(UInt64(extent), to: &data) }
            ElementEncoding.append(tensor.dtype.rawValue, to: &data)
            ElementEncoding.append(UInt64(tensorOffset), to: &data)
        }
        data.append(Data(count: GGUFWriter.roundUp(data.count, to: alignment) - data.count))
        for tensor in tensors {
            data.append(tensor.data)
            data.append(Data(count: GGUFWriter.roundUp(tensor.data.count, to: alignment) - tensor.data.count))
        }
        return data
    }

    /// Writes the file to `path` (atomically).
    public func write(to path: String) throws {
        try serialized().write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    private static func roundUp(_ value: Int, to alignment: Int) -> Int {
        (value + alignment - 1) / alignment * alignment
    }

    private static func appendString(_ text: String, to data: inout Data) {
        let bytes = Array(text.utf8)
        ElementEncoding.append(UInt64(bytes.count), to: &data)
        data.append(contentsOf: bytes)
    }

    /// GGUF's value type id of `value`.
    static func typeID(of value: GGUFValue) -> UInt32 {
        switch value {
        case .uint8: return 0
        case .int8: return 1
        case .uint16: return 2
        case .int16: return 3
        case .uint32: return 4
        case .int32: return 5
        case .float32: return 6
        case .bool: return 7
        case .string: return 8
        case .array, .fileArray: return 9
        case .uint64: return 10
        case .int64: return 11
        case .float64: return 12
        }
    }

    private static func appendValue(_ value: GGUFValue, key: String, to data: inout Data) throws {
        switch value {
        case .uint8(let v): ElementEncoding.append(v, to: &data)
        case .int8(let v): ElementEncoding.append(v, to: &data)
        case .uint16(let v): ElementEncoding.append(v, to: &data)
        case .int16(let v): ElementEncoding.append(v, to: &data)
        case .uint32(let v): ElementEncoding.append(v, to: &data)
        case .int32(let v): ElementEncoding.append(v, to: &data)
        case .uint64(let v): ElementEncoding.append(v, to: &data)
        case .int64(let v): ElementEncoding.append(v, to: &data)
        case .float32(let v): ElementEncoding.append(v.bitPattern, to: &data)
        case .float64(let v): ElementEncoding.append(v.bitPattern, to: &data)
        case .bool(let v): data.append(v ? 1 : 0)
        case .string(let v): appendString(v, to: &data)
        case .fileArray(let items):
            try appendValue(.array(Array(items)), key: key, to: &data)
        case .array(let items):
            let elementType = items.first.map(typeID(of:)) ?? 0
            guard items.allSatisfy({ typeID(of: $0) == elementType }) else {
                throw TensorError.invalidShape("GGUF metadata \"\(key)\" is an array mixing value types")
            }
            ElementEncoding.append(elementType, to: &data)
            ElementEncoding.append(UInt64(items.count), to: &data)
            for item in items { try appendValue(item, key: key, to: &data) }
        }
    }
}
