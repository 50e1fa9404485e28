import Foundation
import Tensor

/// A loaded LLaMA-architecture decoder: configuration, memory-mapped weights, the thread pool
/// that runs it and the precision of its linear layers. Sessions (`makeSession`) hold the
/// per-sequence state; forward passes of all sessions of one model run one at a time.
public final class LlamaModel: @unchecked Sendable {
    /// Hyper-parameters.
    public let configuration: LlamaConfiguration
    /// Weights (memory-mapped where the file allows).
    public let weights: LlamaWeights
    /// Threads that run the kernels.
    public let pool: ThreadPool
    /// Precision of the linear layers.
    public let precision: Precision
    /// Element type of the sessions' key/value caches.
    public let cacheType: CacheElementType
    /// Arithmetic of the attention products.
    public let attentionProducts: AttentionProducts
    /// What positioning schemes learn about this model.
    public let positioningContext: PositioningContext

    let forwardLock = NSLock()
    let linear: LinearKernel

    /// Wraps a checkpoint for inference with `threadCount` threads (default: active cores). The
    /// cache type defaults to `CacheElementType.standard(for: precision)`, the attention products
    /// to `AttentionProducts.standard(for: precision)`.
    public init(checkpoint: ModelCheckpoint, threadCount: Int? = nil, precision: Precision = .fast,
                cacheType: CacheElementType? = nil, attentionProducts: AttentionProducts? = nil) throws {
        self.configuration = checkpoint.configuration
        self.positioningContext = try checkpoint.positioningContext()
        self.weights = checkpoint.weights
        self.pool = try ThreadPool(threadCount: threadCount ?? ThreadPool.activeProcessorCount)
        self.precision = precision
        self.cacheType = cacheType ?? .standard(for: precision)
        self.attentionProducts = attentionProducts ?? .standard(for: precision)
        self.linear = LinearKernel(pool: pool, precision: precision)
    }

    /// A new, empty sequence using `positioning` (the unmodified model by default), computing
    /// at most `batchSize` tokens per forward batch.
    public func makeSession(positioning: any AttentionPositioning = StandardPositioning(), batchSize: Int = 512) throws -> InferenceSession {
        try InferenceSession(model: self, positioning: positioning, batchSize: batchSize)
    }
}
