import Foundation
import Tensor

/// Which rows of logits a forward pass produces.
public enum LogitSelection: Sendable {
    /// None (prefill only).
    case none
    /// Only the row of the last appended token (generation).
    case last
    /// Every appended token's row (scoring). Rows are produced a few at a time; an
    /// `n × vocabulary` matrix is never kept.
    case all
}

/// One sequence being processed by a model: the tokens so far, their keys and values, and the
/// positioning scheme that decides how attention sees them.
public final class InferenceSession {
    /// The model.
    public let model: LlamaModel
    /// The positioning scheme (unmodified model or an extrapolation method).
    public let positioning: any AttentionPositioning
    /// Largest number of tokens computed in one batch (a step may span several batches).
    public let batchSize: Int
    /// Tokens appended so far.
    public private(set) var tokens: [Int] = []
    /// Number of tokens appended so far.
    public var count: Int { tokens.count }

    /// Attention maps to collect during the following appends (nil: none).
    public var probe: AttentionProbe?

    /// Called after every batch of an `append` with (tokens of this append done, tokens of this
    /// append in total), for progress displays of long prompts.
    public var onProgress: ((Int, Int) -> Void)?

    /// Keys and values of the global layers (every layer when the model has no local ones).
    let cache: KeyValueCache
    /// The local layers' own state, when the model has local layers.
    let local: LocalLayers?
    /// Per layer: its index in `cache`, or in `local.cache` for a local layer.
    let cacheIndex: [Int]
    let workspace = DecoderWorkspace()
    let attention: AttentionKernel
    var rotaryTables: [RotaryFrequencies: RotaryTable] = [:]
    /// Per view index: re-positioned keys kept between steps.
    var repositionedKeys: [Int: RepositionedKeys] = [:]
    /// Whether re-positioned keys are reused between steps (off only in tests, to compare).
    var reusesRepositionedKeys = true
    /// Steps of at least this many tokens rotate re-positioned keys into one buffer all layers
    /// share instead of keeping one per layer (see `RepositionedKeys`). Rotating every key once
    /// per layer costs about `3·kvHeads / (stepLength·heads)` of the step's attention, a few
    /// percent from 32 tokens on; tests change it to compare both ways. The last step of an
    /// append that selects only the last logits (a prompt, which decoding continues) keeps them
    /// per layer whatever its length, so the first decoded token finds them ready.
    var sharedRepositioningMinimumStep = 32
    let anglePool = AnglePool()
    /// Angle rows of cache slot 0 for keys being re-positioned from it (compact caches).
    let recoveryAngles = RotaryAngles()

    init(model: LlamaModel, positioning: any AttentionPositioning, batchSize: Int) throws {
        guard batchSize >= 1 else { throw InferenceError.invalidArgument("batch size must be at least 1, not \(batchSize)") }
        self.model = model
        self.positioning = positioning
        self.batchSize = batchSize
        let c = model.configuration
        let context = model.positioningContext
        let slots = positioning.cachedKeySlotCount(context: context)
        guard slots >= 0, slots <= AttentionKernel.maximumViews else {
            throw InferenceError.invalidArgument("a positioning scheme may keep 0...\(AttentionKernel.maximumViews) key rotations, not \(slots)")
        }
        let isLocal = (0..<c.layerCount).map { c.options.attention(layer: $0).isLocal }
        let localCount = isLocal.filter { $0 }.count
        cacheIndex = isLocal.indices.map { layer in isLocal[..<layer].filter { $0 == isLocal[layer] }.count }
        cache = KeyValueCache(layerCount: c.layerCount - localCount, keyValueHeads: c.keyValueHeadCount, headDimension: c.headDimension,
                              slotCount: slots, keepsUnrotatedKeys: positioning.storesUnrotatedKeys(context: context, cacheType: model.cacheType),
                              elementType: model.cacheType)
        local = localCount == 0 ? nil : LocalLayers(
            cache: KeyValueCache(layerCount: localCount, keyValueHeads: c.keyValueHeadCount, headDimension: c.headDimension,
                                 slotCount: 1, keepsUnrotatedKeys: false, elementType: model.cacheType),
            context: context.local(base: c.options.localRopeBase))
        attention = AttentionKernel(pool: model.pool)
    }

    /// Reserves memory for `tokens` tokens in total, so a long prompt does not regrow the cache.
    public func reserve(_ tokens: Int) {
        cache.reserve(tokens)
        local?.cache.reserve(tokens)
    }

    /// Bytes held by the key/value cache.
    public var cacheBytes: Int { cache.allocatedBytes + (local?.cache.allocatedBytes ?? 0) }

    /// Forgets all tokens (keeps allocated memory).
    public func reset() {
        tokens.removeAll()
        cache.removeAll()
        local?.cache.removeAll()
        repositionedKeys.removeAll()
    }

    /// Forgets the tokens from `newCount` on, keeping the keys and values of the first `newCount`
    /// as they were computed (and memory). Appending after it equals appending to a session that
    /// holds only those tokens when the positioning scheme gave them the same layouts it gives
    /// a sequence that short (see `PositionalExtrapolation.reusablePrefix`).
    public func truncate(to newCount: Int) {
        guard newCount < count else { return }
        let kept = max(newCount, 0)
        tokens.removeLast(count - kept)
        cache.truncate(to: kept)
        local?.cache.truncate(to: kept)
        repositionedKeys.removeAll()
    }

    /// Runs `newTokens` through the model after the tokens already in the session.
    ///
    /// `onLogits(index, row)` receives the logits (vocabulary-sized, valid only during the call)
    /// of each selected token, `index` being the token's position in the session; the row predicts
    /// token `index + 1`.
    public func append(_ newTokens: [Int], logits selection: LogitSelection = .last,
                       onLogits: (Int, UnsafeBufferPointer<Float>) throws -> Void = { _, _ in }) throws {
        let lastIndex = count + newTokens.count - 1
        try append(newTokens, decodingFollows: selection == .last) { rows, first in
            switch selection {
            case .none: break
            case .all: try emitLogits(rows: 0..<rows, firstIndex: first, onLogits)
            case .last:
                if first + rows - 1 == lastIndex { try emitLogits(rows: (rows - 1)..<rows, firstIndex: first, onLogits) }
            }
        }
    }

    /// Runs `newTokens` through the model; after each batch, `afterBatch(rows, first)` finds the
    /// final-normed hidden states of the batch's `rows` tokens (the first at session index
    /// `first`) in `workspace.normed`. `decodingFollows`: the last step keeps its re-positioned
    /// keys per layer, ready for decoding.
    func append(_ newTokens: [Int], decodingFollows: Bool, afterBatch: (Int, Int) throws -> Void) throws {
        guard !newTokens.isEmpty else { return }
        let vocabulary = model.configuration.vocabularySize
        if let bad = newTokens.first(where: { $0 < 0 || $0 >= vocabulary }) {
            throw InferenceError.invalidArgument("token id \(bad) is outside the vocabulary (0..<\(vocabulary))")
        }
        model.forwardLock.lock()
        defer { model.forwardLock.unlock() }

        try positioning.checkLength(count + newTokens.count)
        let context = model.positioningContext
        let steps = positioning.stepLengths(cached: count, adding: newTokens.count, context: context)
        guard steps.allSatisfy({ $0 > 0 }), steps.reduce(0, +) == newTokens.count else {
            throw InferenceError.invalidArgument("the positioning scheme split \(newTokens.count) tokens into steps \(steps)")
        }
        reserve(count + newTokens.count)
        var consumed = 0
        for (stepIndex, stepLength) in steps.enumerated() {
            let stepStart = count
            let layout = try positioning.layout(cached: stepStart, adding: stepLength, context: context)
            try layout.validate(cached: stepStart, count: stepLength)
            if !cache.keepsUnrotatedKeys { try layout.validateKeyRecovery(cached: stepStart, frequencies: context.baseFrequencies) }
            let angles = prepareAngles(for: layout, keepsLayerKeys: decodingFollows && stepIndex == steps.count - 1)
            try local?.beginStep(cached: stepStart, adding: stepLength, session: self)
            let batch = layout.requiresWholeStep ? stepLength : min(batchSize, stepLength)
            workspace.reserve(rows: batch, configuration: model.configuration, views: layout.views.count)
            var row = 0
            while row < stepLength {
                let rows = row..<min(row + batch, stepLength)
                let batchTokens = newTokens[(consumed + rows.lowerBound)..<(consumed + rows.upperBound)]
                try runBatch(Array(batchTokens), layout: layout, angles: angles, stepStart: stepStart, rows: rows)
                tokens += batchTokens
                cache.commit(count: tokens.count)
                local?.cache.commit(count: tokens.count)
                onProgress?(consumed + rows.upperBound, newTokens.count)
                try afterBatch(rows.count, stepStart + rows.lowerBound)
                row = rows.upperBound
            }
            consumed += stepLength
        }
    }

    /// Applies the output head to the normalised final hidden states of `rows` of the last batch.
    func emitLogits(rows: Range<Int>, firstIndex: Int, _ onLogits: (Int, UnsafeBufferPointer<Float>) throws -> Void) throws {
        let c = model.configuration
        let block = DecoderWorkspace.logitRowsPerBlock
        var start = rows.lowerBound
        while start < rows.upperBound {
            let end = min(start + block, rows.upperBound)
            let logits = workspace.logits.ensure(min(rows.count, block) * c.vocabularySize)
            model.linear.apply(model.weights.outputHead, input: workspace.normed.pointer + start * c.hiddenSize,
                               rows: end - start, output: logits)
            if c.options.finalLogitSoftCap > 0 {
                Kernels.softCap(logits, count: (end - start) * c.vocabularySize, cap: c.options.finalLogitSoftCap)
            }
            for row in start..<end {
                try onLogits(firstIndex + row, UnsafeBufferPointer(start: logits + (row - start) * c.vocabularySize, count: c.vocabularySize))
            }
            start = end
        }
    }

    /// The rotary table for `frequencies` (built once per session).
    func rotaryTable(_ frequencies: RotaryFrequencies) -> RotaryTable {
        if let table = rotaryTables[frequencies] { return table }
        if rotaryTables.count >= 16 { rotaryTables.removeAll() }  // e.g. dynamic NTK: new frequencies every step
        let table = RotaryTable(frequencies: frequencies, convention: model.configuration.rotaryConvention)
        rotaryTables[frequencies] = table
        return table
    }
}

/// A request the engine cannot carry out (bad token ids, inconsistent positioning schemes).
public enum InferenceError: Error, CustomStringConvertible {
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .invalidArgument(let message): return message
        }
    }
}
