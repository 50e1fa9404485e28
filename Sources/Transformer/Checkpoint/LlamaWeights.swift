import Tensor
import ModelFiles

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
    /// Query, key and value biases (Qwen2), or nil.
    public let queryKeyValueBias: (query: [Float], key: [Float], value: [Float])?
    /// Per-head query and key RMSNorm weights (`headDimension` each; Qwen3, Gemma 3), or nil.
    public let queryKeyNorm: (query: [Float], key: [Float])?
    /// RMSNorm weights of the attention and feed-forward outputs (Gemma 2/3), or nil.
    public let blockOutputNorms: (attention: [Float], feedForward: [Float])?

    /// Creates a block's weights from its parts.
    public init(attentionNorm: [Float], query: WeightMatrix, key: WeightMatrix, value: WeightMatrix, output: WeightMatrix,
                feedForwardNorm: [Float], gate: WeightMatrix, up: WeightMatrix, down: WeightMatrix,
                queryKeyValueBias: (query: [Float], key: [Float], value: [Float])? = nil,
                queryKeyNorm: (query: [Float], key: [Float])? = nil,
                blockOutputNorms: (attention: [Float], feedForward: [Float])? = nil) {
        self.attentionNorm = attentionNorm
        self.query = query
        self.key = key
        self.value = value
        self.output = output
        self.feedForwardNorm = feedForwardNorm
        self.gate = gate
        self.up = up
        self.down = down
        self.queryKeyValueBias = queryKeyValueBias
        self.queryKeyNorm = queryKeyNorm
        self.blockOutputNorms = blockOutputNorms
    }
}

/// Every weight of a decoder, checked against its configuration. Matrices stay in the
/// memory-mapped file in their stored element type (fused matrices are viewed as row ranges);
/// only norm and bias vectors are converted, norms to the `1 + w` form where the family stores
/// offsets.
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

    /// Loads the weights of a GGUF file (names `token_embd.weight`, `blk.N.attn_q.weight`, ...,
    /// as the configuration's family spells them).
    public init(gguf file: GGUFFile, configuration: LlamaConfiguration) throws {
        let family = configuration.family
        try self.init(configuration: configuration, location: file.path, naming: { $0.ggufName(family) }) { name in
            file.hasTensor(named: name) ? (try file.tensor(named: name), file.path) : nil
        }
    }

    /// Loads the weights of a Hugging Face checkpoint (names `model.embed_tokens.weight`,
    /// `model.layers.N.self_attn.q_proj.weight`, ...). `lm_head.weight` is read only when the
    /// configuration does not tie the embeddings.
    public init(huggingFace shards: SafetensorsShards, configuration: LlamaConfiguration) throws {
        let family = configuration.family
        try self.init(configuration: configuration, location: shards.location, naming: { $0.huggingFaceName(family) }) { name in
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
        func matrix(_ name: LlamaTensorName, rows: Range<Int>? = nil) throws -> WeightMatrix {
            let (tensor, path) = try load(name)
            do { return try WeightMatrix(rows.map { try tensor.slice(0, $0) } ?? tensor) } catch let error as TensorError {
                throw ModelFileError(path: path, reason: "tensor \"\(naming(name))\": \(ModelFileError.reason(of: error))")
            }
        }
        func vector(_ name: LlamaTensorName, offset: Float = 0) throws -> [Float] {
            let (tensor, path) = try load(name)
            let values: [Float]
            do { values = try tensor.floatValues() } catch let error as TensorError {
                throw ModelFileError(path: path, reason: "tensor \"\(naming(name))\": \(ModelFileError.reason(of: error))")
            }
            guard values.allSatisfy(\.isFinite) else {
                throw ModelFileError(path: path, reason: "tensor \"\(naming(name))\" holds non-finite values")
            }
            return offset == 0 ? values : values.map { $0 + offset }
        }
        let options = configuration.options
        let normOffset: Float = options.normWeightsAreOffsets ? 1 : 0
        func norm(_ name: LlamaTensorName) throws -> [Float] { try vector(name, offset: normOffset) }

        let embedding = try matrix(.tokenEmbedding)
        var layers: [LlamaLayerWeights] = []
        let q = configuration.queryWidth, kv = configuration.keyValueWidth, ff = configuration.intermediateSize
        for layer in 0..<configuration.layerCount {
            let attentionNorm = try norm(.attentionNorm(layer: layer))
            let query, key, value, gate, up: WeightMatrix
            if options.fusedQueryKeyValue {
                query = try matrix(.queryKeyValue(layer: layer), rows: 0..<q)
                key = try matrix(.queryKeyValue(layer: layer), rows: q..<(q + kv))
                value = try matrix(.queryKeyValue(layer: layer), rows: (q + kv)..<(q + 2 * kv))
            } else {
                query = try matrix(.query(layer: layer))
                key = try matrix(.key(layer: layer))
                value = try matrix(.value(layer: layer))
            }
            if options.fusedGateUp {
                gate = try matrix(.gateUp(layer: layer), rows: 0..<ff)
                up = try matrix(.gateUp(layer: layer), rows: ff..<(2 * ff))
            } else {
                gate = try matrix(.gate(layer: layer))
                up = try matrix(.up(layer: layer))
            }
            layers.append(LlamaLayerWeights(
                attentionNorm: attentionNorm,
                query: query, key: key, value: value, output: try matrix(.attentionOutput(layer: layer)),
                feedForwardNorm: try norm(.feedForwardNorm(layer: layer)),
                gate: gate, up: up, down: try matrix(.down(layer: layer)),
                queryKeyValueBias: options.queryKeyValueBias
                    ? (try vector(.queryBias(layer: layer)), try vector(.keyBias(layer: layer)), try vector(.valueBias(layer: layer)))
                    : nil,
                queryKeyNorm: options.queryKeyNorm ? (try norm(.queryNorm(layer: layer)), try norm(.keyNorm(layer: layer))) : nil,
                blockOutputNorms: options.normalizesBlockOutputs
                    ? (try norm(.postAttentionNorm(layer: layer)), try norm(.postFeedForwardNorm(layer: layer)))
                    : nil))
        }
        let finalNorm = try norm(.finalNorm)
        let head = configuration.tiedEmbeddings ? embedding : try matrix(.outputHead)
        self.init(tokenEmbedding: embedding, layers: layers, finalNorm: finalNorm, outputHead: head)
    }
}
