import Transformer

/// A problem with an experiment config: a missing, unknown or ill-typed key or a value out of
/// range, with the file and line when known.
public struct ExperimentConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The config file, when the config came from one.
    public var file: String?
    /// The key path (`max_pe`, `params.chunk_coe`), when the problem is about one key.
    public var key: String?
    /// The 1-based line of the key, when found.
    public var line: Int?
    /// What is wrong.
    public var message: String

    /// An error about `key` (at `line`) in `file`.
    public init(file: String? = nil, key: String? = nil, line: Int? = nil, message: String) {
        self.file = file
        self.key = key
        self.line = line
        self.message = message
    }

    /// `expcfg/x.toml: line 7: key 'max_pe': must be an integer ≥ 2, not "16k"`, on one line
    /// (control characters from the file escaped).
    public var description: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let line { parts.append("line \(line)") }
        if let key { parts.append("key '\(key)'") }
        parts.append(message)
        return ModelFileError.singleLine(parts.joined(separator: ": "), limit: 1000)
    }
}
