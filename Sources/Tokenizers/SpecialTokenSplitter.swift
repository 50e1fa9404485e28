/// Finds special tokens (control, user-defined and unknown tokens) written literally in input
/// text, before any pre-tokenizing, and cuts the text around them.
///
/// Tokens are searched longest first (as llama.cpp does): every occurrence of the longest token
/// is cut out of the text, then the next token is searched in the remaining text pieces, and so
/// on. A partial spelling such as `<|im_start` is left as text.
struct SpecialTokenSplitter: Sendable {
    /// One literal token.
    struct Entry: Sendable {
        let id: Int32
        let bytes: [UInt8]
        /// Whether the token is matched only when special tokens are parsed (control and unknown
        /// tokens); user-defined tokens are always matched.
        let requiresParsing: Bool
        /// Whitespace before the token is removed (HF `lstrip`).
        let stripLeft: Bool
        /// Whitespace after the token is removed (HF `rstrip`).
        let stripRight: Bool
    }

    /// A stretch of the input: text to tokenize, or a special token.
    enum Fragment: Equatable {
        case text(Range<Int>)
        case token(Int32)
    }

    /// The tokens, longest first (ties by id).
    let entries: [Entry]

    init(entries: [Entry]) {
        self.entries = entries.filter { !$0.bytes.isEmpty }.sorted {
            $0.bytes.count != $1.bytes.count ? $0.bytes.count > $1.bytes.count : $0.id < $1.id
        }
    }

    /// Cuts `bytes` into fragments; with `parseSpecial` false only user-defined tokens are cut out.
    func split(_ bytes: [UInt8], parseSpecial: Bool) -> [Fragment] {
        var fragments: [Fragment] = bytes.isEmpty ? [] : [.text(0..<bytes.count)]
        bytes.withUnsafeBufferPointer { text in
            for entry in entries where parseSpecial || !entry.requiresParsing {
                guard let first = entry.bytes.first else { continue }
                var result: [Fragment] = []
                result.reserveCapacity(fragments.count)
                for fragment in fragments {
                    guard case .text(let range) = fragment else {
                        result.append(fragment)
                        continue
                    }
                    var start = range.lowerBound
                    var position = range.lowerBound
                    let limit = range.upperBound - entry.bytes.count
                    while position <= limit {
                        if text[position] == first && matches(entry.bytes, text, at: position) {
                            var leftEnd = position
                            if entry.stripLeft {
                                while leftEnd > start && SpecialTokenSplitter.isASCIISpace(text[leftEnd - 1]) { leftEnd -= 1 }
                            }
                            if leftEnd > start { result.append(.text(start..<leftEnd)) }
                            result.append(.token(entry.id))
                            position += entry.bytes.count
                            if entry.stripRight {
                                while position < range.upperBound && SpecialTokenSplitter.isASCIISpace(text[position]) { position += 1 }
                            }
                            start = position
                        } else {
                            position += 1
                        }
                    }
                    if start < range.upperBound { result.append(.text(start..<range.upperBound)) }
                }
                fragments = result
            }
        }
        return fragments
    }

    @inline(__always)
    private func matches(_ pattern: [UInt8], _ text: UnsafeBufferPointer<UInt8>, at position: Int) -> Bool {
        for (offset, byte) in pattern.enumerated() where text[position + offset] != byte { return false }
        return true
    }

    private static func isASCIISpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
}
