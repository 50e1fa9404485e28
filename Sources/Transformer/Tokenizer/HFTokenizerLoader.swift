import Foundation

/// Builds a byte-level or SentencePiece-style BPE tokenizer from Hugging Face files: `tokenizer.json` (model, added
/// tokens, normalizer, pre-tokenizer, post-processor) and, when present next to it,
/// `tokenizer_config.json` (chat template, `add_bos_token`/`add_eos_token`, BOS/EOS names) and
/// `generation_config.json` (extra end-of-sequence ids).
///
/// Supported: model `BPE` with a `ByteLevel` pre-tokenizer or decoder, or SentencePiece-style
/// (`byte_fallback`, `▁` escaping; see `HFSentencePieceSettings`); for byte-level, normalizers `NFC`, `NFD`,
/// `NFKC`, `NFKD`, `Lowercase` and `Sequence`s of them; pre-tokenizers `ByteLevel`, `Digits`,
/// `Split` (regex or string patterns, every behaviour, `invert`) and `Sequence`s of them. Anything
/// else is a `ModelFileError` naming it.
enum HFTokenizerLoader {
    /// Loads `directory/tokenizer.json` and the optional config files beside it.
    static func load(directory: String) throws -> Tokenizer {
        let path = (directory as NSString).appendingPathComponent("tokenizer.json")
        guard FileManager.default.fileExists(atPath: path) else {
            throw ModelFileError(path: directory, reason: "the directory has no tokenizer.json")
        }
        return try load(tokenizerJSON: path)
    }

    /// Loads a `tokenizer.json` file and the optional config files in the same directory.
    static func load(tokenizerJSON path: String) throws -> Tokenizer {
        let directory = (path as NSString).deletingLastPathComponent
        let root = try readJSONObject(path)
        let configPath = (directory as NSString).appendingPathComponent("tokenizer_config.json")
        let config = FileManager.default.fileExists(atPath: configPath) ? try readJSONObject(configPath) : [:]
        let generationPath = (directory as NSString).appendingPathComponent("generation_config.json")
        let generation = FileManager.default.fileExists(atPath: generationPath) ? try readJSONObject(generationPath) : [:]
        return Tokenizer(parts: try HFTokenizerParts(root: root, config: config, generation: generation, source: path).parts())
    }

    static func readJSONObject(_ path: String) throws -> [String: Any] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ModelFileError(path: path, reason: "cannot be read (\(error.localizedDescription))")
        }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw ModelFileError(path: path, reason: "is not valid JSON (\(error.localizedDescription))")
        }
        guard let dictionary = object as? [String: Any] else {
            throw ModelFileError(path: path, reason: "is not a JSON object")
        }
        return dictionary
    }
}

extension Tokenizer {
    /// A byte-level BPE tokenizer from the contents of a `tokenizer.json` file and optionally of
    /// its `tokenizer_config.json` (chat template, BOS/EOS settings); `source` names the origin
    /// in errors. Throws `ModelFileError` naming the problem.
    public convenience init(tokenizerJSON: Data, tokenizerConfigJSON: Data? = nil, source: String = "tokenizer.json") throws {
        func object(_ data: Data, _ name: String) throws -> [String: Any] {
            guard let value = try? JSONSerialization.jsonObject(with: data), let dictionary = value as? [String: Any] else {
                throw ModelFileError(path: source, reason: "\(name) is not a JSON object")
            }
            return dictionary
        }
        let root = try object(tokenizerJSON, "tokenizer.json")
        let config = try tokenizerConfigJSON.map { try object($0, "tokenizer_config.json") } ?? [:]
        self.init(parts: try HFTokenizerParts(root: root, config: config, generation: [:], source: source).parts())
    }
}

/// Interprets the parsed JSON of a Hugging Face tokenizer.
struct HFTokenizerParts {
    let root: [String: Any]
    let config: [String: Any]
    let generation: [String: Any]
    let source: String

    private func failure(_ reason: String) -> ModelFileError { ModelFileError(path: source, reason: reason) }

    func parts() throws -> Tokenizer.Parts {
        guard let model = root["model"] as? [String: Any] else { throw failure("tokenizer.json has no \"model\" object") }
        let modelType = model["type"] as? String ?? (model["merges"] != nil ? "BPE" : "unknown")
        guard modelType == "BPE" else {
            throw failure("tokenizer model type \"\(modelType)\" is not supported (only BPE)")
        }
        let preTokenizerJSON = root["pre_tokenizer"] as? [String: Any]
        let decoderJSON = root["decoder"] as? [String: Any]
        let byteLevel = containsType("ByteLevel", preTokenizerJSON) || containsType("ByteLevel", decoderJSON)
        let sentencePiece = !byteLevel && HFSentencePieceSettings.describesSentencePiece(root)
        guard byteLevel || sentencePiece else {
            throw failure("tokenizer.json is neither byte-level BPE (no ByteLevel pre-tokenizer or decoder) nor SentencePiece-style BPE (no byte_fallback, Metaspace or \"▁\" normalizer)")
        }
        if let dropout = model["dropout"] as? Double, dropout != 0 { throw failure("BPE dropout \(dropout) is not supported") }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let value = model[key] as? String, !value.isEmpty { throw failure("BPE \(key) \"\(value)\" is not supported") }
        }

        // Vocabulary: the model's vocab plus added tokens.
        guard let vocab = model["vocab"] as? [String: Any] else { throw failure("model.vocab is missing or not an object") }
        var spellingByID: [Int: String] = [:]
        var maxID = -1
        for (spelling, value) in vocab {
            guard let id = (value as? NSNumber)?.intValue, id >= 0, id < Int(Int32.max) else {
                throw failure("model.vocab entry \(spelling.debugDescription) has no valid id")
            }
            if let other = spellingByID.updateValue(spelling, forKey: id) {
                throw failure("model.vocab gives id \(id) to both \(other.debugDescription) and \(spelling.debugDescription)")
            }
            maxID = max(maxID, id)
        }
        var types: [Int: TokenType] = [:]
        var entries: [SpecialTokenSplitter.Entry] = []
        for (index, item) in ((root["added_tokens"] as? [Any]) ?? []).enumerated() {
            guard let token = item as? [String: Any], let content = token["content"] as? String,
                  let id = (token["id"] as? NSNumber)?.intValue, id >= 0, id < Int(Int32.max) else {
                throw failure("added_tokens[\(index)] needs \"id\" and \"content\"")
            }
            if let existing = spellingByID[id], existing != content {
                throw failure("added token \(content.debugDescription) has id \(id), which model.vocab gives to \(existing.debugDescription)")
            }
            spellingByID[id] = content
            maxID = max(maxID, id)
            let special = token["special"] as? Bool ?? false
            types[id] = special ? .control : .userDefined
            entries.append(SpecialTokenSplitter.Entry(id: Int32(id), bytes: Array(content.utf8), requiresParsing: special,
                                                      stripLeft: token["lstrip"] as? Bool ?? false,
                                                      stripRight: token["rstrip"] as? Bool ?? false))
        }
        guard maxID >= 0 else { throw failure("the vocabulary is empty") }
        var tokens = [String](repeating: "", count: maxID + 1)
        var tokenTypes = [TokenType](repeating: .unused, count: maxID + 1)
        for (id, spelling) in spellingByID {
            tokens[id] = spelling
            tokenTypes[id] = types[id] ?? .normal
        }
        let unknownName = model["unk_token"] as? String
        if sentencePiece {
            // As in SentencePiece models: `<0xNN>` entries are byte tokens, the unknown token is typed so.
            for id in 0..<tokens.count where tokenTypes[id] == .normal && Vocabulary.byteFallbackValue(tokens[id]) != nil {
                tokenTypes[id] = .byte
            }
            if let unknownName, let id = vocab[unknownName].flatMap({ ($0 as? NSNumber)?.intValue }), id < tokens.count { tokenTypes[id] = .unknown }
        }
        let vocabulary = Vocabulary(tokens: tokens, types: tokenTypes, piece: sentencePiece ? Vocabulary.sentencePiecePiece : Vocabulary.byteLevelPiece)

        // Merges: "a b" strings or ["a", "b"] pairs.
        guard let mergesJSON = model["merges"] as? [Any] else { throw failure("model.merges is missing or not an array") }
        let merges: [(String, String)?] = mergesJSON.map { item in
            if let text = item as? String { return ByteLevelBPEBuilder.splitMerge(text) }
            if let pair = item as? [Any], pair.count == 2, let left = pair[0] as? String, let right = pair[1] as? String { return (left, right) }
            return nil
        }
        let unknownID = unknownName.flatMap { vocabulary.idsByText[$0] }
        let encoder: Tokenizer.Encoder
        var stripsLeadingSpace = false
        if sentencePiece {
            let settings = try HFSentencePieceSettings(root: root, failure: failure)
            stripsLeadingSpace = settings.stripsLeadingSpace
            let bpe = try SentencePieceRankedBPE(vocabulary: vocabulary, merges: merges, unknownID: unknownID, failure: failure)
            encoder = .sentencePiece(SentencePieceEncoder(merging: .ranks(bpe), spacePrefix: settings.spacePrefix, splitsWords: settings.splitsWords))
        } else {
            let bpe = try ByteLevelBPEBuilder.build(vocabulary: vocabulary, merges: merges, ignoreMerges: model["ignore_merges"] as? Bool ?? false,
                                                    unknownID: unknownID, failure: failure)
            let normalizers = try parseNormalizer(root["normalizer"] as? [String: Any])
            var addPrefixSpace = false
            let steps = try parsePreTokenizer(preTokenizerJSON, isFirst: true, addPrefixSpace: &addPrefixSpace)
            encoder = .byteLevel(ByteLevelEncoder(bpe: bpe, preTokenizer: PreTokenizer(steps: steps), normalizers: normalizers,
                                                  addPrefixSpace: addPrefixSpace))
        }

        // BOS/EOS: tokenizer_config.json first, then the post-processor template.
        let template = templateSpecialTokens(root["post_processor"] as? [String: Any], vocabulary: vocabulary)
        let bos = configTokenID("bos_token", vocabulary: vocabulary) ?? template.leading
        let eos = configTokenID("eos_token", vocabulary: vocabulary) ?? template.trailing
        let addsBOS = config["add_bos_token"] as? Bool ?? (template.leading != nil)
        let addsEOS = config["add_eos_token"] as? Bool ?? (template.trailing != nil)
        var extraStops: [Int] = []
        if let id = (generation["eos_token_id"] as? NSNumber)?.intValue { extraStops.append(id) }
        if let ids = generation["eos_token_id"] as? [Any] { extraStops += ids.compactMap { ($0 as? NSNumber)?.intValue } }
        extraStops = extraStops.filter { $0 >= 0 && $0 < vocabulary.count }

        return Tokenizer.Parts(
            model: sentencePiece ? .sentencePieceBPE : .byteLevelBPE, source: source, preTokenizerName: "tokenizer.json",
            vocabulary: vocabulary, encoder: encoder,
            specialTokens: SpecialTokenSplitter(entries: entries), bosTokenID: bos, eosTokenID: eos,
            unknownTokenID: unknownID, addsBOS: addsBOS, addsEOS: addsEOS, extraStopTokenIDs: extraStops,
            chatTemplateSource: chatTemplateSource(), stripsLeadingSpace: stripsLeadingSpace)
    }

    /// Whether `json` or a step nested in it (a `Sequence`) has type `type`.
    private func containsType(_ type: String, _ json: [String: Any]?) -> Bool {
        guard let json else { return false }
        if json["type"] as? String == type { return true }
        for key in ["pretokenizers", "decoders", "normalizers", "processors"] {
            if let items = json[key] as? [Any], items.contains(where: { containsType(type, $0 as? [String: Any]) }) { return true }
        }
        return false
    }

    private func parseNormalizer(_ json: [String: Any]?) throws -> [TextNormalizer] {
        guard let json else { return [] }
        let type = json["type"] as? String ?? "?"
        if type == "Sequence" {
            return try ((json["normalizers"] as? [Any]) ?? []).flatMap { try parseNormalizer($0 as? [String: Any]) }
        }
        guard let normalizer = TextNormalizer(rawValue: type) else {
            throw failure("normalizer \"\(type)\" is not supported (supported: NFC, NFD, NFKC, NFKD, Lowercase, Sequence)")
        }
        return [normalizer]
    }

    private func parsePreTokenizer(_ json: [String: Any]?, isFirst: Bool, addPrefixSpace: inout Bool) throws -> [PreTokenizer.Step] {
        guard let json else { return [] }
        let type = json["type"] as? String ?? "?"
        switch type {
        case "Sequence":
            var steps: [PreTokenizer.Step] = []
            for item in (json["pretokenizers"] as? [Any]) ?? [] {
                steps += try parsePreTokenizer(item as? [String: Any], isFirst: isFirst && steps.isEmpty, addPrefixSpace: &addPrefixSpace)
            }
            return steps
        case "ByteLevel":
            if json["add_prefix_space"] as? Bool ?? false {
                guard isFirst else { throw failure("ByteLevel add_prefix_space after another pre-tokenizer is not supported") }
                addPrefixSpace = true
            }
            return (json["use_regex"] as? Bool ?? true) ? [.gpt2] : []
        case "Digits":
            return [(json["individual_digits"] as? Bool ?? false) ? .isolateEachNumber : .isolateNumberRuns]
        case "Split":
            guard let patternJSON = json["pattern"] as? [String: Any] else { throw failure("Split pre-tokenizer has no pattern") }
            let behaviorName = json["behavior"] as? String ?? "Isolated"
            guard let behavior = SplitBehavior(rawValue: behaviorName) else {
                throw failure("Split behavior \"\(behaviorName)\" is not supported")
            }
            let invert = json["invert"] as? Bool ?? false
            let patternText: String
            if let regex = patternJSON["Regex"] as? String {
                patternText = regex
                if behavior == .isolated && !invert {
                    if regex == GPT2PatternSplitter.pattern { return [.gpt2] }
                    if regex == Llama3PatternSplitter.llama3Pattern { return [.llama3(digits: 3)] }
                    if regex == Llama3PatternSplitter.qwen2Pattern { return [.llama3(digits: 1)] }
                }
            } else if let literal = patternJSON["String"] as? String {
                patternText = literal.unicodeScalars.map { $0.properties.isAlphabetic || $0.properties.numericType != nil ? String($0) : "\\" + String($0) }.joined()
            } else {
                throw failure("Split pattern must be {\"Regex\": …} or {\"String\": …}")
            }
            do {
                return [.regex(try TokenizerRegex(patternText), behavior: behavior, invert: invert)]
            } catch let error as TokenizerRegexError {
                throw failure("Split pattern is not supported: \(error)")
            }
        default:
            throw failure("pre-tokenizer \"\(type)\" is not supported (supported: ByteLevel, Digits, Split, Sequence)")
        }
    }

    /// The special tokens before and after the sequence in a `TemplateProcessing` post-processor.
    private func templateSpecialTokens(_ json: [String: Any]?, vocabulary: Vocabulary) -> (leading: Int?, trailing: Int?) {
        guard let json else { return (nil, nil) }
        if json["type"] as? String == "Sequence" {
            for item in (json["processors"] as? [Any]) ?? [] {
                let found = templateSpecialTokens(item as? [String: Any], vocabulary: vocabulary)
                if found.leading != nil || found.trailing != nil { return found }
            }
            return (nil, nil)
        }
        guard json["type"] as? String == "TemplateProcessing", let single = json["single"] as? [Any] else { return (nil, nil) }
        let specials = json["special_tokens"] as? [String: Any] ?? [:]
        func id(_ item: Any) -> Int? {
            guard let entry = (item as? [String: Any])?["SpecialToken"] as? [String: Any], let name = entry["id"] as? String else { return nil }
            if let ids = (specials[name] as? [String: Any])?["ids"] as? [Any], let first = ids.first as? NSNumber { return first.intValue }
            return vocabulary.idsByText[name]
        }
        return (single.first.flatMap(id), single.count > 1 ? single.last.flatMap(id) : nil)
    }

    /// The id of a token named in `tokenizer_config.json` (a string or `{"content": …}`).
    private func configTokenID(_ key: String, vocabulary: Vocabulary) -> Int? {
        let name = config[key] as? String ?? (config[key] as? [String: Any])?["content"] as? String
        return name.flatMap { vocabulary.idsByText[$0] }
    }

    /// The chat template from `tokenizer_config.json` (a string, or a list of named templates of
    /// which `default` or else the first is used), or from `tokenizer.json`'s own field.
    private func chatTemplateSource() -> String? {
        if let text = config["chat_template"] as? String { return text }
        if let list = config["chat_template"] as? [Any] {
            let named = list.compactMap { $0 as? [String: Any] }
            let chosen = named.first { $0["name"] as? String == "default" } ?? named.first
            return chosen?["template"] as? String
        }
        return root["chat_template"] as? String
    }
}
