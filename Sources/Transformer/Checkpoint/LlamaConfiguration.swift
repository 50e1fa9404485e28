import Tensor
import ModelFiles

/// The hyper-parameters of a decoder of any supported family (LLaMA-shaped blocks plus the
/// family's `DecoderOptions`), read from a GGUF file's metadata or a Hugging Face
/// `config.json`, and validated so that every size the decoder derives from them is positive
/// and consistent.
public struct LlamaConfiguration: Sendable, Equatable {
    /// The family's name (one of `ModelFamily.supported`, e.g. `"llama"`, `"gemma2"`).
    public var architecture: String
    /// Number of decoder blocks.
    public var layerCount: Int
    /// Width of the residual stream.
    public var hiddenSize: Int
    /// Width of the feed-forward (SwiGLU) hidden layer.
    public var intermediateSize: Int
    /// Number of query heads.
    public var headCount: Int
    /// Number of key/value heads (grouped-query attention when fewer than `headCount`).
    public var keyValueHeadCount: Int
    /// Width of one attention head.
    public var headDimension: Int
    /// Leading dimensions of each head that rotary embedding rotates (normally `headDimension`).
    public var rotaryDimension: Int
    /// Number of tokens in the vocabulary (rows of the embedding).
    public var vocabularySize: Int
    /// Context length the model was trained for.
    public var contextLength: Int
    /// Rotary embedding base θ.
    public var ropeBase: Double
    /// RMSNorm epsilon, exactly as the file stores it.
    public var rmsNormEpsilon: Float
    /// Rotary scaling declared by the file, if any.
    public var ropeScaling: RopeScaling?
    /// Which dimensions rotary embedding pairs: GGUF files store llama's query and key rows
    /// permuted for adjacent pairs; Hugging Face checkpoints use the half split.
    public var rotaryConvention: RotaryConvention
    /// Whether the output head reuses the token embedding.
    public var tiedEmbeddings: Bool
    /// The family's layer options with this checkpoint's numbers (window, soft-caps, ...).
    public var options: DecoderOptions

    /// The family description (LLaMA when `architecture` names none; `validate` refuses that).
    public var family: ModelFamily { ModelFamily.named(architecture) ?? .llama }

    /// Creates a configuration; call `validate(path:)` before trusting it.
    public init(architecture: String = "llama", layerCount: Int, hiddenSize: Int, intermediateSize: Int,
                headCount: Int, keyValueHeadCount: Int, headDimension: Int? = nil, rotaryDimension: Int? = nil,
                vocabularySize: Int, contextLength: Int, ropeBase: Double = 10000, rmsNormEpsilon: Float = 1e-5,
                ropeScaling: RopeScaling? = nil, rotaryConvention: RotaryConvention = .halfSplit,
                tiedEmbeddings: Bool = false, options: DecoderOptions = DecoderOptions()) {
        self.architecture = architecture
        self.layerCount = layerCount
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.headCount = headCount
        self.keyValueHeadCount = keyValueHeadCount
        let head = headDimension ?? (headCount > 0 ? hiddenSize / headCount : 0)
        self.headDimension = head
        self.rotaryDimension = rotaryDimension ?? head
        self.vocabularySize = vocabularySize
        self.contextLength = contextLength
        self.ropeBase = ropeBase
        self.rmsNormEpsilon = rmsNormEpsilon
        self.ropeScaling = ropeScaling
        self.rotaryConvention = rotaryConvention
        self.tiedEmbeddings = tiedEmbeddings
        self.options = options
    }

    /// Rows of the query projection (`headCount × headDimension`).
    public var queryWidth: Int { headCount * headDimension }
    /// Rows of the key and value projections (`keyValueHeadCount × headDimension`).
    public var keyValueWidth: Int { keyValueHeadCount * headDimension }
    /// Query heads sharing one key/value head.
    public var queriesPerKeyValueHead: Int { keyValueHeadCount > 0 ? headCount / keyValueHeadCount : 0 }

    /// Largest size accepted for any dimension or count (keeps every derived product far from
    /// overflow).
    public static let maximumSize = Int(Int32.max)

    /// Throws a `ModelFileError` naming `path` when the configuration is not a usable model:
    /// an unsupported family, a non-positive or absurd size, heads that do not divide, an odd
    /// head dimension, a non-positive base, epsilon or scaling factor, or unusable layer options.
    public func validate(path: String) throws {
        func failure(_ reason: String) -> ModelFileError { ModelFileError(path: path, reason: reason) }
        guard ModelFamily.named(architecture) != nil else {
            throw failure("architecture \"\(architecture)\" is not supported (supported: \(ModelFamily.supported.map(\.name).joined(separator: ", ")))")
        }
        try validateOptions(failure: failure)
        let sizes: [(String, Int)] = [
            ("layer count", layerCount), ("hidden size", hiddenSize), ("intermediate size", intermediateSize),
            ("attention head count", headCount), ("key/value head count", keyValueHeadCount),
            ("head dimension", headDimension), ("rotary dimension", rotaryDimension),
            ("vocabulary size", vocabularySize), ("context length", contextLength),
        ]
        for (name, value) in sizes {
            guard value > 0 else { throw failure("\(name) is \(value); it must be positive") }
            guard value <= LlamaConfiguration.maximumSize else { throw failure("\(name) \(value) is absurdly large") }
        }
        guard headCount % keyValueHeadCount == 0 else {
            throw failure("\(headCount) attention heads are not a multiple of \(keyValueHeadCount) key/value heads")
        }
        guard headDimension % 2 == 0 else { throw failure("head dimension \(headDimension) is odd; rotary embedding needs pairs") }
        guard rotaryDimension % 2 == 0, rotaryDimension <= headDimension else {
            throw failure("rotary dimension \(rotaryDimension) must be even and at most the head dimension \(headDimension)")
        }
        guard ropeBase.isFinite, ropeBase > 1 else { throw failure("rope base \(ropeBase) must be a finite number above 1") }
        guard rmsNormEpsilon.isFinite, rmsNormEpsilon > 0, rmsNormEpsilon < 1 else {
            throw failure("RMSNorm epsilon \(rmsNormEpsilon) must be between 0 and 1")
        }
        if let scaling = ropeScaling {
            guard scaling.factor.isFinite, scaling.factor > 0 else {
                throw failure("rope scaling factor \(scaling.factor) must be a positive number")
            }
            if let original = scaling.originalContextLength {
                guard original > 0, original <= LlamaConfiguration.maximumSize else {
                    throw failure("rope scaling original context length \(original) must be positive")
                }
            }
        }
    }

    private func validateOptions(failure: (String) -> ModelFileError) throws {
        let o = options
        for (name, cap) in [("attention soft-cap", o.attentionSoftCap), ("final logit soft-cap", o.finalLogitSoftCap)] {
            guard cap.isFinite, cap >= 0 else { throw failure("\(name) \(cap) must be a non-negative number") }
        }
        if let scale = o.queryScale, !(scale.isFinite && scale > 0) {
            throw failure("query scale \(scale) must be a positive number")
        }
        if let base = o.localRopeBase, !(base.isFinite && base > 1) {
            throw failure("local rope base \(base) must be a finite number above 1")
        }
        guard o.layerAttention.isEmpty || o.layerAttention.count == layerCount else {
            throw failure("\(o.layerAttention.count) layer attention kinds for \(layerCount) layers")
        }
        for attention in o.layerAttention where attention.slidingWindow < 0 || attention.slidingWindow > LlamaConfiguration.maximumSize {
            throw failure("sliding window \(attention.slidingWindow) must be between 0 and \(LlamaConfiguration.maximumSize)")
        }
    }
}
