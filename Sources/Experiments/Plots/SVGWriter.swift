import Foundation

/// Builds SVG text: elements with escaped attributes, compact coordinates.
struct SVGWriter {
    private(set) var lines: [String] = []
    private var depth = 0

    /// The sans-serif stack all plots use.
    static let fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"

    init(width: Double, height: Double, title: String?) {
        lines.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        lines.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(SVGWriter.number(width))\" height=\"\(SVGWriter.number(height))\" "
                     + "viewBox=\"0 0 \(SVGWriter.number(width)) \(SVGWriter.number(height))\" "
                     + "font-family=\"\(SVGWriter.fontFamily)\">")
        depth = 1
        if let title, !title.isEmpty { element("title", text: title) }
        element("rect", ["x": "0", "y": "0", "width": SVGWriter.number(width), "height": SVGWriter.number(height), "fill": "white"])
    }

    /// A self-closing element, or one with escaped text content.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], text: String? = nil) {
        let attributeText = SVGWriter.attributes(attributes)
        if let text {
            lines.append(indent + "<\(name)\(attributeText)>\(SVGWriter.escaped(text))</\(name)>")
        } else {
            lines.append(indent + "<\(name)\(attributeText)/>")
        }
    }

    /// Opens a container element (`g`, `defs`, `clipPath`, ...).
    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        lines.append(indent + "<\(name)\(SVGWriter.attributes(attributes))>")
        depth += 1
    }

    /// Closes the innermost container.
    mutating func close(_ name: String) {
        depth -= 1
        lines.append(indent + "</\(name)>")
    }

    /// A text element; `anchor` is `start`, `middle` or `end`; `rotate` turns it about (x, y).
    mutating func text(_ content: String, x: Double, y: Double, size: Double, anchor: String = "start",
                       weight: String? = nil, fill: String = "#222", rotate: Double? = nil, baseline: String? = nil) {
        var attributes: [(String, String)] = [("x", SVGWriter.number(x)), ("y", SVGWriter.number(y)),
                                              ("font-size", SVGWriter.number(size)), ("text-anchor", anchor), ("fill", fill)]
        if let weight { attributes.append(("font-weight", weight)) }
        if let baseline { attributes.append(("dominant-baseline", baseline)) }
        if let rotate { attributes.append(("transform", "rotate(\(SVGWriter.number(rotate)) \(SVGWriter.number(x)) \(SVGWriter.number(y)))")) }
        let attributeText = attributes.map { " \($0.0)=\"\(SVGWriter.escaped($0.1))\"" }.joined()
        lines.append(indent + "<text\(attributeText)>\(SVGWriter.escaped(content))</text>")
    }

    /// The finished document.
    func finished() -> String {
        (lines + ["</svg>"]).joined(separator: "\n") + "\n"
    }

    private var indent: String { String(repeating: "  ", count: max(0, depth)) }

    private static func attributes(_ attributes: KeyValuePairs<String, String>) -> String {
        attributes.map { " \($0.key)=\"\(escaped($0.value))\"" }.joined()
    }

    /// Text safe inside XML content and double-quoted attributes; characters XML 1.0 forbids
    /// (most C0 controls) are dropped.
    static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out += " "
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A coordinate with at most two decimals and no trailing zeros.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() { return abs(rounded) < 1e15 ? String(Int(rounded)) : String(format: "%.0f", rounded) }
        var text = String(format: "%.2f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    /// Approximate width of `text` in a sans-serif font of `size` (no font metrics are available;
    /// wide characters count double, narrow ones less).
    static func textWidth(_ text: String, size: Double) -> Double {
        var units = 0.0
        for scalar in text.unicodeScalars {
            switch scalar {
            case "i", "j", "l", "I", ".", ",", ":", ";", "'", "|", "!", " ": units += 0.32
            case "m", "w", "M", "W": units += 0.9
            default: units += ResultTable.displayWidth(String(scalar)) == 2 ? 1.0 : 0.62
            }
        }
        return units * size
    }
}
