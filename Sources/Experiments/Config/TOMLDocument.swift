import Foundation

/// A parsed TOML document, such as an experiment configuration:
///
/// ```swift
/// let config = try TOMLDocument(parsing: text).root
/// let maxPE = try config.requiredInteger("max_pe")
/// let chunk = config.value(at: ["params", "chunk_coe"])   // .integer(3000) or .float(0.25)
/// ```
///
/// See `TOMLParser` for the supported syntax. Errors are `TOMLError`s with line and column.
public struct TOMLDocument: Equatable, Sendable {
    /// The top-level table.
    public let root: TOMLTable

    /// Parses `text`.
    public init(parsing text: String) throws {
        var parser = TOMLParser(text)
        root = try parser.parseDocument()
    }

    /// Reads and parses the UTF-8 file at `url`; a read or decoding failure names the file.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TOMLFileError(path: url.path, reason: "cannot be read (\(error.localizedDescription))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TOMLFileError(path: url.path, reason: "is not valid UTF-8")
        }
        do {
            try self.init(parsing: text)
        } catch let error as TOMLError {
            throw TOMLFileError(path: url.path, reason: error.description)
        }
    }

    /// The value for a top-level key.
    public subscript(key: String) -> TOMLValue? { root[key] }
}

/// A TOML file that could not be read or parsed; the reason includes line and column for syntax
/// errors.
public struct TOMLFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file's path.
    public let path: String
    /// What went wrong.
    public let reason: String

    /// An error about the file at `path`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `config.toml: line 4, column 9: expected a value after '='`.
    public var description: String { "\(path): \(reason)" }
}
