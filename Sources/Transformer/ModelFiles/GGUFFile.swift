import Tensor

/// Where one tensor lives inside a GGUF file.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// Tensor name as stored (`blk.0.attn_q.weight`, ...).
    public let name: String
    /// Extents, outermost first (GGUF stores them innermost first; this reverses them).
    public let shape: [Int]
    /// Element type.
    public let dtype: DType
    /// Byte offset from the start of the file.
    public let fileOffset: Int
    /// Size of the tensor's data in bytes.
    public let byteCount: Int
}

/// A parsed GGUF file (versions 2 and 3): metadata, tensor directory and memory-mapped data.
///
/// Parsing checks every count and offset against the file size before using it, so a truncated
/// or corrupt file throws a `ModelFileError` naming the file and the problem.
public final class GGUFFile: @unchecked Sendable {
    /// Path the file was opened from.
    public let path: String
    /// GGUF format version (2 or 3).
    public let version: UInt32
    /// Metadata key/value pairs.
    public let metadata: [String: GGUFValue]
    /// Metadata keys in file order.
    public let metadataKeys: [String]
    /// Tensor directory, in file order.
    public let tensorInfos: [GGUFTensorInfo]
    /// Data alignment (`general.alignment`, default 32).
    public let alignment: Int
    /// File size in bytes.
    public var fileSize: Int { storage.byteCount }

    let storage: TensorStorage
    private let tensorIndex: [String: Int]

    private static let magic: UInt32 = 0x4655_4747  // "GGUF" read little-endian
    private static let maximumArrayDepth = 8
    /// Most metadata entries a file may have (real models have under 100).
    public static let maximumMetadataCount = 16_384
    /// Most tensors a file may have (real LLaMA-family models have under 2,000).
    public static let maximumTensorCount = 16_384
    /// Memory one metadata entry and one tensor directory entry take beyond their names.
    private static let bytesPerMetadataEntry = 96
    private static let bytesPerTensorInfo = 192

    /// Opens and parses the file at `path`, mapping it into memory.
    public convenience init(path: String) throws {
        try self.init(storage: ModelFileError.mapFile(path), path: path)
    }

    /// Parses GGUF bytes already in memory (a mapped file or a buffer); `path` names them in
    /// errors. Tensors view `storage`, which this object keeps alive.
    public init(storage: TensorStorage, path: String) throws {
        self.path = path
        self.storage = storage
        var reader = ByteReader(storage: storage, path: path)
        guard storage.byteCount >= 24 else {
            throw reader.failure("is \(storage.byteCount) bytes long, too short to be a GGUF file")
        }
        let magic = try reader.read(UInt32.self, "the magic number")
        guard magic == GGUFFile.magic else {
            throw reader.failure("not a GGUF file (magic bytes are \(GGUFFile.hex(magic)), expected \"GGUF\")")
        }
        version = try reader.read(UInt32.self, "the version")
        guard version == 2 || version == 3 else {
            throw reader.failure("GGUF version \(version) is not supported (only 2 and 3)")
        }
        // A tensor info takes at least 8 (name length) + 4 (dims) + 4 (type) + 8 (offset) bytes;
        // a metadata entry at least 8 (key length) + 4 (type) + 1 (value).
        let tensorCount = try reader.read(UInt64.self, "the tensor count")
        let entryCount = try reader.read(UInt64.self, "the metadata count")
        guard entryCount <= UInt64(reader.remaining / 13) else {
            throw reader.failure("metadata count \(entryCount) is impossible for a file of \(storage.byteCount) bytes")
        }
        guard tensorCount <= UInt64(reader.remaining / 24) else {
            throw reader.failure("tensor count \(tensorCount) is impossible for a file of \(storage.byteCount) bytes")
        }
        guard entryCount <= UInt64(GGUFFile.maximumMetadataCount) else {
            throw reader.failure("metadata count \(entryCount) is more than the limit of \(GGUFFile.maximumMetadataCount)")
        }
        guard tensorCount <= UInt64(GGUFFile.maximumTensorCount) else {
            throw reader.failure("tensor count \(tensorCount) is more than the limit of \(GGUFFile.maximumTensorCount)")
        }
        // The directory's tables: per entry a key, a value and dictionary slots.
        LoadAccounting.charge(Int(entryCount) * GGUFFile.bytesPerMetadataEntry + Int(tensorCount) * GGUFFile.bytesPerTensorInfo)

        var metadata: [String: GGUFValue] = [:]
        var keys: [String] = []
        for index in 0..<Int(entryCount) {
            let key = try reader.readString("metadata key #\(index)")
            LoadAccounting.charge(key.utf8.count)
            let type = try reader.read(UInt32.self, "the type of metadata \(ModelFileError.quoted(key))")
            let value = try GGUFFile.readValue(type: type, reader: &reader, storage: storage, key: key)
            if metadata.updateValue(value, forKey: key) != nil {
                throw reader.failure("metadata key \(ModelFileError.quoted(key)) appears twice")
            }
            keys.append(key)
        }
        self.metadata = metadata
        self.metadataKeys = keys

        let alignmentValue = metadata["general.alignment"]?.intValue ?? 32
        guard alignmentValue > 0, alignmentValue <= 1 << 20, alignmentValue & (alignmentValue - 1) == 0 else {
            throw reader.failure("general.alignment \(alignmentValue) is not a power of two up to 1 MiB")
        }
        alignment = alignmentValue

        var rawInfos: [(name: String, shape: [Int], type: UInt32, offset: UInt64)] = []
        for index in 0..<Int(tensorCount) {
            let name = try reader.readString("the name of tensor #\(index)")
            LoadAccounting.charge(name.utf8.count)
            let dimensions = try reader.read(UInt32.self, "the rank of tensor \(ModelFileError.quoted(name))")
            guard dimensions >= 1, dimensions <= 4 else {
                throw reader.failure("tensor \(ModelFileError.quoted(name)) has \(dimensions) dimensions (1 to 4 allowed)")
            }
            var extents: [Int] = []
            for _ in 0..<dimensions {
                let extent = try reader.read(UInt64.self, "the shape of tensor \(ModelFileError.quoted(name))")
                guard extent <= UInt64(Int32.max) else {
                    throw reader.failure("tensor \(ModelFileError.quoted(name)) has an extent of \(extent)")
                }
                extents.append(Int(extent))
            }
            let type = try reader.read(UInt32.self, "the type of tensor \(ModelFileError.quoted(name))")
            let offset = try reader.read(UInt64.self, "the data offset of tensor \(ModelFileError.quoted(name))")
            rawInfos.append((name, Array(extents.reversed()), type, offset))
        }
        let dataStart = (reader.position + alignment - 1) / alignment * alignment

        var infos: [GGUFTensorInfo] = []
        var index: [String: Int] = [:]
        for raw in rawInfos {
            guard let dtype = DType(rawValue: raw.type) else {
                throw reader.failure("tensor \(ModelFileError.quoted(raw.name)) has element type \(raw.type) (\(GGUFFile.typeName(raw.type))), which is not supported")
            }
            var elements: Int? = 1
            for extent in raw.shape {
                guard let running = elements else { break }
                let (product, overflow) = running.multipliedReportingOverflow(by: extent)
                elements = overflow || product > Int(Int32.max) * 64 ? nil : product
            }
            guard let elements else {
                throw reader.failure("tensor \(ModelFileError.quoted(raw.name)) with shape \(raw.shape) has too many elements")
            }
            guard let last = raw.shape.last, last % dtype.blockSize == 0,
                  let bytes = dtype.byteCount(elements: elements) else {
                throw reader.failure("tensor \(ModelFileError.quoted(raw.name)) with shape \(raw.shape) does not fit whole \(dtype) blocks")
            }
            guard raw.offset <= UInt64(storage.byteCount), raw.offset % UInt64(alignment) == 0 else {
                throw reader.failure("tensor \(ModelFileError.quoted(raw.name)) data offset \(raw.offset) is misaligned or outside the file")
            }
            let start = dataStart + Int(raw.offset)
            guard start <= storage.byteCount, bytes <= storage.byteCount - start else {
                throw reader.failure("tensor \(ModelFileError.quoted(raw.name)) data (\(bytes) bytes at \(start)) runs past the end of the file (\(storage.byteCount) bytes)")
            }
            guard index.updateValue(infos.count, forKey: raw.name) == nil else {
                throw reader.failure("tensor \(ModelFileError.quoted(raw.name)) appears twice")
            }
            infos.append(GGUFTensorInfo(name: raw.name, shape: raw.shape, dtype: dtype, fileOffset: start, byteCount: bytes))
        }
        // Tensors must not share bytes: sorted by offset, each must end before the next starts.
        let byOffset = infos.sorted { ($0.fileOffset, $0.byteCount) < ($1.fileOffset, $1.byteCount) }
        for (previous, next) in zip(byOffset, byOffset.dropFirst()) where previous.byteCount > 0 && next.byteCount > 0 {
            guard previous.fileOffset + previous.byteCount <= next.fileOffset else {
                throw reader.failure("tensors \(ModelFileError.quoted(previous.name)) and \(ModelFileError.quoted(next.name)) overlap (bytes \(previous.fileOffset)..<\(previous.fileOffset + previous.byteCount) and \(next.fileOffset)..<\(next.fileOffset + next.byteCount))")
            }
        }
        self.tensorInfos = infos
        self.tensorIndex = index
        self.dataOffset = dataStart
    }

    /// Where the tensor data section starts (the end of the header, rounded up to `alignment`).
    public let dataOffset: Int

    /// The directory entry of the tensor named `name`, if present.
    public func tensorInfo(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensorInfos[$0] }
    }

    /// Number of tensors of each element type.
    public var tensorCountsByType: [DType: Int] {
        tensorInfos.reduce(into: [:]) { counts, info in counts[info.dtype, default: 0] += 1 }
    }

    /// Metadata value `key` as a string, or nil when absent or of another type.
    public func string(_ key: String) -> String? { metadata[key]?.stringValue }

    /// Metadata value `key` as an integer, or nil when absent or not an integer.
    public func int(_ key: String) -> Int? { metadata[key]?.intValue }

    /// The tensor named `name`, viewing the mapped file (no copy).
    public func tensor(named name: String) throws -> Tensor {
        guard let position = tensorIndex[name] else {
            throw ModelFileError(path: path, reason: "has no tensor named \(ModelFileError.quoted(name))")
        }
        let info = tensorInfos[position]
        do {
            return try Tensor(storage: storage, dtype: info.dtype, shape: info.shape, byteOffset: info.fileOffset)
        } catch let error as TensorError {
            throw ModelFileError(path: path, reason: "tensor \(ModelFileError.quoted(name)): \(ModelFileError.reason(of: error))")
        }
    }

    /// Whether a tensor named `name` exists.
    public func hasTensor(named name: String) -> Bool { tensorIndex[name] != nil }

    private static func readValue(type: UInt32, reader: inout ByteReader, storage: TensorStorage, key: String) throws -> GGUFValue {
        func what() -> String { "the value of \(ModelFileError.quoted(key))" }
        switch type {
        case 0: return .uint8(try reader.read(UInt8.self, what()))
        case 1: return .int8(try reader.read(Int8.self, what()))
        case 2: return .uint16(try reader.read(UInt16.self, what()))
        case 3: return .int16(try reader.read(Int16.self, what()))
        case 4: return .uint32(try reader.read(UInt32.self, what()))
        case 5: return .int32(try reader.read(Int32.self, what()))
        case 6: return .float32(try reader.readFloat(what()))
        case 7:
            let byte = try reader.read(UInt8.self, what())
            guard byte <= 1 else { throw reader.failure("\(what()) is a bool stored as \(byte)") }
            return .bool(byte == 1)
        case 8:
            let text = try reader.readString(what())
            LoadAccounting.charge(text.utf8.count)
            return .string(text)
        case 9:
            let (elementType, count, start) = try checkArray(reader: &reader, key: key, depth: 0)
            return .fileArray(GGUFArray(storage: storage, elementType: elementType, count: count, start: start))
        case 10: return .uint64(try reader.read(UInt64.self, what()))
        case 11: return .int64(try reader.read(Int64.self, what()))
        case 12: return .float64(try reader.readDouble(what()))
        default: throw reader.failure("\(what()) has unknown value type \(type)")
        }
    }

    /// Checks an array's header and every element (nested arrays recursively) without decoding
    /// anything, leaving `reader` after the array; returns the element type, the count and where
    /// the elements start.
    private static func checkArray(reader: inout ByteReader, key: String, depth: Int) throws -> (UInt32, Int, Int) {
        func what() -> String { "the value of \(ModelFileError.quoted(key))" }
        guard depth < maximumArrayDepth else { throw reader.failure("\(what()) nests arrays more than \(maximumArrayDepth) deep") }
        let elementType = try reader.read(UInt32.self, "the element type of \(what())")
        guard let size = minimumSize(of: elementType) else {
            throw reader.failure("\(what()) is an array of unknown type \(elementType)")
        }
        let count = try reader.readCount("the length of \(what())", minimumItemSize: size)
        let start = reader.position
        switch elementType {
        case 7:
            for _ in 0..<count {
                let byte = try reader.read(UInt8.self, what())
                guard byte <= 1 else { throw reader.failure("\(what()) has a bool stored as \(byte)") }
            }
        case 8:
            for index in 0..<count {
                let length = try reader.readCount("the length of \(what())[\(index)]", minimumItemSize: 1)
                try reader.seek(to: reader.position + length)
            }
        case 9:
            for _ in 0..<count { _ = try checkArray(reader: &reader, key: key, depth: depth + 1) }
        default:
            // Fixed-size numbers: readCount has checked that they fit in the file.
            try reader.seek(to: start + count * size)
        }
        return (elementType, count, start)
    }

    /// Smallest encoded size of a value of GGUF type `type`, or nil for unknown types.
    private static func minimumSize(of type: UInt32) -> Int? {
        switch type {
        case 0, 1, 7: return 1
        case 2, 3: return 2
        case 4, 5, 6: return 4
        case 8: return 8
        case 9: return 12
        case 10, 11, 12: return 8
        default: return nil
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let bytes = withUnsafeBytes(of: value.littleEndian) { Array($0) }
        return bytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: " ")
    }

    /// ggml's name for a type id, including types this library does not support.
    static func typeName(_ type: UInt32) -> String {
        if let dtype = DType(rawValue: type) { return dtype.description }
        let names: [UInt32: String] = [4: "Q4_2", 5: "Q4_3", 9: "Q8_1", 10: "Q2_K", 11: "Q3_K", 15: "Q8_K",
                                       16: "IQ2_XXS", 17: "IQ2_XS", 18: "IQ3_XXS", 19: "IQ1_S", 20: "IQ4_NL",
                                       21: "IQ3_S", 22: "IQ2_S", 23: "IQ4_XS", 24: "I8", 25: "I16", 26: "I32",
                                       27: "I64", 28: "F64", 29: "IQ1_M"]
        return names[type] ?? "unknown"
    }
}
