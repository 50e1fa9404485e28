import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only JSON-lines file of finished work items, one record per line.
///
/// Each record is written with a single `write` and synced before the next item starts, so a run
/// that is interrupted (Ctrl-C, crash, `kill -9`) loses at most the item in progress. A last line
/// without its newline is a record cut short: readers ignore it and `repair` removes it before
/// appending resumes, so nothing is lost or duplicated. The writer holds an exclusive `flock`
/// on the file while it is open (released by the system even after `kill -9`).
public final class RecordLog {
    /// The records file of an unsharded run.
    public static let unshardedFileName = "records.jsonl"

    /// The file's path.
    public let path: String
    private let descriptor: Int32

    /// Bytes of a partial last line dropped when the file was opened.
    public let droppedBytes: Int

    /// Opens `path` for appending (creating it), takes an exclusive lock on it — a second run
    /// writing the same file (say, a resumed run while the first is still going) is refused — and
    /// drops a partial last line.
    public init(path: String) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard fd >= 0 else { throw RunError.io("cannot open \(path) for writing: \(String(cString: strerror(errno)))") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let reason = errno == EWOULDBLOCK ? "another gali run is writing it; wait for that run or stop it first"
                : "cannot lock it: \(String(cString: strerror(errno)))"
            close(fd)
            throw RunError.conflict("\(path): \(reason)")
        }
        self.path = path
        descriptor = fd
        do {
            droppedBytes = try RecordLog.repair(path: path)
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(descriptor) }

    /// Appends one record (a JSON object on one line) and syncs it to disk.
    public func append(_ line: String) throws {
        guard !line.contains("\n") else { throw RunError.io("a record must be one line") }
        var bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw RunError.io("cannot write to \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        bytes.removeAll()
        fsync(descriptor)
    }

    /// The complete lines of the file at `path` (empty when it does not exist) and the number
    /// of bytes of a partial last line, which is not included.
    public static func read(path: String) throws -> (lines: [String], partialBytes: Int) {
        guard FileManager.default.fileExists(atPath: path) else { return ([], 0) }
        guard let data = FileManager.default.contents(atPath: path) else { throw RunError.io("cannot read \(path)") }
        var lines: [String] = []
        var start = data.startIndex
        var index = data.startIndex
        while index < data.endIndex {
            if data[index] == UInt8(ascii: "\n") {
                let line = String(decoding: data[start..<index], as: UTF8.self)
                if !line.trimmingCharacters(in: .whitespaces).isEmpty { lines.append(line) }
                start = data.index(after: index)
            }
            index = data.index(after: index)
        }
        return (lines, data.distance(from: start, to: data.endIndex))
    }

    /// Truncates a partial last line off the file at `path`; returns the bytes removed.
    @discardableResult
    public static func repair(path: String) throws -> Int {
        let (_, partial) = try read(path: path)
        guard partial > 0 else { return 0 }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard truncate(path, off_t(size - partial)) == 0 else {
            throw RunError.io("cannot truncate the partial last record of \(path): \(String(cString: strerror(errno)))")
        }
        return partial
    }
}
