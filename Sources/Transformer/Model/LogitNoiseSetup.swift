import Tensor

/// The layout's optional per-logit transform, logit noise (GALI's option), prepared for one
/// kernel call: the only part of the forward pass that depends on it.
extension InferenceSession {
    /// Sets up GALI-style noise for one kernel call: the interpolated-key mask, and row means
    /// (gaussian, mean from the row) or row maxima (uniform, scale from the row) over every key
    /// of the step.
    func withNoise(_ noise: LogitNoise, layer: Int, arguments: AttentionKernel.Arguments, blendedView: Int,
                   interpolatedKeys: [UInt8], stepKeyCount: Int, _ body: (AttentionKernel.Arguments) throws -> Void) throws {
        let c = model.configuration
        let d = c.headDimension
        let rowCount = arguments.queryCount * c.headCount
        let rowStatistics = workspace.noiseRows.ensure(rowCount)
        if noise.meanFromRow {
            // The mean logit of a row is q · mean(k) (times the logit scale): logits are linear in k.
            let sums = workspace.keySums.ensure(c.keyValueHeadCount * d)
            try AttentionKernel.keySums(arguments, view: blendedView, into: sums)
            let group = c.headCount / c.keyValueHeadCount
            for q in 0..<arguments.queryCount {
                for h in 0..<c.headCount {
                    let dot = Kernels.dot(arguments.queries[blendedView] + (q * c.headCount + h) * d, sums + (h / group) * d, count: d)
                    rowStatistics[q * c.headCount + h] = dot * arguments.logitScale / Float(arguments.keyCount)
                }
            }
        } else if noise.maximumFromRow {
            try attention.rowMaximum(arguments, into: rowStatistics)
        }
        try interpolatedKeys.withUnsafeBufferPointer { mask in
            var noisy = arguments
            let table = NoiseTable.matching(noise, reusing: workspace.noiseTable)
            workspace.noiseTable = table
            noisy.noise = AttentionNoise(noise, layer: layer, table: table, interpolatedKeys: mask.baseAddress, totalKeyCount: stepKeyCount,
                                         rowStatistics: UnsafePointer(rowStatistics))
            try body(noisy)
        }
    }
}
