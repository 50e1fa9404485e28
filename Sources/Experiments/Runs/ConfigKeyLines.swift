import Foundation

/// Finds the line on which a key of a TOML config is defined, so that messages about a bad
/// value can point at it. The parsed `TOMLTable` keeps no positions; this scans the source for
/// `key =` lines, tracking `[table]` headers. It recognises the plain layout experiment configs
/// use (bare or quoted keys, one per line, headers on their own lines) and answers nil for
/// anything else (dotted keys, inline tables), in which case messages just omit the line.
public struct ConfigKeyLines: Sendable {
    private var lines: [String: Int] = [:]

    /// Scans `source`.
    public init(source: String) {
        var table = ""
        var number = 0
        for rawLine in source.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                guard !line.hasPrefix("[["), let close = line.firstIndex(of: "]") else { continue }
                table = ConfigKeyLines.unquote(line[line.index(after: line.startIndex)..<close].trimmingCharacters(in: .whitespaces))
                if lines[table] == nil { lines[table] = number }
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = ConfigKeyLines.unquote(line[..<equals].trimmingCharacters(in: .whitespaces))
            guard !key.isEmpty else { continue }
            let path = table.isEmpty ? key : table + "." + key
            if lines[path] == nil { lines[path] = number }
        }
    }

    /// The 1-based line defining `path` (`"max_pe"`, `"params.chunk_coe"`), or the header line
    /// of a table (`"params"`), if found.
    public func line(of path: String) -> Int? { lines[path] }

    private static func unquote(_ text: String) -> String {
        if text.count >= 2, let first = text.first, first == text.last, first == "\"" || first == "'" {
            return String(text.dropFirst().dropLast())
        }
        return text
    }
}
