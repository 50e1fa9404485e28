import Foundation
import Tensor
import Transformer
import Tokenizers

/// A model loaded with a length-extrapolation method, ready to make sessions.
public struct LoadedModel {
    /// The decoder.
    public let model: LlamaModel
    /// The checkpoint it came from.
    public let checkpoint: ModelCheckpoint
    /// The checkpoint's tokenizer.
    public let tokenizer: Tokenizer
    /// The method (also the sessions' positioning scheme).
    public let method: any PositionalExtrapolation
    /// The original window W the method was built for.
    public var originalWindow: Int { method.originalWindow }

    /// Bytes the key/value cache needs for `tokens` tokens with this method and the model's cache type.
    public func cacheBytes(tokens: Int) -> Int {
        let c = model.configuration
        let context = model.positioningContext
        let copies = 1 + method.cachedKeySlotCount(context: context)
        // Local (sliding-window) layers run as trained: values and one key rotation.
        let localLayers = (0..<c.layerCount).filter { c.options.attention(layer: $0).isLocal }.count
        let layerCopies = (c.layerCount - localLayers) * copies + localLayers * 2
        let vector = c.keyValueHeadCount * c.headDimension
        // values and key rotations in the cache's element type; unrotated keys (f32 caches only) as Float32
        let unrotated = method.storesUnrotatedKeys(context: context, cacheType: model.cacheType) ? c.layerCount - localLayers : 0
        return model.cacheType.byteCount(elements: tokens * layerCopies * vector) + tokens * unrotated * vector * MemoryLayout<Float>.size
    }

    /// Throws when `tokens` tokens exceed the method's length limit or would need a cache larger
    /// than 80% of this machine's memory.
    public func checkFits(tokens: Int) throws {
        try method.validate(targetLength: tokens)
        let needed = cacheBytes(tokens: tokens)
        let available = Int(ProcessInfo.processInfo.physicalMemory)
        if needed > available / 10 * 8 {
            throw InferenceError.invalidArgument(String(format: "%d tokens need %.1f GB of key/value cache; this machine has %.1f GB",
                                                        tokens, Double(needed) / 1e9, Double(available) / 1e9))
        }
    }

    /// A new sequence using the method. `reserving` pre-sizes the cache for that many tokens.
    public func makeSession(reserving tokens: Int = 0, batchSize: Int = 512) throws -> InferenceSession {
        let session = try model.makeSession(positioning: method, batchSize: batchSize)
        if tokens > 0 { session.reserve(tokens) }
        return session
    }
}

/// Loads a model and binds a method to it, mirroring the reference's
/// `get_model_and_tokenizer(model, cfg, method, params, max_position_embeddings)`:
/// ```swift
/// let loaded = try ModelFactory.make(method: .selfExtend(groupSize: 4, windowSize: 1024),
///                                    maxPositionEmbeddings: 4096, model: "/models/llama.gguf")
/// ```
public enum ModelFactory {
    /// Loads the model at `model` (a GGUF file or a Hugging Face directory; default: the fetched
    /// SmolLM2, see `DefaultModel`) and builds `method` for original window
    /// `maxPositionEmbeddings` (default: the model's own context length). A spec made in code
    /// carries its type; one given by name is resolved in `registry` (applications pass
    /// `MethodRegistry.standard`). Nil cache type and attention products take the precision's defaults.
    public static func make(method: MethodSpec = .original, maxPositionEmbeddings: Int? = nil, model: String? = nil,
                            threads: Int? = nil, precision: Precision = .fast, cacheType: CacheElementType? = nil,
                            attentionProducts: AttentionProducts? = nil,
                            registry: MethodRegistry = .builtIn) throws -> LoadedModel {
        // Check the name and parameters first so that mistakes fail before the model loads.
        _ = try MethodParameters(method.parameters, for: registry.type(of: method).descriptor)
        let checkpoint = try ModelCheckpoint.open(path: try DefaultModel.resolve(model))
        let tokenizer = try checkpoint.validateForInference()
        let window = maxPositionEmbeddings ?? checkpoint.configuration.contextLength
        let built = try registry.make(method, originalWindow: window)
        let model = try LlamaModel(checkpoint: checkpoint, threadCount: threads, precision: precision, cacheType: cacheType,
                                   attentionProducts: attentionProducts)
        return LoadedModel(model: model, checkpoint: checkpoint, tokenizer: tokenizer, method: built)
    }

    /// Like `make(method:...)` with the method given by name (or alias) and string-keyed
    /// parameters, as config files and command lines give them.
    public static func make(methodName: String, parameters: [String: ParameterValue] = [:], maxPositionEmbeddings: Int? = nil,
                            model: String? = nil, threads: Int? = nil, precision: Precision = .fast,
                            registry: MethodRegistry = .builtIn) throws -> LoadedModel {
        try make(method: MethodSpec(name: methodName, parameters: parameters), maxPositionEmbeddings: maxPositionEmbeddings,
                 model: model, threads: threads, precision: precision, registry: registry)
    }
}
