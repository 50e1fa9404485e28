/// The split patterns of the GGUF pre-tokenizers that run on the regex engine, by
/// `tokenizer.ggml.pre` name: each pattern splits every piece left by the one before it, its
/// matches becoming pieces of their own. They are the patterns of the models' own
/// `tokenizer.json` files (a `Sequence` of `Split`s), which llama.cpp uses for the same names;
/// characters that Unicode normalisation would alter are written as `\x{…}` escapes.
enum PreTokenizerPatterns {
    /// Letters as DeepSeek LLM lists them: Latin, Greek, Cyrillic, Armenian, Georgian, Cherokee
    /// and other cased scripts, with several supplementary-plane ranges.
    private static let deepSeekLetters = #"A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝ\x{1F5F}-\x{1F7D}ᾀ-ᾴᾶ-ᾼ\x{1FBE}ῂ-ῄῆ-ῌ\x{1FD0}-\x{1FD3}\x{1FD6}-\x{1FDB}ῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤ\x{2126}ℨ\x{212A}-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ\x{10400}-\x{1044F}\x{104B0}-\x{104D3}\x{104D8}-\x{104FB}\x{10C80}-\x{10CB2}\x{10CC0}-\x{10CF2}\x{118A0}-\x{118DF}\x{1E900}-\x{1E943}"#

    /// CJK ideographs, the blocks from Samaritan to CJK, and Hangul, as DeepSeek groups them.
    private static let deepSeekCJK = #"[一-龥\x{0800}-一가-\x{D7FF}]+"#

    static let isolating: [String: [String]] = [
        "deepseek-llm": [
            #"[\r\n]"#,
            #"\s?["# + deepSeekLetters + #"]+"#,
            #"\s?[!-/:-~！-／：-～‘-‟　-。]+"#,
            #"\s+$"#,
            deepSeekCJK,
            #"\p{N}+"#,
        ],
        "deepseek-coder": [
            #"[\r\n]"#,
            #"\s?\p{L}+"#,
            #"\s?\p{P}+"#,
            deepSeekCJK,
            #"\p{N}"#,
        ],
        "falcon": [
            #"[\p{P}\$\+<=>\^~\|`]+"#,
            #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)"#,
            #"[0-9][0-9][0-9]"#,
        ],
        "qwen35": [
            #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#,
        ],
        "tekken": [
            #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"#,
        ],
    ]
}
