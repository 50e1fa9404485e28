/// Fills RULER's `{name}` templates in one pass, so that braces inside the inserted text (an
/// essay, a document) are never taken for fields.
public enum RulerTemplate {
    /// `template` with each `{name}` of `values` replaced; other braces stay as they are.
    public static func fill(_ template: String, _ values: [String: String]) -> String {
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: "}"), let value = values[String(rest[afterOpen..<close])] {
                result += value
                rest = rest[rest.index(after: close)...]
            } else {
                result += "{"
                rest = rest[afterOpen...]
            }
        }
        return result + rest
    }
}
