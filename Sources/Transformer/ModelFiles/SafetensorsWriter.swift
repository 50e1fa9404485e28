import Foundation
import Tensor

/// Builds a safetensors file: the JSON header (tensors in the order added, `__metadata__` when
/// not empty) padded with spaces to a multiple of 8 bytes, then the tensor bytes back to back.
public struct SafetensorsWriter {
    /// Entries of the `__metadata__` map.
    public var metadata: [String: String] = [:]
    private var tensors: [(name: String, dtypeName: String, shape: [Int], data: Data)] = []

    /// Starts an empty file.
    public init() {}

    /// Names of the tensors added so far.
    public var tensorNames: [String] { tensors.map(\.name) }

    /// Adds a tensor whose bytes are `data` under the safetensors type name `dtypeName` (any
    /// name: tests use this to write types readers reject). For the standard fixed-size types,
    /// the byte count must match the shape.
    public mutating func addTensor(name: String, dtypeName: String, shape: [Int], data: Data) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidShape("safetensors tensor \"\(name)\" has a negative extent in \(shape)")
        }
        if let size = SafetensorsFile.elementSizes[dtypeName], shape.reduce(1, *) * size != data.count {
            throw TensorError.invalidShape("safetensors tensor \"\(name)\" of shape \(shape) and type \(dtypeName) cannot hold \(data.count) bytes")
        }
        guard name != "__metadata__", !tensors.contains(where: { $0.name == name }) else {
            throw TensorError.invalidShape("safetensors tensor name \"\(name)\" is reserved or added twice")
        }
        tensors.append((name, dtypeName, shape, data))
    }

    /// Adds a tensor from Float32 `values`, stored as F32, F16 or BF16.
    public mutating func addTensor(name: String, values: [Float], shape: [Int], as dtype: DType = .f32) throws {
        guard let dtypeName = SafetensorsFile.supportedDTypes.first(where: { $0.value == dtype })?.key else {
            throw TensorError.unsupported("safetensors files hold F32, F16 or BF16 here, not \(dtype)")
        }
        try addTensor(name: name, dtypeName: dtypeName, shape: shape, data: try ElementEncoding.encode(values, as: dtype))
    }

    /// The complete file.
    public func serialized() -> Data {
        var fields: [String] = []
        if !metadata.isEmpty {
            let entries = metadata.sorted { $0.key < $1.key }.map { "\(JSONText.string($0.key)):\(JSONText.string($0.value))" }
            fields.append("\"__metadata__\":{\(entries.joined(separator: ","))}")
        }
        var offset = 0
        for tensor in tensors {
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append("\(JSONText.string(tensor.name)):{\"dtype\":\(JSONText.string(tensor.dtypeName)),\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + tensor.data.count)]}")
            offset += tensor.data.count
        }
        var header = Array("{\(fields.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var data = Data()
        ElementEncoding.append(UInt64(header.count), to: &data)
        data.append(contentsOf: header)
        for tensor in tensors { data.append(tensor.data) }
        return data
    }

    /// Writes the file to `path` (atomically).
    public func write(to path: String) throws {
        try serialized().write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Writes a `model.safetensors.index.json` mapping each tensor to its shard file name.
    public static func writeIndex(weightMap: [String: String], totalSize: Int, to path: String) throws {
        let index: [String: Any] = ["metadata": ["total_size": totalSize], "weight_map": weightMap]
        let data = try JSONSerialization.data(withJSONObject: index, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

}
