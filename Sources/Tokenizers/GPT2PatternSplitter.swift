/// A direct matcher for GPT-2's pre-tokenizer pattern
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// with the semantics of a backtracking regex that takes the first alternative matching at the
/// leftmost position. The pattern matches every non-empty input, so the pieces cover the range.
/// `TokenizerRegex` compiled from the same pattern is its slow twin in the tests.
enum GPT2PatternSplitter {
    /// The pattern text, as it appears in `tokenizer.json` files.
    static let pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#

    /// Appends the end index of each piece of scalars `lo..<hi` of `buffer` to `ends`, in order
    /// (each piece starts where the previous one ends).
    static func split(_ buffer: ScalarBuffer, _ lo: Int, _ hi: Int, into ends: inout [Int]) {
        buffer.values.withUnsafeBufferPointer { values in
            buffer.classes.withUnsafeBufferPointer { classes in
                var i = lo
                while i < hi {
                    let c = values[i]
                    // 's|'t|'re|'ve|'m|'ll|'d (case-sensitive)
                    if c == 0x27, i + 1 < hi {
                        let n1 = values[i + 1]
                        if n1 == 0x73 || n1 == 0x74 || n1 == 0x6D || n1 == 0x64 {  // s t m d
                            ends.append(i + 2)
                            i += 2
                            continue
                        }
                        if i + 2 < hi {
                            let n2 = values[i + 2]
                            if (n1 == 0x72 && n2 == 0x65) || (n1 == 0x76 && n2 == 0x65) || (n1 == 0x6C && n2 == 0x6C) {  // re ve ll
                                ends.append(i + 3)
                                i += 3
                                continue
                            }
                        }
                    }
                    // ` ?` followed by a letter, number or other run
                    let leadingSpace = c == 0x20 && i + 1 < hi && classes[i + 1] != .whitespace
                    let runClass = leadingSpace ? classes[i + 1] : classes[i]
                    if runClass != .whitespace {
                        var j = leadingSpace ? i + 2 : i + 1
                        while j < hi && classes[j] == runClass { j += 1 }
                        ends.append(j)
                        i = j
                        continue
                    }
                    // \s+(?!\S) then \s+
                    var j = i + 1
                    while j < hi && classes[j] == .whitespace { j += 1 }
                    if j < hi && j - i > 1 {
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
