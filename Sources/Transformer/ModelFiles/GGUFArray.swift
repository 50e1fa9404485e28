import Tensor

/// A GGUF metadata array: values in memory, or — when read from a file — left in the file's bytes: elements are decoded only
/// when accessed, so an unused array (a 50 MB blob, say) costs no memory beyond the mapping, and
/// a used one is decoded straight into whatever compact form its reader wants (`[String]`,
/// `[Float]`, ...). Random access is O(1): fixed-size elements by arithmetic, strings and nested
/// arrays through a table of element offsets (8 bytes per element, never more than the file
/// spends on them).
///
/// `GGUFFile` checks every element (lengths, booleans, nesting, unknown types) when it parses
/// the file, so decoding an element cannot fail.
public struct GGUFArray: RandomAccessCollection, Sendable, Equatable {
    /// The mapped bytes and where the elements are; shared by copies of the array.
    final class Elements: @unchecked Sendable {
        let storage: TensorStorage
        let elementType: UInt32
        let count: Int
        /// File offset of the first element.
        let start: Int
        /// Size of each element, when all have the same size (numbers and booleans).
        let fixedSize: Int?
        /// File offset of each element, when sizes vary (strings and arrays).
        let offsets: [Int]

        init(storage: TensorStorage, elementType: UInt32, count: Int, start: Int) {
            self.storage = storage
            self.elementType = elementType
            self.count = count
            self.start = start
            fixedSize = GGUFArray.fixedSize(of: elementType)
            if fixedSize == nil {
                LoadAccounting.charge(count * MemoryLayout<Int>.stride)
                var offsets: [Int] = []
                offsets.reserveCapacity(count)
                var position = start
                for _ in 0..<count {
                    offsets.append(position)
                    position = GGUFArray.end(of: elementType, at: position, in: storage)
                }
                self.offsets = offsets
            } else {
                offsets = []
            }
        }
    }

    private enum Backing: Sendable {
        case memory([GGUFValue])
        case file(Elements)
    }

    private let backing: Backing

    public var startIndex: Int { 0 }
    public var endIndex: Int {
        switch backing {
        case .memory(let values): return values.count
        case .file(let elements): return elements.count
        }
    }

    /// Element `index` (decoded from the file for a file's array).
    public subscript(index: Int) -> GGUFValue {
        switch backing {
        case .memory(let values):
            return values[index]
        case .file(let elements):
            let offset = elements.fixedSize.map { elements.start + index * $0 } ?? elements.offsets[index]
            return GGUFArray.value(of: elements.elementType, at: offset, in: elements.storage)
        }
    }

    /// An array of values in memory.
    public init(_ values: [GGUFValue]) {
        backing = .memory(values)
    }

    /// The array whose `count` elements of type `elementType` start at byte `start` of `storage`;
    /// the bytes must already have been checked by `GGUFFile`.
    init(storage: TensorStorage, elementType: UInt32, count: Int, start: Int) {
        backing = .file(Elements(storage: storage, elementType: elementType, count: count, start: start))
    }

    public static func == (lhs: GGUFArray, rhs: GGUFArray) -> Bool { lhs.elementsEqual(rhs) }

    // MARK: - Decoding checked bytes

    /// Encoded size of an element of type `type` when it is the same for every element.
    static func fixedSize(of type: UInt32) -> Int? {
        switch type {
        case 0, 1, 7: return 1
        case 2, 3: return 2
        case 4, 5, 6: return 4
        case 10, 11, 12: return 8
        default: return nil
        }
    }

    private static func load<T: FixedWidthInteger>(_ type: T.Type, at offset: Int, in storage: TensorStorage) -> T {
        T(littleEndian: UnsafeRawPointer(storage.baseAddress).loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// The offset just past the checked value of type `type` at `offset`.
    static func end(of type: UInt32, at offset: Int, in storage: TensorStorage) -> Int {
        if let size = fixedSize(of: type) { return offset + size }
        if type == 8 { return offset + 8 + Int(load(UInt64.self, at: offset, in: storage)) }
        // A nested array: element type, count, elements.
        let elementType = load(UInt32.self, at: offset, in: storage)
        let count = Int(load(UInt64.self, at: offset + 4, in: storage))
        var position = offset + 12
        if let size = fixedSize(of: elementType) { return position + count * size }
        for _ in 0..<count { position = end(of: elementType, at: position, in: storage) }
        return position
    }

    /// The checked value of type `type` at `offset`.
    static func value(of type: UInt32, at offset: Int, in storage: TensorStorage) -> GGUFValue {
        switch type {
        case 0: return .uint8(load(UInt8.self, at: offset, in: storage))
        case 1: return .int8(load(Int8.self, at: offset, in: storage))
        case 2: return .uint16(load(UInt16.self, at: offset, in: storage))
        case 3: return .int16(load(Int16.self, at: offset, in: storage))
        case 4: return .uint32(load(UInt32.self, at: offset, in: storage))
        case 5: return .int32(load(Int32.self, at: offset, in: storage))
        case 6: return .float32(Float(bitPattern: load(UInt32.self, at: offset, in: storage)))
        case 7: return .bool(load(UInt8.self, at: offset, in: storage) == 1)
        case 8:
            let length = Int(load(UInt64.self, at: offset, in: storage))
            let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(storage.baseAddress) + offset + 8, count: length)
            return .string(String(decoding: bytes, as: UTF8.self))
        case 10: return .uint64(load(UInt64.self, at: offset, in: storage))
        case 11: return .int64(load(Int64.self, at: offset, in: storage))
        case 12: return .float64(Double(bitPattern: load(UInt64.self, at: offset, in: storage)))
        default:
            return .fileArray(GGUFArray(storage: storage, elementType: load(UInt32.self, at: offset, in: storage),
                                        count: Int(load(UInt64.self, at: offset + 4, in: storage)), start: offset + 12))
        }
    }
}
