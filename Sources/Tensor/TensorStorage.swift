#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A block of bytes that tensors view: either memory this process allocated (64-byte aligned,
/// zero-filled) or a read-only memory-mapped file region. Reference type so views share it.
public final class TensorStorage: @unchecked Sendable {
    /// First byte of the storage.
    public let baseAddress: UnsafeMutableRawPointer
    /// Number of bytes that may be read from `baseAddress`.
    public let byteCount: Int
    /// Whether the bytes may be written (false for memory-mapped files).
    public let isWritable: Bool
    private let release: () -> Void

    /// Allocates `byteCount` zero-filled bytes aligned to 64 bytes.
    public init(allocating byteCount: Int) {
        let size = max(byteCount, 1)
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        self.baseAddress = pointer
        self.byteCount = byteCount
        self.isWritable = true
        self.release = { pointer.deallocate() }
    }

    /// Wraps memory owned elsewhere; `release` runs when the storage is freed.
    public init(borrowing baseAddress: UnsafeMutableRawPointer, byteCount: Int, isWritable: Bool,
                release: @escaping () -> Void) {
        self.baseAddress = baseAddress
        self.byteCount = byteCount
        self.isWritable = isWritable
        self.release = release
    }

    deinit { release() }
}

/// A whole file mapped read-only into memory. Tensor data of model files is read through this,
/// so a model is never copied into process memory.
public enum MappedFile {
    /// Maps the file at `path`. Throws `TensorError.io` naming the file when it cannot be opened
    /// or mapped.
    public static func map(path: String) throws -> TensorStorage {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw TensorError.io(path: path, reason: "cannot open (\(errnoText()))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw TensorError.io(path: path, reason: "cannot stat (\(errnoText()))") }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw TensorError.io(path: path, reason: "is a directory, not a file") }
        let size = Int(info.st_size)
        if size == 0 {
            return TensorStorage(allocating: 0)
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            throw TensorError.io(path: path, reason: "cannot map into memory (\(errnoText()))")
        }
        return TensorStorage(borrowing: address, byteCount: size, isWritable: false) {
            munmap(address, size)
        }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
