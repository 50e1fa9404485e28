import Foundation
import XCTest
import Tensor
import Transformer
import Tokenizers

/// Small hand-made vocabularies, random texts and a naive BPE for tokenizer tests.
enum TokenizerFixtures {
    /// GPT-2's byte alphabet, written out independently of the library: printable bytes map to
    /// themselves, the other 68 to U+0100 upwards in byte order.
    static let byteAlphabet: [String] = {
        var result: [String] = []
        var next = 256
        for byte in 0..<256 {
            let printable = (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte)
            let value = printable ? byte : next
            if !printable { next += 1 }
            result.append(String(UnicodeScalar(UInt32(value)).map(Character.init) ?? "?"))
        }
        return result
    }()

    /// The alphabet spelling of the UTF-8 bytes of `text`.
    static func spell(_ text: String) -> String { text.utf8.map { byteAlphabet[Int($0)] }.joined() }

    /// A byte-level `tokenizer.json`: the 256 byte tokens, then `merges` (written with plain text
    /// halves and turned into alphabet spellings) with their results, then added tokens.
    static func byteLevelJSON(merges: [(String, String)] = [], addedTokens: [[String: Any]] = [],
                              preTokenizer: [String: Any]? = ["type": "ByteLevel", "add_prefix_space": false, "use_regex": true],
                              normalizer: [String: Any]? = nil, postProcessor: [String: Any]? = nil,
                              modelExtras: [String: Any] = [:]) throws -> Data {
        var vocab: [String: Int] = [:]
        for (index, spelling) in byteAlphabet.enumerated() { vocab[spelling] = index }
        var mergeStrings: [String] = []
        for (left, right) in merges {
            let merged = spell(left + right)
            if vocab[merged] == nil { vocab[merged] = vocab.count }
            mergeStrings.append(spell(left) + " " + spell(right))
        }
        var added: [[String: Any]] = []
        for token in addedTokens {
            var entry = token
            entry["id"] = vocab.count + added.count
            added.append(entry)
        }
        var model: [String: Any] = ["type": "BPE", "vocab": vocab, "merges": mergeStrings]
        for (key, value) in modelExtras { model[key] = value }
        var root: [String: Any] = ["model": model, "added_tokens": added, "decoder": ["type": "ByteLevel"]]
        root["pre_tokenizer"] = preTokenizer ?? NSNull()
        root["normalizer"] = normalizer ?? NSNull()
        root["post_processor"] = postProcessor ?? NSNull()
        return try JSONSerialization.data(withJSONObject: root)
    }

    /// A byte-level tokenizer with only byte tokens (no merges) and pre-tokenizer `preTokenizer`.
    static func bytesOnly(preTokenizer: [String: Any]) throws -> Tokenizer {
        try Tokenizer(tokenizerJSON: try byteLevelJSON(preTokenizer: preTokenizer))
    }

    /// Deterministic random numbers: the library's seeded generator.
    typealias Random = SeededRandom

    /// Building blocks of random texts: letters of several scripts, combining marks, numbers of
    /// several kinds, every kind of whitespace, contractions, punctuation, emoji, invisible
    /// characters.
    static let atoms: [String] = [
        "a", "b", "Z", "the", "Hello", "é", "ß", "ж", "Ω", "中", "文", "한", "ا", "ש", "क", "ि", "\u{301}", "\u{5B0}", "ก", "\u{E31}",
        "0", "7", "42", "2024", "²", "½", "١", "٣", "Ⅻ", "\u{FF11}",
        " ", " ", " ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", "\r", "\u{A0}", "\u{3000}", "\u{2028}", "\u{85}", "\u{B}", "\u{C}",
        "'", "'s", "'S", "'t", "'re", "'RE", "'ve", "'m", "'ll", "'LL", "'d", "'x",
        ".", ",", "!", "?", "(", ")", "<", ">", "|", "-", "_", "$", "€", "=", "==", "#", "\"", "`", "{", "}", "/", "\\", "*", "%", "&", "…",
        "🙂", "👍🏽", "🇯🇵", "\u{200D}", "\u{200B}", "\u{FEFF}", "\u{1F}", "\u{0}",
    ]

    /// A random text of up to `maxAtoms` atoms.
    static func randomText(_ random: inout Random, maxAtoms: Int = 24) -> String {
        let count = random.below(maxAtoms + 1)
        return (0..<count).map { _ in random.pick(atoms) }.joined()
    }

    /// Tricky strings for round trips.
    static let trickyStrings: [String] = [
        "", " ", "  ", "\n", "\t", "\r\n", "a", "Hello, world!", "  leading and trailing  ",
        "tabs\tand\t\ttabs", "runs of spaces      and\n\n\n\nnewlines\n \n \n", "line\r\nwindows\r\n\r\n",
        "naïve café résumé — “quotes” ‘single’", "e\u{301}\u{302} combining marks ḁ̸", "Zalgo: Z̷̢̛a̵l̶g̴o̸",
        "日本語のテキストと漢字、한국어 텍스트, 中文标点。", "مرحبا بالعالم", "שָׁלוֹם", "नमस्ते", "สวัสดีครับ",
        "emoji 🧑🏾‍💻🏳️‍🌈👩🏻‍❤️‍💋‍👨🏼 🇯🇵🇧🇷 1️⃣ ✌🏿", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛 and 🀄",
        "digits 0123456789 3.14159 1,000,000 ² ³ ½ ١٢٣ Ⅻ ０１２", "x = 1_000_000; y = 0xFF; z = 1e-10",
        "func main() {\n\tlet x = [1, 2, 3]\n\tprint(x.map { $0 * 2 })\n}\n",
        "def f(a, b):\n    return a ** b  # comment\n", "<html><body class=\"x\">&amp;</body></html>",
        "don't won't it's I'm you're we've they'll he'd DON'T IT'S", "'s's's 'S ''",
        "zero\u{200B}width\u{200D}joiner\u{FEFF}bom", "nbsp\u{A0}\u{A0}ideographic\u{3000}space",
        "control \u{1} \u{7} \u{1B}[31m \u{7F}", "<|im_start|>user\nHi<|im_end|>", "<|im_start <|im_end| <| |> <|>",
        "<file_sep><|endoftext|><empty_output>", String(repeating: "=", count: 300), String(repeating: "ab ", count: 100),
        "\u{FFFD} replacement char", "surrogate-free 𐍈 gothic",
    ]

    /// Naive byte-level BPE: repeatedly merge the adjacent pair with the lowest rank (leftmost
    /// among ties) by rescanning every pair each time. `ranks` maps `"left right"` spellings to
    /// their rank. Returns the token spellings.
    static func naiveBPE(_ piece: String, ranks: [String: Int]) -> [String] {
        var symbols = piece.utf8.map { byteAlphabet[Int($0)] }
        while symbols.count > 1 {
            var best = Int.max
            var at = -1
            for i in 0..<(symbols.count - 1) {
                if let rank = ranks[symbols[i] + " " + symbols[i + 1]], rank < best {
                    best = rank
                    at = i
                }
            }
            if at < 0 { break }
            symbols[at] += symbols[at + 1]
            symbols.remove(at: at + 1)
        }
        return symbols
    }
}

extension SeededRandom {
    /// Uniform integer in `0..<n`.
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    /// A uniformly chosen element of `items`.
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}
