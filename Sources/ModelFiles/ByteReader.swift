import Tensor

/// Bounds-checked little-endian reader over a byte range. Every read that would pass the end
/// throws instead of trapping, so truncated or corrupt files give errors.
struct ByteReader {
    let base: UnsafeRawPointer
    let count: Int
    private(set) var position: Int = 0
    let path: String

    init(storage: TensorStorage, path: String) {
        self.base = UnsafeRawPointer(storage.baseAddress)
        self.count = storage.byteCount
        self.path = path
    }

    var remaining: Int { count - position }

    func failure(_ reason: String) -> ModelFileError {
        ModelFileError(path: path, reason: reason)
    }

    func require(_ bytes: Int, for what: @autoclosure () -> String) throws {
        guard bytes >= 0, bytes <= remaining else {
            throw failure("file ends inside \(what()) (needs \(bytes) bytes at offset \(position), \(remaining) left)")
        }
    }

    mutating func read<T: FixedWidthInteger>(_ type: T.Type, _ what: @autoclosure () -> String) throws -> T {
        try require(MemoryLayout<T>.size, for: what())
        let value = base.loadUnaligned(fromByteOffset: position, as: T.self)
        position += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    mutating func readFloat(_ what: @autoclosure () -> String) throws -> Float {
        Float(bitPattern: try read(UInt32.self, what()))
    }

    mutating func readDouble(_ what: @autoclosure () -> String) throws -> Double {
        Double(bitPattern: try read(UInt64.self, what()))
    }

    /// Reads a count stored as UInt64 and checks it is plausible: at most `remaining / minimumSize`
    /// items can follow, so absurd counts fail before any allocation.
    mutating func readCount(_ what: @autoclosure () -> String, minimumItemSize: Int) throws -> Int {
        let raw = try read(UInt64.self, what())
        guard raw <= UInt64(Int.max), Int(raw) <= remaining / max(minimumItemSize, 1) else {
            throw failure("\(what()) is \(raw), more than the \(remaining) bytes left could hold")
        }
        return Int(raw)
    }

    /// Reads a UInt64-length-prefixed UTF-8 string.
    mutating func readString(_ what: @autoclosure () -> String) throws -> String {
        let length = try readCount("length of \(what())", minimumItemSize: 1)
        let bytes = UnsafeRawBufferPointer(start: base + position, count: length)
        position += length
        return String(decoding: bytes, as: UTF8.self)
    }

    mutating func seek(to offset: Int) throws {
        guard offset >= 0, offset <= count else { throw failure("offset \(offset) is outside the file (\(count) bytes)") }
        position = offset
    }
}
