import Tensor

/// The keys of one view that a positioning scheme re-positions every step (GALI), kept per layer
/// from step to step so that only keys whose rotation changed are rotated again.
///
/// Each key's rotation is described by `(upper, lower, weight)`: the key becomes
/// `(1 − weight)·R(upper)k + weight·R(lower)k` (a plainly positioned key is `(p, p, 0)`). At the
/// start of a step the new descriptions are compared with the previous step's; the keys that
/// differ are re-rotated once per layer, and keys added since a layer last ran are rotated as
/// they arrive. Between decoding steps GALI changes only its integer tail (at least
/// `local_window` keys, shifted by one position) and one key that joins the interpolated region,
/// so decoding no longer re-rotates every key.
///
/// Keeping a buffer per layer pays only for short steps. A long step (a prefill chunk) spends
/// far more on attention than on rotating every key once per layer, so such a step uses one
/// buffer that all layers share, each layer re-rotating every key into it, and the per-layer
/// buffers are released: a prefill (`gali score`) then holds one layer's re-positioned keys
/// instead of every layer's. A prompt's last step, which decoding continues, keeps them per
/// layer (see `InferenceSession.sharedRepositioningMinimumStep`).
final class RepositionedKeys {
    /// Per layer: the rotated keys (elements of the cache's type, in a buffer sized in floats)
    /// and how many of them are valid.
    final class LayerKeys {
        let buffer = FloatBuffer()
        var prepared = 0
        var appliedStep = -1
    }

    private(set) var layers: [LayerKeys]
    /// The buffer of steps whose layers share one (see `beginStep`).
    private let shared = LayerKeys()
    /// Whether the current step's layers share `shared`.
    private(set) var sharesBuffer = false
    /// Whether the per-layer buffers have been used since they were last released.
    private var perLayerBuffersUsed = false
    private var frequencies: RotaryFrequencies?
    private var headStride = 0
    private var upper: [Float] = [], lower: [Float] = [], weight: [Float] = []
    /// Keys below the previous step's count whose rotation changed in this step.
    private(set) var changed: [Range<Int>] = []
    private(set) var step = 0

    init(layerCount: Int) {
        layers = (0..<layerCount).map { _ in LayerKeys() }
    }

    /// Records the rotations of the keys of a new step. Everything is recomputed when the
    /// frequencies or the cache layout changed, or when `reuse` is false. With `sharesBuffer`
    /// every layer rotates every key into one shared buffer, and the per-layer buffers are freed.
    func beginStep(upper newUpper: [Float], lower newLower: [Float], weight newWeight: [Float],
                   frequencies newFrequencies: RotaryFrequencies, headStride newStride: Int, reuse: Bool, sharesBuffer: Bool) {
        step += 1
        self.sharesBuffer = sharesBuffer
        if sharesBuffer, perLayerBuffersUsed {
            layers = layers.map { _ in LayerKeys() }
            perLayerBuffersUsed = false
        }
        if !reuse || newFrequencies != frequencies || newStride != headStride {
            invalidate()
            frequencies = newFrequencies
            headStride = newStride
        } else {
            changed.removeAll(keepingCapacity: true)
            let common = min(upper.count, newUpper.count)
            var start: Int?
            for j in 0..<common {
                let differs = upper[j] != newUpper[j] || lower[j] != newLower[j] || weight[j] != newWeight[j]
                if differs, start == nil { start = j }
                if !differs, let begin = start { changed.append(begin..<j); start = nil }
            }
            if let begin = start { changed.append(begin..<common) }
            if newUpper.count < upper.count { invalidate() }
        }
        upper = newUpper
        lower = newLower
        weight = newWeight
    }

    /// Forgets every prepared key.
    func invalidate() {
        changed.removeAll(keepingCapacity: true)
        for layer in layers { layer.prepared = 0 }
    }

    /// Key ranges layer `layer` must rotate before attending to `keyCount` keys, and marks them
    /// done. `capacity` is the number of floats the layer's buffer needs.
    func pending(layer index: Int, keyCount: Int, capacity: Int) -> [Range<Int>] {
        if sharesBuffer {
            shared.buffer.ensure(capacity)
            return keyCount > 0 ? [0..<keyCount] : []
        }
        perLayerBuffersUsed = true
        let layer = layers[index]
        let before = layer.buffer.capacity
        layer.buffer.ensure(capacity)
        if layer.buffer.capacity != before { layer.prepared = 0 }  // reallocated: contents gone
        var ranges: [Range<Int>] = []
        if layer.appliedStep != step {
            layer.appliedStep = step
            for range in changed where range.lowerBound < layer.prepared {
                ranges.append(range.lowerBound..<min(range.upperBound, layer.prepared))
            }
        }
        if layer.prepared < keyCount { ranges.append(layer.prepared..<keyCount) }
        layer.prepared = max(layer.prepared, keyCount)
        return ranges
    }

    /// The re-positioned keys layer `index` attends to in this step (valid after `pending`).
    func buffer(layer index: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(sharesBuffer ? shared.buffer.pointer : layers[index].buffer.pointer)
    }
}
