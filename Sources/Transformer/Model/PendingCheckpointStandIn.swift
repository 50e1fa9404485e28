// TEMPORARY stand-in for the model-file branch's types; deleted when that branch merges.
import Tensor

public struct RopeScalingConfiguration: Sendable, Equatable {
    public var type: String
    public var factor: Double
}

public struct LlamaConfiguration: Sendable, Equatable {
    public var architecture = "llama"
    public var layerCount: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var headCount: Int
    public var keyValueHeadCount: Int
    public var headDimension: Int
    public var rotaryDimension: Int
    public var vocabularySize: Int
    public var contextLength: Int
    public var ropeBase: Double
    public var rmsNormEpsilon: Float
    public var ropeScaling: RopeScalingConfiguration?
    public var rotaryConvention: RotaryConvention
    public var tiedEmbeddings: Bool
}

public struct LlamaLayerWeights {
    public var attentionNorm: [Float]
    public var query, key, value, output: WeightMatrix
    public var feedForwardNorm: [Float]
    public var gate, up, down: WeightMatrix
}

public struct LlamaWeights {
    public var tokenEmbedding: WeightMatrix
    public var layers: [LlamaLayerWeights]
    public var finalNorm: [Float]
    public var outputHead: WeightMatrix
}

public final class ModelCheckpoint {
    public let configuration: LlamaConfiguration
    public let weights: LlamaWeights
    public let gguf: GGUFFile

    public static func open(path: String) throws -> ModelCheckpoint { try ModelCheckpoint(path: path) }

    init(path: String) throws {
        let file = try GGUFFile(path: path)
        gguf = file
        func int(_ key: String) -> Int { file.metadata[key]?.intValue ?? 0 }
        configuration = LlamaConfiguration(
            layerCount: int("llama.block_count"), hiddenSize: int("llama.embedding_length"),
            intermediateSize: int("llama.feed_forward_length"), headCount: int("llama.attention.head_count"),
            keyValueHeadCount: int("llama.attention.head_count_kv"),
            headDimension: int("llama.embedding_length") / int("llama.attention.head_count"),
            rotaryDimension: int("llama.rope.dimension_count"), vocabularySize: int("llama.vocab_size"),
            contextLength: int("llama.context_length"), ropeBase: file.metadata["llama.rope.freq_base"]?.doubleValue ?? 10000,
            rmsNormEpsilon: Float(file.metadata["llama.attention.layer_norm_rms_epsilon"]?.doubleValue ?? 1e-5),
            ropeScaling: nil, rotaryConvention: .adjacentPairs, tiedEmbeddings: !file.hasTensor(named: "output.weight"))
        func matrix(_ name: String) throws -> WeightMatrix { try WeightMatrix(file.tensor(named: name)) }
        func vector(_ name: String) throws -> [Float] { try file.tensor(named: name).floatValues() }
        var layers: [LlamaLayerWeights] = []
        for index in 0..<configuration.layerCount {
            let p = "blk.\(index)."
            layers.append(LlamaLayerWeights(
                attentionNorm: try vector(p + "attn_norm.weight"), query: try matrix(p + "attn_q.weight"),
                key: try matrix(p + "attn_k.weight"), value: try matrix(p + "attn_v.weight"),
                output: try matrix(p + "attn_output.weight"), feedForwardNorm: try vector(p + "ffn_norm.weight"),
                gate: try matrix(p + "ffn_gate.weight"), up: try matrix(p + "ffn_up.weight"), down: try matrix(p + "ffn_down.weight")))
        }
        let embedding = try matrix("token_embd.weight")
        weights = LlamaWeights(tokenEmbedding: embedding, layers: layers, finalNorm: try vector("output_norm.weight"),
                               outputHead: configuration.tiedEmbeddings ? embedding : try matrix("output.weight"))
    }
}
