import Foundation
import Tensor

/// What `gali info` reports about a checkpoint: format, hyper-parameters, tensors by type,
/// size on disk, tokenizer kind and vocabulary size.
public struct ModelSummary: Sendable {
    /// The file or directory described.
    public let path: String
    /// `"GGUF v3"`, `"Hugging Face (safetensors, 2 files)"`, ...
    public let format: String
    /// The model's name from the file, when it gives one (`general.name`).
    public let name: String?
    /// The validated hyper-parameters.
    public let configuration: LlamaConfiguration
    /// Bytes of every file holding weights (the GGUF file, or all safetensors files).
    public let fileSize: Int
    /// Number of tensors in the files.
    public let tensorCount: Int
    /// Number of tensors of each element type, by the file's type name (`"Q4_1"`, `"BF16"`, ...).
    public let tensorCountsByType: [String: Int]
    /// Total number of weight elements in the files.
    public let parameterCount: Int
    /// Tokenizer kind: GGUF `tokenizer.ggml.model` (`"gpt2"`, `"llama"`) or the `model.type` of
    /// `tokenizer.json` (`"BPE"`).
    public let tokenizerKind: String
    /// Number of tokens the tokenizer defines.
    public let tokenizerVocabularySize: Int

    /// Summarises an opened checkpoint after running every check the model and tokenizer
    /// loaders run (`ModelCheckpoint.validateForInference`): a checkpoint that cannot run throws
    /// the same error loading it would.
    public init(checkpoint: ModelCheckpoint) throws {
        let tokenizer = try checkpoint.validateForInference()
        tokenizerVocabularySize = tokenizer.vocabularySize
        path = checkpoint.path
        configuration = checkpoint.configuration
        switch checkpoint.source {
        case .gguf(let file):
            format = "GGUF v\(file.version)"
            name = file.metadata["general.name"]?.stringValue
            fileSize = file.fileSize
            tensorCount = file.tensorInfos.count
            tensorCountsByType = file.tensorInfos.reduce(into: [:]) { $0[$1.dtype.description, default: 0] += 1 }
            parameterCount = file.tensorInfos.reduce(0) { $0 + $1.shape.reduce(1, *) }
            tokenizerKind = file.metadata["tokenizer.ggml.model"]?.stringValue ?? "gguf"
        case .huggingFace:
            let infos = checkpoint.safetensors?.tensorInfos ?? []
            let fileCount = checkpoint.safetensors?.files.count ?? 0
            format = "Hugging Face (safetensors, \(fileCount) file\(fileCount == 1 ? "" : "s"))"
            name = nil
            fileSize = checkpoint.safetensors?.totalFileSize ?? 0
            tensorCount = infos.count
            tensorCountsByType = infos.reduce(into: [:]) { $0[$1.dtypeName, default: 0] += 1 }
            parameterCount = infos.reduce(0) { $0 + $1.shape.reduce(1, *) }
            tokenizerKind = "BPE"  // the only tokenizer.json model the loader accepts
        }
    }


    /// A name for the rotary convention (`"adjacent pairs (GGUF)"`, ...).
    public var rotaryConventionName: String {
        configuration.rotaryConvention == .adjacentPairs ? "adjacent pairs" : "half split"
    }

    /// The summary as aligned `label  value` lines.
    public var textLines: [(label: String, value: String)] {
        let c = configuration
        var lines: [(String, String)] = [("path", path), ("format", format)]
        if let name { lines.append(("name", name)) }
        lines += [
            ("architecture", c.architecture),
            ("layers", "\(c.layerCount)"),
            ("hidden size", "\(c.hiddenSize)"),
            ("feed-forward size", "\(c.intermediateSize)"),
            ("attention heads", "\(c.headCount)"),
            ("key/value heads", "\(c.keyValueHeadCount)"),
            ("head dimension", "\(c.headDimension)"),
            ("rotary dimension", "\(c.rotaryDimension)"),
            ("vocabulary size", "\(c.vocabularySize)"),
            ("context length", "\(c.contextLength)"),
            ("rope base", ModelSummary.number(c.ropeBase)),
            ("rope scaling", c.ropeScaling.map(ModelSummary.describe) ?? "none"),
            ("rope convention", rotaryConventionName),
            ("RMSNorm epsilon", "\(c.rmsNormEpsilon)"),
            ("tied embeddings", c.tiedEmbeddings ? "yes" : "no"),
            ("parameters", "\(parameterCount)"),
            ("tensors", "\(tensorCount) (" + tensorCountsByType.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"),
            ("file size", "\(fileSize) bytes (\(String(format: "%.1f", Double(fileSize) / 1_048_576)) MiB)"),
            ("tokenizer", "\(tokenizerKind), \(tokenizerVocabularySize) tokens"),
        ]
        return lines
    }

    /// The summary as text, one `label  value` line each.
    public var text: String {
        let lines = textLines
        let width = (lines.map(\.label.count).max() ?? 0) + 2
        return lines.map { $0.label.padding(toLength: width, withPad: " ", startingAt: 0) + $0.value }.joined(separator: "\n")
    }

    /// The summary as a JSON object (snake_case keys).
    public var jsonObject: [String: Any] {
        let c = configuration
        var scaling: Any = NSNull()
        if let s = c.ropeScaling {
            var entry: [String: Any] = ["type": s.kind.name, "factor": s.factor]
            if let original = s.originalContextLength { entry["original_context_length"] = original }
            for (key, value) in s.parameters { entry[key] = value.description }
            scaling = entry
        }
        return [
            "path": path, "format": format, "name": name ?? NSNull(),
            "architecture": c.architecture, "layers": c.layerCount, "hidden_size": c.hiddenSize,
            "intermediate_size": c.intermediateSize, "heads": c.headCount, "kv_heads": c.keyValueHeadCount,
            "head_dim": c.headDimension, "rotary_dim": c.rotaryDimension, "vocab_size": c.vocabularySize,
            "context_length": c.contextLength, "rope_base": c.ropeBase, "rope_scaling": scaling,
            "rope_convention": c.rotaryConvention == .adjacentPairs ? "adjacent_pairs" : "half_split",
            "rms_norm_eps": Double(String(c.rmsNormEpsilon)) ?? Double(c.rmsNormEpsilon),
            "tied_embeddings": c.tiedEmbeddings, "parameters": parameterCount,
            "tensor_count": tensorCount, "tensor_types": tensorCountsByType, "file_size": fileSize,
            "tokenizer": ["kind": tokenizerKind, "vocab_size": tokenizerVocabularySize] as [String: Any],
        ]
    }

    /// `jsonObject` serialised with sorted keys.
    public func jsonData() throws -> Data {
        try JSONSerialization.data(withJSONObject: jsonObject, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    private static func describe(_ scaling: RopeScaling) -> String {
        var parts = ["\(scaling.kind.name) × \(number(scaling.factor))"]
        if let original = scaling.originalContextLength { parts.append("from \(original)") }
        parts += scaling.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return parts.joined(separator: ", ")
    }
}
