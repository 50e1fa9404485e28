import Tensor

extension InferenceSession {
    /// Runs one batch of a step through every layer: `batchTokens` are the step's rows `rows`,
    /// the step starting at sequence index `stepStart`. Leaves the final-normed hidden states in
    /// `workspace.normed` for the output head. The block is LLaMA's plus the optional steps the
    /// configuration's `DecoderOptions` switch on (embedding scale, biases, query/key norms,
    /// output norms, GeGLU).
    func runBatch(_ batchTokens: [Int], layout: AttentionLayout, angles: StepAngles, stepStart: Int, rows: Range<Int>) throws {
        let c = model.configuration
        let options = c.options
        let count = batchTokens.count
        let width = c.hiddenSize
        let x = workspace.hidden.pointer, normed = workspace.normed.pointer
        let linear = model.linear
        let embedding = model.weights.tokenEmbedding
        for (row, token) in batchTokens.enumerated() {
            Kernels.dequantize(embedding.rowPointer(token), dtype: embedding.dtype, count: width, into: x + row * width)
        }
        if options.scalesEmbedding {
            Kernels.scale(x, count: count * width, by: Float(Double(width).squareRoot()))
        }
        func norm(_ weight: [Float], _ input: UnsafePointer<Float>, rows: Int, dimension: Int, into output: UnsafeMutablePointer<Float>) {
            weight.withUnsafeBufferPointer { w in
                Kernels.rmsNorm(input, weight: w.baseAddress!, epsilon: c.rmsNormEpsilon, rows: rows, dimension: dimension, into: output)
            }
        }
        /// Adds `output` (the projection) to the residual stream, through the block output norm when there is one.
        func addToResidual(_ outputNorm: [Float]?) {
            let projection = workspace.projection.pointer
            if let outputNorm { norm(outputNorm, projection, rows: count, dimension: width, into: projection) }
            Kernels.add(projection, into: x, count: count * width)
        }
        for layer in 0..<c.layerCount {
            let weights = model.weights.layers[layer]
            norm(weights.attentionNorm, x, rows: count, dimension: width, into: normed)
            try linear.prepare(input: normed, rows: count, columns: width)  // quantized once for Q, K and V
            try linear.apply(weights.query, output: workspace.queries.pointer)
            try linear.apply(weights.key, output: workspace.keys.pointer)
            try linear.apply(weights.value, output: workspace.values.pointer)
            if let bias = weights.queryKeyValueBias {
                bias.query.withUnsafeBufferPointer { Kernels.addBias($0.baseAddress!, to: workspace.queries.pointer, rows: count, width: c.queryWidth) }
                bias.key.withUnsafeBufferPointer { Kernels.addBias($0.baseAddress!, to: workspace.keys.pointer, rows: count, width: c.keyValueWidth) }
                bias.value.withUnsafeBufferPointer { Kernels.addBias($0.baseAddress!, to: workspace.values.pointer, rows: count, width: c.keyValueWidth) }
            }
            if let headNorms = weights.queryKeyNorm {
                let d = c.headDimension
                norm(headNorms.query, workspace.queries.pointer, rows: count * c.headCount, dimension: d, into: workspace.queries.pointer)
                norm(headNorms.key, workspace.keys.pointer, rows: count * c.keyValueHeadCount, dimension: d, into: workspace.keys.pointer)
            }
            try attend(layer: layer, layout: layout, angles: angles, stepStart: stepStart, rows: rows)
            linear.apply(weights.output, input: workspace.queries.pointer, rows: count, output: workspace.projection.pointer)
            addToResidual(weights.blockOutputNorms?.attention)

            norm(weights.feedForwardNorm, x, rows: count, dimension: width, into: normed)
            // in blocks of rows, so that the wide gate and up activations stay small
            for first in stride(from: 0, to: count, by: DecoderWorkspace.feedForwardRowsPerBlock) {
                let blockRows = min(DecoderWorkspace.feedForwardRowsPerBlock, count - first)
                let elements = blockRows * c.intermediateSize
                try linear.prepare(input: normed + first * width, rows: blockRows, columns: width)  // once for gate and up
                try linear.apply(weights.gate, output: workspace.gate.pointer)
                try linear.apply(weights.up, output: workspace.up.pointer)
                switch options.activation {
                case .silu:
                    Kernels.siluMultiply(gate: workspace.gate.pointer, up: workspace.up.pointer, count: elements, into: workspace.gate.pointer)
                case .geluTanh:
                    Kernels.geluTanhMultiply(gate: workspace.gate.pointer, up: workspace.up.pointer, count: elements,
                                             into: workspace.gate.pointer)
                }
                linear.apply(weights.down, input: workspace.gate.pointer, rows: blockRows,
                             output: workspace.projection.pointer + first * width)
            }
            addToResidual(weights.blockOutputNorms?.feedForward)
        }
        norm(model.weights.finalNorm, x, rows: count, dimension: width, into: normed)
    }

    /// Attention of one layer for the batch: caches the new keys and values, rotates queries
    /// (and repositioned keys) for every view, and runs the fused kernel into
    /// `workspace.queries` (the unrotated queries are no longer needed then). A local layer
    /// uses the plain layout of `local` instead of the positioning scheme's, and its own cache.
    private func attend(layer: Int, layout globalLayout: AttentionLayout, angles globalAngles: StepAngles, stepStart: Int,
                        rows: Range<Int>) throws {
        let c = model.configuration
        let layerAttention = c.options.attention(layer: layer)
        let layout: AttentionLayout, angles: StepAngles, cache: KeyValueCache
        if layerAttention.isLocal, let local, let localLayout = local.layout, let localAngles = local.angles {
            (layout, angles, cache) = (localLayout, localAngles, local.cache)
        } else {
            (layout, angles, cache) = (globalLayout, globalAngles, self.cache)
        }
        let cacheLayer = cacheIndex[layer]
        let pool = model.pool
        let d = c.headDimension, kvHeads = c.keyValueHeadCount
        let keyWidth = kvHeads * d, queryWidth = c.headCount * d
        let count = rows.count
        let first = stepStart + rows.lowerBound
        let keyCount = first + count
        let newKeys = UnsafePointer(workspace.keys.pointer)

        cache.storeValues(cacheLayer, from: workspace.values.pointer, rowStride: keyWidth, first: first, rows: count)
        if cache.keepsUnrotatedKeys {
            cache.storeUnrotatedKeys(cacheLayer, from: newKeys, rowStride: keyWidth, first: first, rows: count)
        }
        for (slot, rotation) in angles.slotKeys.enumerated() {
            rotation.table.rotateKeys(newKeys - first * keyWidth, rowStride: keyWidth, range: first..<keyCount, keyValueHeads: kvHeads,
                                      headDimension: d, angles: rotation.angles, into: cache.keys(cacheLayer, slot: slot),
                                      outputType: cache.elementType, outputHeadStride: cache.keyHeadStride, angleOffset: stepStart,
                                      pool: pool)
        }
        workspace.queryPointers.removeAll(keepingCapacity: true)
        workspace.keyPointers.removeAll(keepingCapacity: true)
        var blendedView: Int?
        for (index, view) in layout.views.enumerated() {
            let query = angles.viewQueries[index]
            let rotated = workspace.viewQueries[index].pointer
            query.table.rotateRows(workspace.queries.pointer, inputStride: queryWidth, into: rotated, outputStride: queryWidth,
                                   rows: count, heads: c.headCount, headDimension: d, angles: query.angles,
                                   firstAngle: rows.lowerBound, pool: pool)
            workspace.queryPointers.append(UnsafePointer(rotated))
            switch view.keys {
            case .cached(let slot):
                workspace.keyPointers.append(UnsafeRawPointer(cache.keys(cacheLayer, slot: slot)))
            case .positioned, .blended:
                guard let prepared = angles.viewKeys[index], let keys = repositionedKeys[index] else { continue }
                let stride = cache.keyHeadStride
                let served = layout.keysServed(byView: index, rows: rows, keyCount: keyCount)
                let ranges = keys.pending(layer: cacheLayer, keyCount: served,
                                          capacity: (cache.elementType.byteCount(elements: kvHeads * stride) + 3) / 4)
                let buffer = keys.buffer(layer: cacheLayer)
                if prepared.blend != nil { blendedView = index }
                for range in ranges {
                    try repositionKeys(range, layer: cacheLayer, cache: cache, table: query.table, angles: prepared.angles,
                                       blend: prepared.blend, into: buffer, slotFrequencies: layout.cachedKeys.first?.frequencies)
                }
                workspace.keyPointers.append(UnsafeRawPointer(buffer))
            }
        }

        let logitScale = c.options.queryScale ?? 1 / Float(d).squareRoot()
        let thresholdOffset = rows.lowerBound * (layout.views.count - 1)
        try layout.thresholds.withUnsafeBufferPointer { thresholds in
            var arguments = AttentionKernel.Arguments(
                queryCount: count, firstQueryIndex: first, keyCount: keyCount, heads: c.headCount, keyValueHeads: kvHeads,
                headDimension: d, queries: workspace.queryPointers, cachedKeys: workspace.keyPointers, keyHeadStride: cache.keyHeadStride,
                cachedValues: cache.values(cacheLayer), valueHeadStride: cache.valueHeadStride, cacheType: cache.elementType,
                thresholds: layout.views.count > 1 ? thresholds.baseAddress! + thresholdOffset : nil,
                logitScale: logitScale, slidingWindow: layerAttention.slidingWindow, logitSoftCap: c.options.attentionSoftCap,
                output: workspace.queries.pointer)
            arguments.products = model.attentionProducts
            if let noise = layout.noise, let blendedView {
                try withNoise(noise, layer: layer, arguments: arguments, blendedView: blendedView, interpolatedKeys: angles.interpolatedKeys,
                              stepKeyCount: stepStart + layout.views[0].queryPositions.count) { noisy in
                    try attention.run(noisy)
                }
            } else {
                try attention.run(arguments)
            }
            if let probe, probe.includes(layer: layer) { try probe.accumulate(arguments, kernel: attention) }
        }
    }

    /// Rotates keys `range` of cache layer `layer` with `angles` (and `blend`) into `buffer`
    /// (the view's re-positioned keys), from the stored unrotated keys when the cache keeps
    /// them, else from cache slot 0 rotated back with its own angle rows (rotated with
    /// `slotFrequencies` at the keys' sequence indices, as `validateKeyRecovery` checked).
    private func repositionKeys(_ range: Range<Int>, layer: Int, cache: KeyValueCache, table: RotaryTable, angles: RotaryAngles,
                                blend: (angles: RotaryAngles, weights: [Float])?, into buffer: UnsafeMutableRawPointer,
                                slotFrequencies: RotaryFrequencies?) throws {
        let c = model.configuration
        let d = c.headDimension, kvHeads = c.keyValueHeadCount
        func rotate(_ blended: (angles: RotaryAngles, weight: UnsafePointer<Float>)?) throws {
            if cache.keepsUnrotatedKeys {
                table.rotateKeys(UnsafePointer(cache.unrotatedKeys(layer)), rowStride: kvHeads * d, range: range, keyValueHeads: kvHeads,
                                 headDimension: d, angles: angles, blend: blended, into: buffer, outputType: cache.elementType,
                                 outputHeadStride: cache.keyHeadStride, pool: model.pool)
                return
            }
            guard let slotFrequencies else { throw AttentionLayoutError(message: "re-positioned keys need cache slot 0") }
            let sequence = range.map { Float($0) }
            sequence.withUnsafeBufferPointer { rotaryTable(slotFrequencies).computeAngles($0, into: recoveryAngles, recurring: true) }
            table.repositionCachedKeys(cache.keys(layer, slot: 0), cachedType: cache.elementType, cachedHeadStride: cache.keyHeadStride,
                                       cachedAngles: recoveryAngles, range: range, keyValueHeads: kvHeads, headDimension: d,
                                       angles: angles, blend: blended, into: buffer, outputType: cache.elementType,
                                       outputHeadStride: cache.keyHeadStride, pool: model.pool)
        }
        guard let blend else { return try rotate(nil) }
        try blend.weights.withUnsafeBufferPointer { weights in try rotate((blend.angles, weights.baseAddress!)) }
    }
}
