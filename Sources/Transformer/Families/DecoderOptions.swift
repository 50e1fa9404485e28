/// The layer options of a decoder beyond plain LLaMA: which optional pieces each block has and
/// how attention and the output head behave. A family gives the defaults; a checkpoint's
/// configuration fills in the numbers (window, soft-caps, query scale).
public struct DecoderOptions: Sendable, Equatable {
    /// The feed-forward gate's activation.
    public enum Activation: String, Sendable, Equatable {
        /// SwiGLU: `silu(gate) · up` (LLaMA, Mistral, Qwen, Phi-3).
        case silu
        /// GeGLU with the tanh approximation of GELU: `gelu_tanh(gate) · up` (Gemma).
        case geluTanh = "gelu_tanh"
    }

    /// Query, key and value projections have biases (Qwen2).
    public var queryKeyValueBias = false
    /// Each query and key head is RMS-normalised before rotary embedding (Qwen3, Gemma 3).
    public var queryKeyNorm = false
    /// Norm weights are stored as offsets from 1 and used as `1 + w` (Gemma in Hugging Face
    /// files; GGUF files store `1 + w` already). Applied once when the weights are loaded.
    public var normWeightsAreOffsets = false
    /// Token embeddings are multiplied by `sqrt(hiddenSize)` (Gemma).
    public var scalesEmbedding = false
    /// The feed-forward activation.
    public var activation = Activation.silu
    /// The attention output and the feed-forward output are RMS-normalised before they join the
    /// residual stream (Gemma 2 and 3: post-attention and post-feed-forward norms).
    public var normalizesBlockOutputs = false
    /// Query, key and value projections are one fused matrix (Phi-3 `qkv_proj`).
    public var fusedQueryKeyValue = false
    /// Gate and up projections are one fused matrix, gate rows first (Phi-3 `gate_up_proj`).
    public var fusedGateUp = false
    /// Attention logits become `cap · tanh(logit / cap)` (Gemma 2); 0 for none.
    public var attentionSoftCap: Float = 0
    /// Output logits become `cap · tanh(logit / cap)` (Gemma 2); 0 for none.
    public var finalLogitSoftCap: Float = 0
    /// Factor on query·key logits; nil for `1 / sqrt(headDimension)` (Gemma 2/3 use
    /// `1 / sqrt(query_pre_attn_scalar)`).
    public var queryScale: Float?
    /// Attention of each layer, first to last; empty when every layer is global without a window.
    public var layerAttention: [LayerAttention] = []
    /// RoPE base of local layers when it differs from the global one (Gemma 3); nil: the same.
    public var localRopeBase: Double?

    /// Creates the options of a plain LLaMA block; set the fields that differ.
    public init() {}

    /// The attention of layer `layer` (global without a window when the options give none).
    public func attention(layer: Int) -> LayerAttention {
        layer < layerAttention.count ? layerAttention[layer] : .global
    }

    /// Whether any layer is local (runs as trained under every extrapolation method).
    public var hasLocalLayers: Bool { layerAttention.contains { $0.isLocal } }

    /// The options that differ from plain LLaMA, one short phrase each (for `gali info`).
    public var summary: [String] {
        var parts: [String] = []
        if queryKeyValueBias { parts.append("q/k/v biases") }
        if queryKeyNorm { parts.append("per-head q/k RMSNorm") }
        if normWeightsAreOffsets { parts.append("norm weights stored as offsets (1 + w)") }
        if scalesEmbedding { parts.append("embeddings × √hidden") }
        if activation != .silu { parts.append("activation \(activation.rawValue)") }
        if normalizesBlockOutputs { parts.append("post-attention and post-feed-forward norms") }
        if fusedQueryKeyValue { parts.append("fused qkv") }
        if fusedGateUp { parts.append("fused gate/up") }
        if attentionSoftCap > 0 { parts.append("attention soft-cap \(attentionSoftCap)") }
        if finalLogitSoftCap > 0 { parts.append("final logit soft-cap \(finalLogitSoftCap)") }
        if let queryScale { parts.append("query scale \(queryScale)") }
        let windowed = layerAttention.filter { $0.slidingWindow > 0 }
        if let window = windowed.first?.slidingWindow {
            let local = layerAttention.filter(\.isLocal).count
            parts.append("sliding window \(window) on \(windowed.count) of \(layerAttention.count) layers"
                         + (local > 0 ? " (\(local) local)" : ""))
        }
        if let localRopeBase { parts.append("local rope base \(localRopeBase)") }
        return parts
    }
}

/// How one layer attends.
public struct LayerAttention: Sendable, Equatable {
    /// Keys visible to a query at sequence index `i`: those at `j` with `i - j < slidingWindow`;
    /// 0 for every earlier key.
    public var slidingWindow: Int
    /// A local layer runs as trained (its own RoPE base, plain positions) whatever extrapolation
    /// method the global layers use. Mistral's windowed layers are not local: the method applies.
    public var isLocal: Bool

    /// Creates a layer's attention description.
    public init(slidingWindow: Int, isLocal: Bool) {
        self.slidingWindow = slidingWindow
        self.isLocal = isLocal
    }

    /// Full causal attention.
    public static let global = LayerAttention(slidingWindow: 0, isLocal: false)
}
