/// The SentencePiece-specific settings of a `tokenizer.json` whose BPE model works on `▁`-escaped
/// text rather than bytes (Llama 2, Mistral, Gemma, Phi-3): how spaces become `▁`, when a `▁` is
/// put first, whether words are merged separately, and whether decoding drops a leading space.
///
/// Recognised forms, as written by `tokenizers` and `transformers`:
/// * normalizer `Prepend("▁")` + `Replace(" ", "▁")` (the "legacy" Llama 2 / Phi-3 files), or
///   `Replace(" ", "▁")` alone (Gemma);
/// * pre-tokenizer `Metaspace` (`prepend_scheme` `always`/`first`/`never`, or the older
///   `add_prefix_space`; `split`), or a `Split` on `" "` after the normalizer has already replaced
///   every space (which then does nothing);
/// * decoder `Strip` of one leading space, or `Metaspace` with a prefix: decoding drops the
///   leading space of the first token.
struct HFSentencePieceSettings {
    let spacePrefix: SentencePieceEncoder.SpacePrefix
    let splitsWords: Bool
    let stripsLeadingSpace: Bool

    /// SentencePiece's whitespace marker.
    static let marker = "\u{2581}"

    /// Whether `root` describes a SentencePiece-style tokenizer: a BPE model with
    /// `byte_fallback`, or `▁` handling in its normalizer, pre-tokenizer or decoder.
    static func describesSentencePiece(_ root: [String: Any]) -> Bool {
        if (root["model"] as? [String: Any])?["byte_fallback"] as? Bool == true { return true }
        let parts = [root["normalizer"], root["pre_tokenizer"], root["decoder"]].compactMap { $0 as? [String: Any] }
        return parts.contains { part in
            steps(of: part).contains { step in
                let type = step["type"] as? String
                return type == "Metaspace" || type == "ByteFallback" || type == "Prepend"
                    || (type == "Replace" && (step["content"] as? String == marker || pattern(step) == marker))
            }
        }
    }

    /// Reads the settings; throws a message naming the first unsupported part.
    init(root: [String: Any], failure: (String) -> ModelFileError) throws {
        var prepends = false
        var replacesSpaces = false
        if let normalizer = root["normalizer"] as? [String: Any] {
            for step in HFSentencePieceSettings.steps(of: normalizer) {
                let type = step["type"] as? String ?? "?"
                switch type {
                case "Prepend" where step["prepend"] as? String == HFSentencePieceSettings.marker:
                    prepends = true
                case "Replace" where HFSentencePieceSettings.pattern(step) == " " && step["content"] as? String == HFSentencePieceSettings.marker:
                    replacesSpaces = true
                default:
                    throw failure("normalizer \"\(type)\" is not supported in a SentencePiece tokenizer.json (supported: Prepend(\"▁\"), Replace(\" \", \"▁\"))")
                }
            }
        }
        var prefix: SentencePieceEncoder.SpacePrefix = prepends ? .everyFragment : .never
        var splits = false
        if let preTokenizer = root["pre_tokenizer"] as? [String: Any] {
            for step in HFSentencePieceSettings.steps(of: preTokenizer) {
                let type = step["type"] as? String ?? "?"
                switch type {
                case "Metaspace":
                    guard (step["replacement"] as? String ?? HFSentencePieceSettings.marker) == HFSentencePieceSettings.marker else {
                        throw failure("Metaspace replacement \((step["replacement"] as? String ?? "").debugDescription) is not supported (only \"▁\")")
                    }
                    guard let scheme = HFSentencePieceSettings.prependScheme(step) else {
                        throw failure("Metaspace prepend_scheme \((step["prepend_scheme"] as? String ?? "?").debugDescription) is not supported (always, first, never)")
                    }
                    replacesSpaces = true
                    prefix = scheme
                    splits = step["split"] as? Bool ?? true
                case "Split" where replacesSpaces && HFSentencePieceSettings.pattern(step) == " ":
                    continue  // the spaces are already `▁`: nothing to split
                default:
                    throw failure("pre-tokenizer \"\(type)\" is not supported in a SentencePiece tokenizer.json (supported: Metaspace, or a Split on \" \" after spaces became \"▁\")")
                }
            }
        }
        guard replacesSpaces else {
            throw failure("SentencePiece tokenizer.json without a Replace(\" \", \"▁\") normalizer or Metaspace pre-tokenizer is not supported")
        }
        var strips = false
        if let decoder = root["decoder"] as? [String: Any] {
            for step in HFSentencePieceSettings.steps(of: decoder) {
                switch step["type"] as? String {
                case "Strip":
                    if (step["start"] as? Int ?? 0) > 0 && (step["content"] as? String ?? " ") == " " { strips = true }
                case "Metaspace":
                    if let scheme = HFSentencePieceSettings.prependScheme(step), scheme != .never { strips = true }
                default:
                    break
                }
            }
        }
        spacePrefix = prefix
        splitsWords = splits
        stripsLeadingSpace = strips
    }

    /// The steps of a component: its `Sequence` members, or the component itself.
    private static func steps(of json: [String: Any]) -> [[String: Any]] {
        for key in ["normalizers", "pretokenizers", "decoders"] {
            if json["type"] as? String == "Sequence", let items = json[key] as? [Any] {
                return items.compactMap { $0 as? [String: Any] }.flatMap { steps(of: $0) }
            }
        }
        return [json]
    }

    /// The literal pattern of a `Replace`/`Split` step (`{"String": …}`), if it has one.
    private static func pattern(_ step: [String: Any]) -> String? {
        (step["pattern"] as? [String: Any])?["String"] as? String
    }

    /// The prefix rule of a `Metaspace` step (`prepend_scheme`, or the older `add_prefix_space`).
    private static func prependScheme(_ step: [String: Any]) -> SentencePieceEncoder.SpacePrefix? {
        if let scheme = step["prepend_scheme"] as? String {
            switch scheme {
            case "always": return .everyFragmentWithoutSpace
            case "first": return .textStartWithoutSpace
            case "never": return .never
            default: return nil
            }
        }
        return step["add_prefix_space"] as? Bool ?? true ? .everyFragmentWithoutSpace : .never
    }
}
