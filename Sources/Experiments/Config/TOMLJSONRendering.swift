import Foundation
import Transformer
import ModelFiles

/// JSON text for parsed TOML values, e.g. to record the configuration an experiment ran with (the
/// reference writes its config as JSON next to the predictions).
///
/// Integers print without a decimal point and floats always with one (`3000` vs `3000.0`), so the
/// integer/float distinction survives. JSON has no infinities or NaN; they print as `null`.
extension TOMLValue {
    /// This value as JSON; `indent` spaces per level (0: on one line).
    public func jsonText(indent: Int = 4) -> String {
        var out = ""
        write(to: &out, indent: indent, level: 0)
        return out
    }

    fileprivate func write(to out: inout String, indent: Int, level: Int) {
        switch self {
        case .string(let value):
            out += JSONText.string(value)
        case .integer(let value):
            out += String(value)
        case .float(let value):
            if !value.isFinite {
                out += "null"
            } else if value == value.rounded(), abs(value) < 1e16 {
                out += String(format: "%.1f", value)
            } else {
                out += "\(value)"
            }
        case .boolean(let value):
            out += value ? "true" : "false"
        case .array(let elements):
            writeContainer(to: &out, open: "[", close: "]", count: elements.count, indent: indent, level: level) { index, out in
                elements[index].write(to: &out, indent: indent, level: level + 1)
            }
        case .table(let table):
            let pairs = table.entries
            writeContainer(to: &out, open: "{", close: "}", count: pairs.count, indent: indent, level: level) { index, out in
                out += JSONText.string(pairs[index].key) + ": "
                pairs[index].value.write(to: &out, indent: indent, level: level + 1)
            }
        }
    }
}

extension TOMLTable {
    /// This table as a JSON object, keys in definition order; `indent` spaces per level (0: on one
    /// line).
    public func jsonText(indent: Int = 4) -> String { TOMLValue.table(self).jsonText(indent: indent) }
}

private func writeContainer(to out: inout String, open: String, close: String, count: Int, indent: Int, level: Int,
                            element: (Int, inout String) -> Void) {
    guard count > 0 else {
        out += open + close
        return
    }
    out += open
    for index in 0..<count {
        if index > 0 { out += indent > 0 ? "," : ", " }
        if indent > 0 { out += "\n" + String(repeating: " ", count: indent * (level + 1)) }
        element(index, &out)
    }
    if indent > 0 { out += "\n" + String(repeating: " ", count: indent * level) }
    out += close
}
