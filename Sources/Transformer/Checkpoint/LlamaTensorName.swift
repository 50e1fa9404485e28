/// The weights of a LLaMA model under one internal naming, with the names each file format
/// uses for them.
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
    /// Attention output projection of block `layer`.
    case attentionOutput(layer: Int)
    /// RMSNorm weight before the feed-forward network in block `layer`.
    case feedForwardNorm(layer: Int)
    /// Feed-forward gate projection of block `layer`.
    case gate(layer: Int)
    /// Feed-forward up projection of block `layer`.
    case up(layer: Int)
    /// Feed-forward down projection of block `layer`.
    case down(layer: Int)
    /// RMSNorm weight after the last block.
    case finalNorm
    /// Projection to vocabulary logits (absent when tied to the embedding).
    case outputHead

    /// Every tensor of a model with `layerCount` layers, embedding first and head last.
    public static func all(layerCount: Int) -> [LlamaTensorName] {
        var names: [LlamaTensorName] = [.tokenEmbedding]
        for layer in 0..<max(layerCount, 0) {
            names += [.attentionNorm(layer: layer), .query(layer: layer), .key(layer: layer), .value(layer: layer),
                      .attentionOutput(layer: layer), .feedForwardNorm(layer: layer), .gate(layer: layer),
                      .up(layer: layer), .down(layer: layer)]
        }
        return names + [.finalNorm, .outputHead]
    }

    /// The name in GGUF files (`blk.3.attn_q.weight`, ...).
    public var ggufName: String {
        switch self {
        case .tokenEmbedding: return "token_embd.weight"
        case .attentionNorm(let layer): return "blk.\(layer).attn_norm.weight"
        case .query(let layer): return "blk.\(layer).attn_q.weight"
        case .key(let layer): return "blk.\(layer).attn_k.weight"
        case .value(let layer): return "blk.\(layer).attn_v.weight"
        case .attentionOutput(let layer): return "blk.\(layer).attn_output.weight"
        case .feedForwardNorm(let layer): return "blk.\(layer).ffn_norm.weight"
        case .gate(let layer): return "blk.\(layer).ffn_gate.weight"
        case .up(let layer): return "blk.\(layer).ffn_up.weight"
        case .down(let layer): return "blk.\(layer).ffn_down.weight"
        case .finalNorm: return "output_norm.weight"
        case .outputHead: return "output.weight"
        }
    }

    /// The name in Hugging Face checkpoints (`model.layers.3.self_attn.q_proj.weight`, ...).
    public var huggingFaceName: String {
        switch self {
        case .tokenEmbedding: return "model.embed_tokens.weight"
        case .attentionNorm(let layer): return "model.layers.\(layer).input_layernorm.weight"
        case .query(let layer): return "model.layers.\(layer).self_attn.q_proj.weight"
        case .key(let layer): return "model.layers.\(layer).self_attn.k_proj.weight"
        case .value(let layer): return "model.layers.\(layer).self_attn.v_proj.weight"
        case .attentionOutput(let layer): return "model.layers.\(layer).self_attn.o_proj.weight"
        case .feedForwardNorm(let layer): return "model.layers.\(layer).post_attention_layernorm.weight"
        case .gate(let layer): return "model.layers.\(layer).mlp.gate_proj.weight"
        case .up(let layer): return "model.layers.\(layer).mlp.up_proj.weight"
        case .down(let layer): return "model.layers.\(layer).mlp.down_proj.weight"
        case .finalNorm: return "model.norm.weight"
        case .outputHead: return "lm_head.weight"
        }
    }

    /// The shape `configuration` requires, outermost first (`[output features, input features]`
    /// for matrices).
    public func expectedShape(_ configuration: LlamaConfiguration) -> [Int] {
        let c = configuration
        switch self {
        case .tokenEmbedding, .outputHead: return [c.vocabularySize, c.hiddenSize]
        case .attentionNorm, .feedForwardNorm, .finalNorm: return [c.hiddenSize]
        case .query: return [c.queryWidth, c.hiddenSize]
        case .key, .value: return [c.keyValueWidth, c.hiddenSize]
        case .attentionOutput: return [c.hiddenSize, c.queryWidth]
        case .gate, .up: return [c.intermediateSize, c.hiddenSize]
        case .down: return [c.hiddenSize, c.intermediateSize]
        }
    }

    public var description: String { huggingFaceName }
}
