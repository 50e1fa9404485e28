import Foundation
import Tensor

/// Where one tensor lives inside a safetensors file.
public struct SafetensorsTensorInfo: Sendable, Equatable {
    /// Tensor name as stored (`model.layers.0.self_attn.q_proj.weight`, ...).
    public let name: String
    /// The element type as the file spells it (`"F32"`, `"BF16"`, `"I64"`, ...).
    public let dtypeName: String
    /// The element type, or nil when this library cannot compute with it (integers, F64, F8, ...).
    public let dtype: DType?
    /// Extents, outermost first.
    public let shape: [Int]
    /// Byte offset of the first element from the start of the file.
    public let fileOffset: Int
    /// Size of the tensor's data in bytes.
    public let byteCount: Int
}

/// A parsed safetensors file: an 8-byte little-endian header length, a JSON header mapping tensor
/// names to dtype, shape and data offsets (plus an optional `__metadata__` string map), then the
/// tensor bytes. The file is memory-mapped and tensors view it without copying.
///
/// Parsing checks the header length, every shape, every offset range and that no two tensors
/// share bytes, so a truncated or corrupt file throws a `ModelFileError` naming the file.
public final class SafetensorsFile: @unchecked Sendable {
    /// Path the file was opened from.
    public let path: String
    /// The `__metadata__` entries (non-string values are rendered as text).
    public let metadata: [String: String]
    /// Tensor directory, ordered by position in the file.
    public let tensorInfos: [SafetensorsTensorInfo]
    /// Length of the JSON header in bytes.
    public let headerByteCount: Int
    /// File size in bytes.
    public var fileSize: Int { storage.byteCount }

    /// Headers longer than this are rejected as corrupt before any parsing (100 MiB).
    public static let maximumHeaderByteCount = 100 << 20

    /// Element types tensors can be read as, by safetensors name.
    public static let supportedDTypes: [String: DType] = ["F32": .f32, "F16": .f16, "BF16": .bf16]

    /// Bytes per element of the fixed-size types the format defines (used to check sizes even of
    /// tensors this library will not read).
    public static let elementSizes: [String: Int] = [
        "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "F8_E8M0": 1,
        "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
        "I32": 4, "U32": 4, "F32": 4,
        "I64": 8, "U64": 8, "F64": 8,
    ]

    let storage: TensorStorage
    private let tensorIndex: [String: Int]

    /// Opens and parses the file at `path`, mapping it into memory.
    public convenience init(path: String) throws {
        try self.init(storage: ModelFileError.mapFile(path), path: path)
    }

    /// Parses safetensors bytes already in memory; `path` names them in errors.
    public init(storage: TensorStorage, path: String) throws {
        self.path = path
        self.storage = storage
        func failure(_ reason: String) -> ModelFileError { ModelFileError(path: path, reason: reason) }

        let fileSize = storage.byteCount
        guard fileSize >= 8 else {
            throw failure("file is \(fileSize) bytes, too short for a safetensors header length")
        }
        let rawLength = UInt64(littleEndian: UnsafeRawPointer(storage.baseAddress).loadUnaligned(as: UInt64.self))
        guard rawLength <= UInt64(SafetensorsFile.maximumHeaderByteCount) else {
            throw failure("header length \(rawLength) is absurd (more than \(SafetensorsFile.maximumHeaderByteCount) bytes); not a safetensors file?")
        }
        let headerLength = Int(rawLength)
        guard headerLength >= 2, headerLength <= fileSize - 8 else {
            throw failure("header length \(headerLength) does not fit in the file (\(fileSize) bytes)")
        }
        headerByteCount = headerLength
        let headerBytes = Data(bytes: storage.baseAddress + 8, count: headerLength)
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw failure("header does not start with \"{\"; not a safetensors file?")
        }
        let header = try JSONFields.parse(headerBytes, path: path, what: "the safetensors header")

        let dataStart = 8 + headerLength
        let dataSize = fileSize - dataStart
        var metadata: [String: String] = [:]
        var infos: [SafetensorsTensorInfo] = []
        for (name, value) in header.object {
            if name == "__metadata__" {
                guard let entries = value as? [String: Any] else {
                    throw failure("\"__metadata__\" must be an object of strings")
                }
                for (key, entry) in entries { metadata[key] = entry as? String ?? "\(entry)" }
                continue
            }
            guard let fields = value as? [String: Any] else {
                throw failure("header entry \(ModelFileError.quoted(name)) is not an object")
            }
            infos.append(try SafetensorsFile.tensorInfo(name: name, fields: fields, dataStart: dataStart,
                                                        dataSize: dataSize, failure: failure))
        }
        infos.sort { ($0.fileOffset, $0.byteCount, $0.name) < ($1.fileOffset, $1.byteCount, $1.name) }
        for (previous, next) in zip(infos, infos.dropFirst()) where previous.byteCount > 0 && next.byteCount > 0 {
            guard previous.fileOffset + previous.byteCount <= next.fileOffset else {
                throw failure("tensors \(ModelFileError.quoted(previous.name)) and \(ModelFileError.quoted(next.name)) overlap")
            }
        }
        var index: [String: Int] = [:]
        for (position, info) in infos.enumerated() { index[info.name] = position }
        self.metadata = metadata
        self.tensorInfos = infos
        self.tensorIndex = index
    }

    private static func tensorInfo(name: String, fields: [String: Any], dataStart: Int, dataSize: Int,
                                   failure: (String) -> ModelFileError) throws -> SafetensorsTensorInfo {
        guard let dtypeName = fields["dtype"] as? String else {
            throw failure("tensor \(ModelFileError.quoted(name)) has no string \"dtype\"")
        }
        guard let shapeValues = fields["shape"] as? [Any] else {
            throw failure("tensor \(ModelFileError.quoted(name)) has no \"shape\" array")
        }
        guard shapeValues.count <= 8 else {
            throw failure("tensor \(ModelFileError.quoted(name)) has \(shapeValues.count) dimensions (at most 8 allowed)")
        }
        var shape: [Int] = []
        var elements = 1
        for value in shapeValues {
            guard let extent = JSONFields.integer(value), extent >= 0 else {
                throw failure("tensor \(ModelFileError.quoted(name)) has an invalid extent \(JSONFields.describe(value)) in its shape")
            }
            let (product, overflow) = elements.multipliedReportingOverflow(by: extent)
            guard !overflow, product <= Int(Int32.max) * 64 else {
                throw failure("tensor \(ModelFileError.quoted(name)) with shape \(shapeValues.map { "\($0)" }) has too many elements")
            }
            elements = product
            shape.append(extent)
        }
        guard let offsets = fields["data_offsets"] as? [Any], offsets.count == 2,
              let begin = JSONFields.integer(offsets[0]), let end = JSONFields.integer(offsets[1]) else {
            throw failure("tensor \(ModelFileError.quoted(name)) has no \"data_offsets\" pair of integers")
        }
        guard begin >= 0, begin <= end, end <= dataSize else {
            throw failure("tensor \(ModelFileError.quoted(name)) data offsets [\(begin), \(end)] lie outside the \(dataSize) data bytes")
        }
        if let size = elementSizes[dtypeName] {
            guard end - begin == elements * size else {
                throw failure("tensor \(ModelFileError.quoted(name)) has shape \(shape) of \(dtypeName) (\(elements * size) bytes) but data offsets [\(begin), \(end)] span \(end - begin) bytes")
            }
        }
        return SafetensorsTensorInfo(name: name, dtypeName: dtypeName, dtype: supportedDTypes[dtypeName], shape: shape,
                                     fileOffset: dataStart + begin, byteCount: end - begin)
    }

    /// The directory entry of the tensor named `name`, if present.
    public func tensorInfo(named name: String) -> SafetensorsTensorInfo? {
        tensorIndex[name].map { tensorInfos[$0] }
    }

    /// Whether a tensor named `name` exists.
    public func hasTensor(named name: String) -> Bool { tensorIndex[name] != nil }

    /// The tensor named `name`, viewing the mapped file (no copy). Throws for absent tensors and
    /// for element types other than F32, F16 and BF16, naming the tensor and its type.
    public func tensor(named name: String) throws -> Tensor {
        guard let info = tensorInfo(named: name) else {
            throw ModelFileError(path: path, reason: "has no tensor named \(ModelFileError.quoted(name))")
        }
        guard let dtype = info.dtype else {
            throw ModelFileError(path: path, reason: "tensor \(ModelFileError.quoted(name)) has dtype \(info.dtypeName), which is not supported (only F32, F16 and BF16)")
        }
        do {
            return try Tensor(storage: storage, dtype: dtype, shape: info.shape, byteOffset: info.fileOffset)
        } catch let error as TensorError {
            throw ModelFileError(path: path, reason: "tensor \(ModelFileError.quoted(name)): \(ModelFileError.reason(of: error))")
        }
    }
}
