import Tensor

/// One decoder family (llama, qwen2, gemma2, ...) described as data: how its files name it,
/// which layer options its blocks have, how its tensors are named in each format, and which
/// layers attend locally. The generic decoder runs every family from this description; adding
/// a family is one more description file (plus, only if needed, one more `DecoderOptions` field).
public struct ModelFamily: Sendable, Equatable, CustomStringConvertible {
    /// Which layers are local (sliding-window) when a checkpoint gives a window.
    public enum WindowPattern: Sendable, Equatable {
        /// Every layer has the window and stays global: extrapolation methods apply (Mistral).
        case everyLayer
        /// Layer `i` is global when `(i + 1)` is a multiple of `period`, local otherwise
        /// (Gemma 2: period 2, Gemma 3: period 6).
        case localExceptEvery(period: Int)
    }

    /// The family's name, as `gali info` prints it.
    public let name: String
    /// `general.architecture` of its GGUF files; nil when llama.cpp writes another family's name
    /// (Mistral GGUF files say `llama`).
    public let ggufArchitecture: String?
    /// `model_type` values of its Hugging Face `config.json`.
    public let huggingFaceModelTypes: [String]
    /// `architectures` class names of its Hugging Face `config.json`.
    public let huggingFaceClasses: [String]
    /// Layer options every checkpoint of the family has (the numbers come from the checkpoint).
    public let options: DecoderOptions
    /// Dimension pairing of query and key rows in GGUF files: llama.cpp permutes llama's rows for
    /// adjacent pairs and keeps the Hugging Face half split for the other families.
    public let ggufRotaryConvention: RotaryConvention
    /// GGUF files store norm weights as `1 + w` where Hugging Face stores `w` (Gemma).
    public let ggufNormsIncludeOne: Bool
    /// Which layers a sliding window makes local.
    public let windowPattern: WindowPattern
    /// Tensor names that differ from LLaMA's in Hugging Face files (`%d` is the layer).
    public let huggingFaceNames: [LlamaTensorName.Kind: String]
    /// Tensor names that differ from LLaMA's in GGUF files (`%d` is the layer).
    public let ggufNames: [LlamaTensorName.Kind: String]
    /// Hugging Face `hidden_act` / `hidden_activation` values meaning `options.activation`.
    public let huggingFaceActivations: [String]
    /// Whether a `config.json` without `tie_word_embeddings` ties the output head (Gemma).
    public let tiesEmbeddingsByDefault: Bool

    /// Creates a family description.
    public init(name: String, ggufArchitecture: String?, huggingFaceModelTypes: [String], huggingFaceClasses: [String],
                options: DecoderOptions = DecoderOptions(), ggufRotaryConvention: RotaryConvention = .halfSplit,
                ggufNormsIncludeOne: Bool = false, windowPattern: WindowPattern = .everyLayer,
                huggingFaceNames: [LlamaTensorName.Kind: String] = [:], ggufNames: [LlamaTensorName.Kind: String] = [:],
                huggingFaceActivations: [String] = ["silu"], tiesEmbeddingsByDefault: Bool = false) {
        self.name = name
        self.ggufArchitecture = ggufArchitecture
        self.huggingFaceModelTypes = huggingFaceModelTypes
        self.huggingFaceClasses = huggingFaceClasses
        self.options = options
        self.ggufRotaryConvention = ggufRotaryConvention
        self.ggufNormsIncludeOne = ggufNormsIncludeOne
        self.windowPattern = windowPattern
        self.huggingFaceNames = huggingFaceNames
        self.ggufNames = ggufNames
        self.huggingFaceActivations = huggingFaceActivations
        self.tiesEmbeddingsByDefault = tiesEmbeddingsByDefault
    }

    public static func == (lhs: ModelFamily, rhs: ModelFamily) -> Bool { lhs.name == rhs.name }

    public var description: String { name }

    /// Every supported family.
    public static let supported: [ModelFamily] = [.llama, .mistral, .qwen2, .qwen3, .gemma, .gemma2, .gemma3, .phi3]

    /// The family named `name` (as `gali info` prints it), if supported.
    public static func named(_ name: String) -> ModelFamily? { supported.first { $0.name == name } }

    /// The family whose GGUF files say `architecture`, if supported.
    public static func gguf(architecture: String) -> ModelFamily? {
        supported.first { $0.ggufArchitecture == architecture }
    }

    /// The family of a Hugging Face `config.json` with this `model_type` (or, without one, these
    /// `architectures`), if supported.
    public static func huggingFace(modelType: String?, classes: [String]) -> ModelFamily? {
        if let modelType { return supported.first { $0.huggingFaceModelTypes.contains(modelType) } }
        return supported.first { family in classes.contains { family.huggingFaceClasses.contains($0) } }
    }

    /// The one-line reason an architecture is refused, listing the supported ones.
    public static func unsupported(_ architecture: String, gguf: Bool) -> String {
        let names = gguf ? supported.compactMap(\.ggufArchitecture) : supported.flatMap(\.huggingFaceModelTypes)
        return "architecture \"\(architecture)\" is not supported (supported: \(names.joined(separator: ", ")))"
    }

    /// This family with another window pattern (a checkpoint's own `sliding_window_pattern`).
    func with(windowPattern: WindowPattern) -> ModelFamily {
        ModelFamily(name: name, ggufArchitecture: ggufArchitecture, huggingFaceModelTypes: huggingFaceModelTypes,
                    huggingFaceClasses: huggingFaceClasses, options: options, ggufRotaryConvention: ggufRotaryConvention,
                    ggufNormsIncludeOne: ggufNormsIncludeOne, windowPattern: windowPattern, huggingFaceNames: huggingFaceNames,
                    ggufNames: ggufNames, huggingFaceActivations: huggingFaceActivations,
                    tiesEmbeddingsByDefault: tiesEmbeddingsByDefault)
    }

    /// Per-layer attention for `layerCount` layers with `slidingWindow` (0: none).
    func layerAttention(layerCount: Int, slidingWindow: Int) -> [LayerAttention] {
        guard slidingWindow > 0 else { return [] }
        return (0..<layerCount).map { layer in
            switch windowPattern {
            case .everyLayer:
                return LayerAttention(slidingWindow: slidingWindow, isLocal: false)
            case .localExceptEvery(let period):
                return (layer + 1) % period == 0 ? .global : LayerAttention(slidingWindow: slidingWindow, isLocal: true)
            }
        }
    }
}
