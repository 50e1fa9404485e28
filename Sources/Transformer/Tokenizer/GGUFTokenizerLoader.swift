extension Tokenizer {
    /// The tokenizer stored in a GGUF file's `tokenizer.*` metadata. Throws `ModelFileError`
    /// naming the problem when the metadata is missing, inconsistent or unsupported.
    public convenience init(gguf: GGUFFile) throws {
        try self.init(ggufMetadata: gguf.metadata, source: gguf.path)
    }

    /// The tokenizer described by GGUF-style `tokenizer.*` metadata; `source` names the origin in
    /// errors. Keys read: `tokenizer.ggml.model` (`gpt2` or `llama`), `.tokens`, `.token_type`,
    /// `.scores`, `.merges`, `.pre`, `.bos_token_id`, `.eos_token_id`, `.unknown_token_id`,
    /// `.eot_token_id`, `.eom_token_id`, `.add_bos_token`, `.add_eos_token`, `.add_space_prefix`
    /// and `tokenizer.chat_template`.
    public convenience init(ggufMetadata metadata: [String: GGUFValue], source: String) throws {
        self.init(parts: try GGUFTokenizerLoader(metadata: metadata, source: source).parts())
    }
}

/// Reads and checks the tokenizer metadata of a GGUF file.
struct GGUFTokenizerLoader {
    let metadata: [String: GGUFValue]
    let source: String

    private func failure(_ reason: String) -> ModelFileError { ModelFileError(path: source, reason: reason) }

    private func string(_ key: String) throws -> String? {
        guard let value = metadata[key] else { return nil }
        guard let text = value.stringValue else { throw failure("\(key) is not a string") }
        return text
    }

    private func bool(_ key: String) throws -> Bool? {
        guard let value = metadata[key] else { return nil }
        guard let flag = value.boolValue else { throw failure("\(key) is not a boolean") }
        return flag
    }

    private func stringArray(_ key: String) throws -> [String]? {
        guard let value = metadata[key] else { return nil }
        guard let items = value.arrayValue else { throw failure("\(key) is not an array") }
        var strings: [String] = []
        strings.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard let text = item.stringValue else { throw failure("\(key)[\(index)] is not a string") }
            strings.append(text)
        }
        return strings
    }

    private func tokenID(_ key: String, count: Int) throws -> Int? {
        guard let value = metadata[key] else { return nil }
        guard let id = value.intValue else { throw failure("\(key) is not an integer") }
        // llama.cpp writes -1 (as uint32 0xFFFFFFFF) for "none" in some files.
        if id == -1 || id == Int(UInt32.max) { return nil }
        guard id >= 0 && id < count else {
            throw failure("\(key) is \(id), outside the vocabulary of \(count) tokens")
        }
        return id
    }

    func parts() throws -> Tokenizer.Parts {
        guard let modelName = try string("tokenizer.ggml.model") else {
            throw failure("no tokenizer: tokenizer.ggml.model is missing")
        }
        guard modelName == "gpt2" || modelName == "llama" else {
            throw failure("tokenizer.ggml.model \"\(modelName)\" is not supported (supported: \"gpt2\" byte-level BPE, \"llama\" SentencePiece BPE)")
        }
        guard let tokens = try stringArray("tokenizer.ggml.tokens") else {
            throw failure("tokenizer.ggml.tokens is missing")
        }
        guard !tokens.isEmpty else { throw failure("tokenizer.ggml.tokens is empty") }
        guard tokens.count < Int(Int32.max) else { throw failure("tokenizer.ggml.tokens has too many entries") }
        let count = tokens.count

        var types = [TokenType](repeating: .normal, count: count)
        if let value = metadata["tokenizer.ggml.token_type"] {
            guard let items = value.arrayValue else { throw failure("tokenizer.ggml.token_type is not an array") }
            guard items.count == count else {
                throw failure("tokenizer.ggml.token_type has \(items.count) entries but tokenizer.ggml.tokens has \(count)")
            }
            for (index, item) in items.enumerated() {
                guard let code = item.intValue else { throw failure("tokenizer.ggml.token_type[\(index)] is not an integer") }
                if code == 0 { continue }  // "undefined": treated as normal
                guard let type = TokenType(rawValue: code) else {
                    throw failure("tokenizer.ggml.token_type[\(index)] is \(code), not a token type (0...6)")
                }
                types[index] = type
            }
        }

        var scores: [Float]?
        if let value = metadata["tokenizer.ggml.scores"] {
            guard let items = value.arrayValue else { throw failure("tokenizer.ggml.scores is not an array") }
            guard items.count == count else {
                throw failure("tokenizer.ggml.scores has \(items.count) entries but tokenizer.ggml.tokens has \(count)")
            }
            var values: [Float] = []
            values.reserveCapacity(count)
            for (index, item) in items.enumerated() {
                guard let score = item.doubleValue else { throw failure("tokenizer.ggml.scores[\(index)] is not a number") }
                values.append(Float(score))
            }
            scores = values
        }

        let bos = try tokenID("tokenizer.ggml.bos_token_id", count: count)
        let eos = try tokenID("tokenizer.ggml.eos_token_id", count: count)
        let unknown = try tokenID("tokenizer.ggml.unknown_token_id", count: count)
        let eot = try tokenID("tokenizer.ggml.eot_token_id", count: count)
        let eom = try tokenID("tokenizer.ggml.eom_token_id", count: count)
        let chatTemplate = try string("tokenizer.chat_template")

        let entries = tokens.enumerated().compactMap { id, token -> SpecialTokenSplitter.Entry? in
            guard types[id].isMatchedLiterally else { return nil }
            return SpecialTokenSplitter.Entry(id: Int32(id), bytes: Array(token.utf8), requiresParsing: types[id] != .userDefined,
                                              stripLeft: false, stripRight: false)
        }
        let specialTokens = SpecialTokenSplitter(entries: entries)

        if modelName == "gpt2" {
            let preName = try string("tokenizer.ggml.pre") ?? "gpt2"
            guard let preTokenizer = PreTokenizer.named(preName) else {
                throw failure("tokenizer.ggml.pre \"\(preName)\" is not a supported pre-tokenizer (supported: smollm, gpt2, llama-bpe, qwen2 and their aliases, qwen35, deepseek-llm, deepseek-coder, falcon, tekken)")
            }
            let llama3Family = ["llama3", "llama-v3", "llama-bpe", "falcon3", "tekken"].contains(preName)
            let vocabulary = Vocabulary(tokens: tokens, types: types, piece: Vocabulary.byteLevelPiece)
            let bpe = try makeByteLevelBPE(vocabulary: vocabulary, ignoreMerges: llama3Family, unknownID: unknown)
            return Tokenizer.Parts(
                model: .byteLevelBPE, source: source, preTokenizerName: preName, vocabulary: vocabulary,
                encoder: .byteLevel(ByteLevelEncoder(bpe: bpe, preTokenizer: preTokenizer, normalizers: [], addPrefixSpace: false)),
                specialTokens: specialTokens, bosTokenID: bos, eosTokenID: eos, unknownTokenID: unknown,
                addsBOS: try bool("tokenizer.ggml.add_bos_token") ?? llama3Family,
                addsEOS: try bool("tokenizer.ggml.add_eos_token") ?? false,
                extraStopTokenIDs: [eot, eom].compactMap { $0 }, chatTemplateSource: chatTemplate, stripsLeadingSpace: false)
        }

        // SentencePiece ("llama").
        let vocabulary = Vocabulary(tokens: tokens, types: types, piece: Vocabulary.sentencePiecePiece)
        var mergeable: [PieceKey: Int32] = [:]
        mergeable.reserveCapacity(count)
        var byteFallback = [Int32](repeating: -1, count: 256)
        for (id, token) in tokens.enumerated() {
            switch types[id] {
            case .normal, .userDefined:
                let key = PieceKey(Array(token.utf8))
                if mergeable[key] == nil { mergeable[key] = Int32(id) }
            case .byte:
                guard let value = Vocabulary.byteFallbackValue(token) else {
                    throw failure("token \(id) \(token.debugDescription) has type byte but is not spelled <0xNN>")
                }
                if byteFallback[Int(value)] < 0 { byteFallback[Int(value)] = Int32(id) }
            default:
                break
            }
        }
        let addSpacePrefix = try bool("tokenizer.ggml.add_space_prefix") ?? true
        let bpe = SentencePieceBPE(mergeableIDs: mergeable, scores: scores ?? [Float](repeating: 0, count: count),
                                   byteFallbackIDs: byteFallback, unknownID: unknown.map { Int32($0) })
        return Tokenizer.Parts(
            model: .sentencePieceBPE, source: source, preTokenizerName: "sentencepiece", vocabulary: vocabulary,
            encoder: .sentencePiece(SentencePieceEncoder(merging: .scores(bpe), spacePrefix: addSpacePrefix ? .everyFragment : .never,
                                                         splitsWords: false)),
            specialTokens: specialTokens, bosTokenID: bos, eosTokenID: eos, unknownTokenID: unknown,
            addsBOS: try bool("tokenizer.ggml.add_bos_token") ?? true,
            addsEOS: try bool("tokenizer.ggml.add_eos_token") ?? false,
            extraStopTokenIDs: [eot, eom].compactMap { $0 }, chatTemplateSource: chatTemplate, stripsLeadingSpace: addSpacePrefix)
    }

    /// The byte tokens and merge table of a byte-level vocabulary.
    private func makeByteLevelBPE(vocabulary: Vocabulary, ignoreMerges: Bool, unknownID: Int?) throws -> ByteLevelBPE {
        guard let merges = try stringArray("tokenizer.ggml.merges") else {
            throw failure("tokenizer.ggml.merges is missing (a gpt2 tokenizer needs its BPE merges)")
        }
        return try ByteLevelBPEBuilder.build(vocabulary: vocabulary, merges: merges.lazy.map { ByteLevelBPEBuilder.splitMerge($0) },
                                             ignoreMerges: ignoreMerges, unknownID: unknownID, failure: failure)
    }
}

/// Builds the byte-level BPE tables from a vocabulary and merge rules (shared by the GGUF and
/// `tokenizer.json` loaders).
enum ByteLevelBPEBuilder {
    /// The two halves of a merge written `"left right"` (split at the first space after the
    /// first character), or nil when there is no such space.
    static func splitMerge(_ rule: String) -> (String, String)? {
        let scalars = rule.unicodeScalars
        guard !scalars.isEmpty else { return nil }
        let afterFirst = scalars.index(after: scalars.startIndex)
        guard let space = scalars[afterFirst...].firstIndex(of: " ") else { return nil }
        return (String(scalars[..<space]), String(scalars[scalars.index(after: space)...]))
    }

    /// The merge rules in rank order (nil for a malformed rule) as a table of token ids; every
    /// half and result must be a vocabulary entry.
    static func mergeTable<Merges: Sequence>(vocabulary: Vocabulary, merges: Merges, failure: (String) -> ModelFileError) throws -> MergeTable
    where Merges.Element == (String, String)? {
        var table = MergeTable(capacity: merges.underestimatedCount)
        var rank: Int32 = 0
        for rule in merges {
            guard let (left, right) = rule else {
                throw failure("merge #\(rank) is not two tokens separated by a space")
            }
            guard let leftID = vocabulary.idsByText[left] else {
                throw failure("merge #\(rank) \"\(left) \(right)\" uses \"\(left)\", which is not in the vocabulary")
            }
            guard let rightID = vocabulary.idsByText[right] else {
                throw failure("merge #\(rank) \"\(left) \(right)\" uses \"\(right)\", which is not in the vocabulary")
            }
            guard let mergedID = vocabulary.idsByText[left + right] else {
                throw failure("merge #\(rank) \"\(left) \(right)\" makes \"\(left + right)\", which is not in the vocabulary")
            }
            _ = table.insert(left: Int32(leftID), right: Int32(rightID), rank: rank, merged: Int32(mergedID))
            rank += 1
        }
        return table
    }

    /// The BPE tables; `merges` are the rules in rank order (nil for a malformed rule).
    static func build<Merges: Sequence>(vocabulary: Vocabulary, merges: Merges, ignoreMerges: Bool, unknownID: Int?,
                                        failure: (String) -> ModelFileError) throws -> ByteLevelBPE
    where Merges.Element == (String, String)? {
        var byteTokens = [Int32](repeating: -1, count: 256)
        for value in 0..<256 {
            let spelling = ByteLevelAlphabet.encode([UInt8(value)])
            if let id = vocabulary.idsByText[spelling] { byteTokens[value] = Int32(id) }
        }
        let table = try mergeTable(vocabulary: vocabulary, merges: merges, failure: failure)
        var whole: [PieceKey: Int32]?
        if ignoreMerges {
            var map: [PieceKey: Int32] = [:]
            for id in 0..<vocabulary.count where vocabulary.types[id] == .normal {
                let key = PieceKey(vocabulary.pieces[id])
                if map[key] == nil { map[key] = Int32(id) }
            }
            whole = map
        }
        return ByteLevelBPE(byteTokenIDs: byteTokens, merges: table, wholePieceIDs: whole, fallbackID: unknownID.map { Int32($0) })
    }
}
