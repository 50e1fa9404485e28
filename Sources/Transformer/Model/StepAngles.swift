import Tensor

/// The cos/sin rows one forward step needs, computed once per step and shared by every layer
/// and batch of the step.
struct StepAngles {
    /// Per cached key slot: rows for the step's new keys.
    var slotKeys: [(table: RotaryTable, angles: RotaryAngles)]
    /// Per view: rows for the step's queries.
    var viewQueries: [(table: RotaryTable, angles: RotaryAngles)]
    /// Per view whose keys are repositioned: rows for every key (indexed by key), and for
    /// blended keys the second rotation's rows and weights.
    var viewKeys: [(angles: RotaryAngles, blend: (angles: RotaryAngles, weights: [Float])?)?]
    /// Per key of the step: 1 where a blended view interpolates it (for noise); empty without noise.
    var interpolatedKeys: [UInt8]
}

/// Angle buffers reused from step to step.
final class AnglePool {
    private var buffers: [RotaryAngles] = []
    private var used = 0

    func reset() { used = 0 }

    func next() -> RotaryAngles {
        if used == buffers.count { buffers.append(RotaryAngles()) }
        used += 1
        return buffers[used - 1]
    }
}

extension InferenceSession {
    /// Computes every angle row the layout's rotations need, in buffers of `pool` (the
    /// session's own by default); rotations asking for the same frequencies and positions (the
    /// unmodified model's new keys and queries) share one buffer. `tracksRepositionedKeys` is
    /// false for the plain layouts of local layers, which must leave the global layers'
    /// re-positioned keys alone. `keepsLayerKeys` keeps re-positioned keys per layer even for a
    /// long step (see `sharedRepositioningMinimumStep`).
    func prepareAngles(for layout: AttentionLayout, pool: AnglePool? = nil, tracksRepositionedKeys: Bool = true,
                       keepsLayerKeys: Bool = false) -> StepAngles {
        let pool = pool ?? anglePool
        pool.reset()
        var computed: [(frequencies: RotaryFrequencies, positions: [Float], angles: RotaryAngles)] = []
        /// `recurring`: positions of every key, asked for again at the next step.
        func angles(_ frequencies: RotaryFrequencies, _ positions: [Float], recurring: Bool = false)
            -> (table: RotaryTable, angles: RotaryAngles) {
            let table = rotaryTable(frequencies)
            if let same = computed.first(where: { $0.frequencies == frequencies && $0.positions == positions }) {
                return (table, same.angles)
            }
            let result = pool.next()
            positions.withUnsafeBufferPointer { table.computeAngles($0, into: result, recurring: recurring) }
            computed.append((frequencies, positions, result))
            return (table, result)
        }
        let slots = layout.cachedKeys.map { angles($0.frequencies, $0.newKeyPositions) }
        let queries = layout.views.map { angles($0.frequencies, $0.queryPositions) }
        let keys = layout.views.enumerated().map { index, view -> (angles: RotaryAngles, blend: (angles: RotaryAngles, weights: [Float])?)? in
            switch view.keys {
            case .cached:
                if tracksRepositionedKeys { repositionedKeys[index] = nil }
                return nil
            case .positioned(let positions):
                beginRepositioning(view: index, upper: positions, lower: positions,
                                   weight: [Float](repeating: 0, count: positions.count), frequencies: view.frequencies,
                                   sharesBuffer: !keepsLayerKeys && view.queryPositions.count >= sharedRepositioningMinimumStep)
                return (angles(view.frequencies, positions, recurring: true).angles, nil)
            case .blended(let upper, let lower, let weight):
                beginRepositioning(view: index, upper: upper, lower: lower, weight: weight, frequencies: view.frequencies,
                                   sharesBuffer: !keepsLayerKeys && view.queryPositions.count >= sharedRepositioningMinimumStep)
                return (angles(view.frequencies, upper, recurring: true).angles,
                        (angles(view.frequencies, lower, recurring: true).angles, weight))
            }
        }
        var interpolated: [UInt8] = []
        if layout.noise != nil, let blend = keys.lazy.compactMap({ $0?.blend }).first {
            interpolated = blend.weights.map { $0 != 0 ? 1 : 0 }
        }
        return StepAngles(slotKeys: slots, viewQueries: queries, viewKeys: keys, interpolatedKeys: interpolated)
    }

    /// Starts a step for the re-positioned keys of view `index`.
    private func beginRepositioning(view index: Int, upper: [Float], lower: [Float], weight: [Float], frequencies: RotaryFrequencies,
                                    sharesBuffer: Bool) {
        let keys = repositionedKeys[index] ?? RepositionedKeys(layerCount: model.configuration.layerCount)
        repositionedKeys[index] = keys
        keys.beginStep(upper: upper, lower: lower, weight: weight, frequencies: frequencies, headStride: cache.keyHeadStride,
                       reuse: reusesRepositionedKeys, sharesBuffer: sharesBuffer)
    }
}
