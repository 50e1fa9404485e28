import Tensor

/// Activation buffers of one session, sized for its largest batch and grown only when a
/// larger one arrives, so steady-state forward passes allocate nothing.
final class DecoderWorkspace {
    let hidden = FloatBuffer()
    let normed = FloatBuffer()
    /// The batch's query projections, then (once every view has rotated them into its own
    /// buffer) the attention output, which takes their place.
    let queries = FloatBuffer()
    let keys = FloatBuffer()
    let values = FloatBuffer()
    let projection = FloatBuffer()
    let gate = FloatBuffer()
    let up = FloatBuffer()
    /// Rows of logits, grown when logits rows are first asked for (scoring needs none).
    let logits = FloatBuffer()
    /// Per view: rotated queries.
    let viewQueries = (0..<AttentionKernel.maximumViews).map { _ in FloatBuffer() }
    /// Positions of the current batch's rows, per view.
    let positions = (0..<AttentionKernel.maximumViews).map { _ in FloatBuffer() }
    /// Noise: row statistics and key sums.
    let noiseRows = FloatBuffer()
    let keySums = FloatBuffer()
    /// Noise: the standard numbers of the last setting used, kept across steps.
    var noiseTable: NoiseTable?
    /// Per-view pointers handed to the attention kernel (reused, not reallocated, per layer).
    var queryPointers: [UnsafePointer<Float>] = []
    var keyPointers: [UnsafeRawPointer] = []

    /// Rows of logits computed at once by the output head.
    static let logitRowsPerBlock = 16
    /// Rows whose feed-forward gate and up activations are computed at once.
    static let feedForwardRowsPerBlock = 128

    /// Sizes the buffers for batches of `rows` tokens whose layouts have `views` views (only
    /// those views' query buffers are grown).
    func reserve(rows: Int, configuration c: LlamaConfiguration, views: Int) {
        let queryWidth = c.headCount * c.headDimension, keyWidth = c.keyValueHeadCount * c.headDimension
        hidden.ensure(rows * c.hiddenSize)
        normed.ensure(rows * c.hiddenSize)
        queries.ensure(rows * queryWidth)
        keys.ensure(rows * keyWidth)
        values.ensure(rows * keyWidth)
        projection.ensure(rows * c.hiddenSize)
        gate.ensure(min(rows, DecoderWorkspace.feedForwardRowsPerBlock) * c.intermediateSize)
        up.ensure(min(rows, DecoderWorkspace.feedForwardRowsPerBlock) * c.intermediateSize)
        for buffer in viewQueries.prefix(views) { buffer.ensure(rows * queryWidth) }
        for buffer in positions { buffer.ensure(rows) }
        noiseRows.ensure(rows * c.headCount)
    }
}
