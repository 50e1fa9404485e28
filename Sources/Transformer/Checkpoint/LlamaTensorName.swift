import Foundation

/// The weights of a decoder under one internal naming, with the names each file format uses
/// for them (LLaMA's by default; a `ModelFamily` overrides the names that differ).
public enum LlamaTensorName: Hashable, Sendable, CustomStringConvertible {
    /// Token embedding, `vocabularySize × hiddenSize`.
    case tokenEmbedding
    /// RMSNorm weight before attention in block `layer`.
    case attentionNorm(layer: Int)
    /// Query projection of block `layer`.
    case query(layer: Int)
    /// Key projection of block `layer`.
    case key(layer: Int)
    /// Value projection of block `layer`.
    case value(layer: Int)
    /// Query bias of block `layer` (Qwen2).
    case queryBias(layer: Int)
    /// Key bias of block `layer` (Qwen2).
    case keyBias(layer: Int)
    /// Value bias of block `layer` (Qwen2).
    case valueBias(layer: Int)
    /// Fused query, key and value projection of block `layer` (Phi-3), rows in that order.
    case queryKeyValue(layer: Int)
    /// Per-head RMSNorm weight of queries (Qwen3, Gemma 3).
    case queryNorm(layer: Int)
    /// Per-head RMSNorm weight of keys (Qwen3, Gemma 3).
    case keyNorm(layer: Int)
    /// Attention output projection of block `layer`.
    case attentionOutput(layer: Int)
    /// RMSNorm weight of the attention output before the residual add (Gemma 2/3).
    case postAttentionNorm(layer: Int)
    /// RMSNorm weight before the feed-forward network in block `layer`.
    case feedForwardNorm(layer: Int)
    /// Feed-forward gate projection of block `layer`.
    case gate(layer: Int)
    /// Feed-forward up projection of block `layer`.
    case up(layer: Int)
    /// Fused gate and up projection of block `layer` (Phi-3), gate rows first.
    case gateUp(layer: Int)
    /// Feed-forward down projection of block `layer`.
    case down(layer: Int)
    /// RMSNorm weight of the feed-forward output before the residual add (Gemma 2/3).
    case postFeedForwardNorm(layer: Int)
    /// RMSNorm weight after the last block.
    case finalNorm
    /// Projection to vocabulary logits (absent when tied to the embedding).
    case outputHead

    /// A tensor's role without its layer, the key of a family's name table.
    public enum Kind: Hashable, Sendable {
        case tokenEmbedding, attentionNorm, query, key, value, queryBias, keyBias, valueBias, queryKeyValue, queryNorm,
             keyNorm, attentionOutput, postAttentionNorm, feedForwardNorm, gate, up, gateUp, down, postFeedForwardNorm,
             finalNorm, outputHead
    }

    /// The role and layer (nil outside the blocks).
    public var parts: (kind: Kind, layer: Int?) {
        switch self {
        case .tokenEmbedding: return (.tokenEmbedding, nil)
        case .attentionNorm(let l): return (.attentionNorm, l)
        case .query(let l): return (.query, l)
        case .key(let l): return (.key, l)
        case .value(let l): return (.value, l)
        case .queryBias(let l): return (.queryBias, l)
        case .keyBias(let l): return (.keyBias, l)
        case .valueBias(let l): return (.valueBias, l)
        case .queryKeyValue(let l): return (.queryKeyValue, l)
        case .queryNorm(let l): return (.queryNorm, l)
        case .keyNorm(let l): return (.keyNorm, l)
        case .attentionOutput(let l): return (.attentionOutput, l)
        case .postAttentionNorm(let l): return (.postAttentionNorm, l)
        case .feedForwardNorm(let l): return (.feedForwardNorm, l)
        case .gate(let l): return (.gate, l)
        case .up(let l): return (.up, l)
        case .gateUp(let l): return (.gateUp, l)
        case .down(let l): return (.down, l)
        case .postFeedForwardNorm(let l): return (.postFeedForwardNorm, l)
        case .finalNorm: return (.finalNorm, nil)
        case .outputHead: return (.outputHead, nil)
        }
    }

    /// Every tensor of a plain LLaMA model with `layerCount` layers, embedding first and head last.
    public static func all(layerCount: Int) -> [LlamaTensorName] {
        var names: [LlamaTensorName] = [.tokenEmbedding]
        for layer in 0..<max(layerCount, 0) {
            names += [.attentionNorm(layer: layer), .query(layer: layer), .key(layer: layer), .value(layer: layer),
                      .attentionOutput(layer: layer), .feedForwardNorm(layer: layer), .gate(layer: layer),
                      .up(layer: layer), .down(layer: layer)]
        }
        return names + [.finalNorm, .outputHead]
    }

    /// LLaMA's GGUF names, `%d` standing for the layer.
    static let ggufTemplates: [Kind: String] = [
        .tokenEmbedding: "token_embd.weight", .attentionNorm: "blk.%d.attn_norm.weight",
        .query: "blk.%d.attn_q.weight", .key: "blk.%d.attn_k.weight", .value: "blk.%d.attn_v.weight",
        .queryBias: "blk.%d.attn_q.bias", .keyBias: "blk.%d.attn_k.bias", .valueBias: "blk.%d.attn_v.bias",
        .queryKeyValue: "blk.%d.attn_qkv.weight", .queryNorm: "blk.%d.attn_q_norm.weight",
        .keyNorm: "blk.%d.attn_k_norm.weight", .attentionOutput: "blk.%d.attn_output.weight",
        .postAttentionNorm: "blk.%d.post_attention_norm.weight", .feedForwardNorm: "blk.%d.ffn_norm.weight",
        .gate: "blk.%d.ffn_gate.weight", .up: "blk.%d.ffn_up.weight", .gateUp: "blk.%d.ffn_gate_up.weight",
        .down: "blk.%d.ffn_down.weight", .postFeedForwardNorm: "blk.%d.post_ffw_norm.weight",
        .finalNorm: "output_norm.weight", .outputHead: "output.weight",
    ]

    /// LLaMA's Hugging Face names, `%d` standing for the layer.
    static let huggingFaceTemplates: [Kind: String] = [
        .tokenEmbedding: "model.embed_tokens.weight", .attentionNorm: "model.layers.%d.input_layernorm.weight",
        .query: "model.layers.%d.self_attn.q_proj.weight", .key: "model.layers.%d.self_attn.k_proj.weight",
        .value: "model.layers.%d.self_attn.v_proj.weight", .queryBias: "model.layers.%d.self_attn.q_proj.bias",
        .keyBias: "model.layers.%d.self_attn.k_proj.bias", .valueBias: "model.layers.%d.self_attn.v_proj.bias",
        .queryKeyValue: "model.layers.%d.self_attn.qkv_proj.weight", .queryNorm: "model.layers.%d.self_attn.q_norm.weight",
        .keyNorm: "model.layers.%d.self_attn.k_norm.weight", .attentionOutput: "model.layers.%d.self_attn.o_proj.weight",
        .postAttentionNorm: "model.layers.%d.post_attention_norm.weight",
        .feedForwardNorm: "model.layers.%d.post_attention_layernorm.weight",
        .gate: "model.layers.%d.mlp.gate_proj.weight", .up: "model.layers.%d.mlp.up_proj.weight",
        .gateUp: "model.layers.%d.mlp.gate_up_proj.weight", .down: "model.layers.%d.mlp.down_proj.weight",
        .postFeedForwardNorm: "model.layers.%d.post_feedforward_layernorm.weight",
        .finalNorm: "model.norm.weight", .outputHead: "lm_head.weight",
    ]

    private func name(_ templates: [Kind: String], _ overrides: [Kind: String]) -> String {
        let (kind, layer) = parts
        let template = overrides[kind] ?? templates[kind] ?? ""
        guard let layer else { return template }
        return template.replacingOccurrences(of: "%d", with: String(layer))
    }

    /// The name in GGUF files of `family` (`blk.3.attn_q.weight`, ...).
    public func ggufName(_ family: ModelFamily = .llama) -> String {
        name(LlamaTensorName.ggufTemplates, family.ggufNames)
    }

    /// The name in Hugging Face checkpoints of `family` (`model.layers.3.self_attn.q_proj.weight`, ...).
    public func huggingFaceName(_ family: ModelFamily = .llama) -> String {
        name(LlamaTensorName.huggingFaceTemplates, family.huggingFaceNames)
    }

    /// LLaMA's GGUF name.
    public var ggufName: String { ggufName(.llama) }
    /// LLaMA's Hugging Face name.
    public var huggingFaceName: String { huggingFaceName(.llama) }

    /// The shape `configuration` requires, outermost first (`[output features, input features]`
    /// for matrices).
    public func expectedShape(_ configuration: LlamaConfiguration) -> [Int] {
        let c = configuration
        switch self {
        case .tokenEmbedding, .outputHead: return [c.vocabularySize, c.hiddenSize]
        case .attentionNorm, .feedForwardNorm, .finalNorm, .postAttentionNorm, .postFeedForwardNorm: return [c.hiddenSize]
        case .query: return [c.queryWidth, c.hiddenSize]
        case .key, .value: return [c.keyValueWidth, c.hiddenSize]
        case .queryBias: return [c.queryWidth]
        case .keyBias, .valueBias: return [c.keyValueWidth]
        case .queryKeyValue: return [c.queryWidth + 2 * c.keyValueWidth, c.hiddenSize]
        case .queryNorm, .keyNorm: return [c.headDimension]
        case .attentionOutput: return [c.hiddenSize, c.queryWidth]
        case .gate, .up: return [c.intermediateSize, c.hiddenSize]
        case .gateUp: return [2 * c.intermediateSize, c.hiddenSize]
        case .down: return [c.hiddenSize, c.intermediateSize]
        }
    }

    public var description: String { huggingFaceName }
}
