import Tensor

/// A model file or directory that cannot be used, with the file and the problem named.
///
/// The reason is always one line: control characters taken from a damaged file (inside a key or
/// tensor name, say) are escaped, and overly long reasons are shortened.
public struct ModelFileError: Error, CustomStringConvertible, Equatable {
    /// The file or directory at fault.
    public let path: String
    /// What is wrong with it.
    public let reason: String

    /// Longest reason kept, in characters.
    static let maximumReasonLength = 600

    /// Creates an error; `reason` is made single-line and at most 600 characters.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = ModelFileError.singleLine(reason, limit: ModelFileError.maximumReasonLength)
    }

    public var description: String { "\(path): \(reason)" }

    /// `text` in double quotes for an error message, with control characters escaped and at most
    /// `limit` characters kept (names read from damaged files can be megabytes long).
    static func quoted(_ text: String, limit: Int = 80) -> String {
        "\"" + singleLine(text, limit: limit) + "\""
    }

    /// `text` on one line for an error message: control characters (newlines, NUL, ...)
    /// escaped, at most `limit` characters kept.
    public static func singleLine(_ text: String, limit: Int) -> String {
        var result = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= limit { return result + "…" }
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0x85:
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: result.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return result
    }
}

extension ModelFileError {
    /// Maps the file at `path` read-only, turning I/O failures into errors naming it.
    static func mapFile(_ path: String) throws -> TensorStorage {
        do { return try MappedFile.map(path: path) } catch let error as TensorError {
            throw ModelFileError(path: path, reason: reason(of: error))
        }
    }

    /// A tensor-layer error as the reason part of a model-file error (I/O errors already name
    /// the file).
    static func reason(of error: TensorError) -> String {
        if case .io(_, let reason) = error { return reason }
        return error.description
    }
}
