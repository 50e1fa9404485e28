import Tensor

/// The weights of one decoder block. Matrices view the model file; norms are Float32 copies.
public struct LlamaLayerWeights: @unchecked Sendable {
    /// RMSNorm weight before attention (`hiddenSize`).
    public let attentionNorm: [Float]
    /// Query projection, `queryWidth × hiddenSize`.
    public let query: WeightMatrix
    /// Key projection, `keyValueWidth × hiddenSize`.
    public let key: WeightMatrix
    /// Value projection, `keyValueWidth × hiddenSize`.
    public let value: WeightMatrix
    /// Attention output projection, `hiddenSize × queryWidth`.
    public let output: WeightMatrix
    /// RMSNorm weight before the feed-forward block (`hiddenSize`).
    public let feedForwardNorm: [Float]
    /// SwiGLU gate projection, `intermediateSize × hiddenSize`.
    public let gate: WeightMatrix
    /// SwiGLU up projection, `intermediateSize × hiddenSize`.
    public let up: WeightMatrix
    /// Feed-forward down projection, `hiddenSize × intermediateSize`.
    public let down: WeightMatrix

    /// Creates a block's weights from its parts.
    public init(attentionNorm: [Float], query: WeightMatrix, key: WeightMatrix, value: WeightMatrix, output: WeightMatrix,
                feedForwardNorm: [Float], gate: WeightMatrix, up: WeightMatrix, down: WeightMatrix) {
        self.attentionNorm = attentionNorm
        self.query = query
        self.key = key
        self.value = value
        self.output = output
        self.feedForwardNorm = feedForwardNorm
        self.gate = gate
        self.up = up
        self.down = down
    }
}

/// Every weight of a LLaMA model, checked against its configuration. Matrices stay in the
/// memory-mapped file in their stored element type; only the norm vectors are converted.
public struct LlamaWeights: @unchecked Sendable {
    /// Token embedding, `vocabularySize × hiddenSize` (row t is token t's vector).
    public let tokenEmbedding: WeightMatrix
    /// Decoder blocks, first to last.
    public let layers: [LlamaLayerWeights]
    /// RMSNorm weight after the last block (`hiddenSize`).
    public let finalNorm: [Float]
    /// Output projection to logits, `vocabularySize × hiddenSize` (the embedding when tied).
    public let outputHead: WeightMatrix

    /// Creates the weights from their parts.
    public init(tokenEmbedding: WeightMatrix, layers: [LlamaLayerWeights], finalNorm: [Float], outputHead: WeightMatrix) {
        self.tokenEmbedding = tokenEmbedding
        self.layers = layers
        self.finalNorm = finalNorm
        self.outputHead = outputHead
    }

    /// Loads the weights of a GGUF file (names `token_embd.weight`, `blk.N.attn_q.weight`, ...).
    public init(gguf file: GGUFFile, configuration: LlamaConfiguration) throws {
        try self.init(configuration: configuration, location: file.path, naming: \.ggufName) { name in
            file.hasTensor(named: name) ? (try file.tensor(named: name), file.path) : nil
        }
    }

    /// Loads the weights of a Hugging Face checkpoint (names `model.embed_tokens.weight`,
    /// `model.layers.N.self_attn.q_proj.weight`, ...). `lm_head.weight` is read only when the
    /// configuration does not tie the embeddings.
    public init(huggingFace shards: SafetensorsShards, configuration: LlamaConfiguration) throws {
        try self.init(configuration: configuration, location: shards.location, naming: \.huggingFaceName) { name in
            guard let file = shards.file(holding: name) else { return nil }
            return (try file.tensor(named: name), file.path)
        }
    }

    /// Shared loader: `lookup` returns the tensor stored under a name and the file holding it,
    /// or nil when the source has no such tensor.
    private init(configuration: LlamaConfiguration, location: String, naming: (LlamaTensorName) -> String,
                 lookup: (String) throws -> (Tensor, String)?) throws {
        func load(_ name: LlamaTensorName) throws -> (tensor: Tensor, path: String) {
            let stored = naming(name)
            guard let (tensor, path) = try lookup(stored) else {
                throw ModelFileError(path: location, reason: "has no tensor \"\(stored)\"")
            }
            let expected = name.expectedShape(configuration)
            guard tensor.shape == expected else {
                throw ModelFileError(path: path, reason: "tensor \"\(stored)\" has shape \(tensor.shape), expected \(expected)")
            }
            return (tensor, path)
        }
        func matrix(_ name: LlamaTensorName) throws -> WeightMatrix {
            let (tensor, path) = try load(name)
            do { return try WeightMatrix(tensor) } catch let error as TensorError {
                throw ModelFileError(path: path, reason: "tensor \"\(naming(name))\": \(ModelFileError.reason(of: error))")
            }
        }
        func vector(_ name: LlamaTensorName) throws -> [Float] {
            let (tensor, path) = try load(name)
            let values: [Float]
            do { values = try tensor.floatValues() } catch let error as TensorError {
                throw ModelFileError(path: path, reason: "tensor \"\(naming(name))\": \(ModelFileError.reason(of: error))")
            }
            guard values.allSatisfy(\.isFinite) else {
                throw ModelFileError(path: path, reason: "tensor \"\(naming(name))\" holds non-finite values")
            }
            return values
        }

        let embedding = try matrix(.tokenEmbedding)
        var layers: [LlamaLayerWeights] = []
        for layer in 0..<configuration.layerCount {
            layers.append(LlamaLayerWeights(
                attentionNorm: try vector(.attentionNorm(layer: layer)),
                query: try matrix(.query(layer: layer)), key: try matrix(.key(layer: layer)),
                value: try matrix(.value(layer: layer)), output: try matrix(.attentionOutput(layer: layer)),
                feedForwardNorm: try vector(.feedForwardNorm(layer: layer)),
                gate: try matrix(.gate(layer: layer)), up: try matrix(.up(layer: layer)), down: try matrix(.down(layer: layer))))
        }
        let finalNorm = try vector(.finalNorm)
        let head = configuration.tiedEmbeddings ? embedding : try matrix(.outputHead)
        self.init(tokenEmbedding: embedding, layers: layers, finalNorm: finalNorm, outputHead: head)
    }
}
