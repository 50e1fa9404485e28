/// The one rule for experiment folder names, however they are given (`exp_name` in a config,
/// `gali run --name`, `gali eval/collect --exp`): a name is a single plain folder under
/// `results/<task>/pred/`, so nothing named by a user is ever written outside the results folder.
public enum ExperimentName {
    /// Longest accepted name, in UTF-8 bytes (file systems allow 255; `_N` suffixes need room).
    public static let maximumLength = 200

    /// What is wrong with `name` as an experiment folder name, or nil when it is acceptable.
    ///
    /// Rejected: empty names, names longer than `maximumLength` bytes, `/`, `\`, `..`, a leading
    /// `.`, NUL, newlines and other control characters, the reserved `all`, and `.shard-`
    /// (which marks records files).
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "must not be empty" }
        if name.utf8.count > maximumLength { return "is longer than \(maximumLength) bytes" }
        if name.contains("/") || name.contains("\\") { return "must be a plain folder name (no / or \\)" }
        if name.contains("..") { return "must not contain \"..\"" }
        if name.hasPrefix(".") { return "must not start with '.'" }
        if let control = name.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            return "must not contain control characters (found U+\(String(control.value, radix: 16, uppercase: true)))"
        }
        if name == "all" { return "\"all\" is reserved (gali eval/collect --exp all)" }
        if name.contains(".shard-") { return "must not contain \".shard-\"" }
        return nil
    }

    /// Throws `RunError.invalidName` naming `source` (such as `--name`) when `name` breaks the
    /// rule; returns the name otherwise.
    @discardableResult
    public static func validate(_ name: String, source: String) throws -> String {
        if let problem = problem(name) { throw RunError.invalidName("\(source) \(name.debugDescription) \(problem)") }
        return name
    }
}
