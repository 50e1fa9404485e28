/// A direct matcher for the Llama-3 pre-tokenizer pattern (with `digits` = 3)
///
///     (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
///
/// and for Qwen2's variant, which has `\p{N}` in place of `\p{N}{1,3}` (`digits` = 1), with the
/// semantics of a backtracking regex (first matching alternative at the leftmost position).
/// `TokenizerRegex` compiled from the same patterns is its slow twin in the tests.
enum Llama3PatternSplitter {
    /// The Llama-3 pattern text, as it appears in `tokenizer.json` files.
    static let llama3Pattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    /// The Qwen2 pattern text, as it appears in `tokenizer.json` files.
    static let qwen2Pattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    @inline(__always)
    private static func lowerASCII(_ value: UInt32) -> UInt32 {
        value >= 0x41 && value <= 0x5A ? value + 0x20 : value
    }

    @inline(__always)
    private static func isLineBreak(_ value: UInt32) -> Bool { value == 0x0A || value == 0x0D }

    /// Appends the end index of each piece of scalars `lo..<hi` of `buffer` to `ends`, in order;
    /// numbers are cut into groups of at most `digits` scalars.
    static func split(_ buffer: ScalarBuffer, _ lo: Int, _ hi: Int, digits: Int, into ends: inout [Int]) {
        buffer.values.withUnsafeBufferPointer { values in
            buffer.classes.withUnsafeBufferPointer { classes in
                var i = lo
                while i < hi {
                    let c = values[i]
                    let cls = classes[i]
                    // (?i:'s|'t|'re|'ve|'m|'ll|'d)
                    if c == 0x27, i + 1 < hi {
                        let n1 = lowerASCII(values[i + 1])
                        if n1 == 0x73 || n1 == 0x74 || n1 == 0x6D || n1 == 0x64 {
                            ends.append(i + 2)
                            i += 2
                            continue
                        }
                        if i + 2 < hi {
                            let n2 = lowerASCII(values[i + 2])
                            if (n1 == 0x72 && n2 == 0x65) || (n1 == 0x76 && n2 == 0x65) || (n1 == 0x6C && n2 == 0x6C) {
                                ends.append(i + 3)
                                i += 3
                                continue
                            }
                        }
                    }
                    // [^\r\n\p{L}\p{N}]?\p{L}+
                    if cls == .letter || (cls != .number && !isLineBreak(c) && i + 1 < hi && classes[i + 1] == .letter) {
                        var j = i + 1
                        while j < hi && classes[j] == .letter { j += 1 }
                        ends.append(j)
                        i = j
                        continue
                    }
                    // \p{N}{1,digits}
                    if cls == .number {
                        var j = i + 1
                        while j < hi && j - i < digits && classes[j] == .number { j += 1 }
                        ends.append(j)
                        i = j
                        continue
                    }
                    // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
                    let leadingSpace = c == 0x20 && i + 1 < hi && classes[i + 1] == .other
                    if cls == .other || leadingSpace {
                        var j = leadingSpace ? i + 2 : i + 1
                        while j < hi && classes[j] == .other { j += 1 }
                        while j < hi && isLineBreak(values[j]) { j += 1 }
                        ends.append(j)
                        i = j
                        continue
                    }
                    // whitespace: \s*[\r\n]+ | \s+(?!\S) | \s+
                    var j = i
                    var afterLastLineBreak = -1
                    while j < hi && classes[j] == .whitespace {
                        if isLineBreak(values[j]) { afterLastLineBreak = j + 1 }
                        j += 1
                    }
                    if afterLastLineBreak > 0 {
                        ends.append(afterLastLineBreak)
                        i = afterLastLineBreak
                    } else if j < hi && j - i > 1 {
                        ends.append(j - 1)
                        i = j - 1
                    } else {
                        ends.append(j)
                        i = j
                    }
                }
            }
        }
    }
}
