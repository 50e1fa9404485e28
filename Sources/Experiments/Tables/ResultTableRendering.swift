import Foundation

/// How a renderer writes numbers.
public enum NumberFormat: Equatable, Sendable {
    /// The shortest text that reads back as the same `Double` (`29.31`, `0.1`, `1e-05`).
    case shortest
    /// A fixed number of decimals (`29.31` with 2, `29.3` with 1).
    case fixed(Int)

    /// `value` in this format; `NaN`, `inf` and `-inf` for non-finite values.
    public func string(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        switch self {
        case .shortest:
            if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
            return "\(value)"
        case .fixed(let decimals):
            let text = String(format: "%.\(max(0, decimals))f", value)
            return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
        }
    }
}

extension ResultTable {
    /// The table as CSV (RFC 4180): a header record (`rowHeader`, then the columns), then one
    /// record per row; fields containing `,`, `"`, CR or LF are quoted with inner quotes doubled;
    /// missing cells are empty; records end with `lineEnding` (CRLF by default, as the RFC says).
    public func csv(numbers: NumberFormat = .shortest, lineEnding: String = "\r\n") -> String {
        var out = ""
        out += ([rowHeader] + columns).map(ResultTable.csvField).joined(separator: ",") + lineEnding
        for row in rows {
            let fields = [row] + columns.map { column -> String in
                switch self[row, column] {
                case .number(let value): return numbers.string(value)
                case .text(let text): return text
                case .missing: return ""
                }
            }
            out += fields.map(ResultTable.csvField).joined(separator: ",") + lineEnding
        }
        return out
    }

    static func csvField(_ text: String) -> String {
        let needsQuotes = text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        guard needsQuotes else { return text }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            if scalar == "\"" { quoted += "\"\"" } else { quoted.unicodeScalars.append(scalar) }
        }
        return quoted + "\""
    }

    /// The table as a GitHub-flavoured Markdown pipe table with columns padded to equal width
    /// (East Asian wide characters count double); numeric columns are right-aligned, the label
    /// column and text columns left-aligned. `|` in cells is escaped and line breaks become
    /// `<br>`; missing cells print `missing`. The title, when set, is a bold line above.
    public func markdown(numbers: NumberFormat = .fixed(2), missing: String = "–") -> String {
        let header = [rowHeader] + columns
        var body: [[String]] = []
        for row in rows {
            body.append([row] + columns.map { column -> String in
                switch self[row, column] {
                case .number(let value): return numbers.string(value)
                case .text(let text): return text
                case .missing: return missing
                }
            })
        }
        let numeric = [false] + columns.map { column in
            let present = rows.map { self[$0, column] }.filter { $0 != .missing }
            return !present.isEmpty && present.allSatisfy { if case .number = $0 { return true } else { return false } }
        }
        let escapedHeader = header.map(ResultTable.markdownEscaped)
        let escapedBody = body.map { $0.map(ResultTable.markdownEscaped) }
        let widths = (0..<header.count).map { index in
            max(3, ([escapedHeader[index]] + escapedBody.map { $0[index] }).map(ResultTable.displayWidth).max() ?? 0)
        }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { index, cell -> String in
                let padding = String(repeating: " ", count: widths[index] - ResultTable.displayWidth(cell))
                return numeric[index] ? padding + cell : cell + padding
            }
            return "| " + padded.joined(separator: " | ") + " |"
        }
        var lines: [String] = []
        if let title, !title.isEmpty { lines += ["**\(ResultTable.markdownEscaped(title))**", ""] }
        lines.append(line(escapedHeader))
        lines.append("|" + widths.enumerated().map { index, width in
            numeric[index] ? " " + String(repeating: "-", count: width - 1) + ": " : " :" + String(repeating: "-", count: width - 1) + " "
        }.joined(separator: "|") + "|")
        lines += escapedBody.map(line)
        return lines.joined(separator: "\n") + "\n"
    }

    static func markdownEscaped(_ text: String) -> String {
        var out = ""
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "|": out += "\\|"
            case "\r": out += "<br>"
            case "\n": if !previousWasCR { out += "<br>" }
            default: out.unicodeScalars.append(scalar)
            }
            previousWasCR = scalar == "\r"
        }
        return out
    }

    /// Columns a monospace terminal gives `text`: 2 for East Asian wide and fullwidth characters,
    /// 0 for combining marks, 1 otherwise.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format: return width
            default: break
            }
            switch scalar.value {
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
                 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
                 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
                return width + 2
            default:
                return width + 1
            }
        }
    }
}
