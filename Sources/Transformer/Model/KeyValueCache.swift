import Tensor

/// Keys and values of every token seen so far, per layer.
///
/// Values are stored `[kvHead][token][headDimension]`. Keys are stored in up to several rotated
/// copies ("slots", in `KeyBlockLayout`, one per rotation the positioning scheme keeps) and
/// optionally unrotated (`[token][kvHeads · headDimension]`) for schemes that reposition keys
/// every step. Storage grows geometrically; `reserve` avoids regrowth when the length is known.
public final class KeyValueCache {
    /// Key/value heads.
    public let keyValueHeads: Int
    /// Floats per head vector.
    public let headDimension: Int
    /// Rotated key copies per token.
    public let slotCount: Int
    /// Whether unrotated keys are kept.
    public let keepsUnrotatedKeys: Bool
    /// Tokens stored.
    public private(set) var count = 0
    /// Tokens that fit without growing.
    public private(set) var capacity = 0

    private var layers: [LayerStorage]

    final class LayerStorage {
        var values: UnsafeMutablePointer<Float>?
        var slots: [UnsafeMutablePointer<Float>?]
        var unrotatedKeys: UnsafeMutablePointer<Float>?
        init(slotCount: Int) { slots = Array(repeating: nil, count: slotCount) }
        deinit {
            values?.deallocate()
            slots.forEach { $0?.deallocate() }
            unrotatedKeys?.deallocate()
        }
    }

    /// An empty cache for `layerCount` layers.
    public init(layerCount: Int, keyValueHeads: Int, headDimension: Int, slotCount: Int, keepsUnrotatedKeys: Bool) {
        self.keyValueHeads = keyValueHeads
        self.headDimension = headDimension
        self.slotCount = slotCount
        self.keepsUnrotatedKeys = keepsUnrotatedKeys
        layers = (0..<layerCount).map { _ in LayerStorage(slotCount: slotCount) }
    }

    /// Floats between heads in a slot.
    public var keyHeadStride: Int { KeyBlockLayout.floatsPerHead(capacity: capacity, headDimension: headDimension) }
    /// Floats between heads of the values.
    public var valueHeadStride: Int { capacity * headDimension }
    /// Floats per token row of unrotated keys.
    public var unrotatedRowStride: Int { keyValueHeads * headDimension }

    /// Bytes currently allocated.
    public var allocatedBytes: Int {
        let perLayer = keyValueHeads * (valueHeadStride + slotCount * keyHeadStride) + (keepsUnrotatedKeys ? capacity * unrotatedRowStride : 0)
        return perLayer * layers.count * MemoryLayout<Float>.size
    }

    /// Makes room for `tokens` tokens in total.
    public func reserve(_ tokens: Int) {
        guard tokens > capacity else { return }
        let newCapacity = max(tokens, capacity * 3 / 2, 64)
        let oldKeyStride = keyHeadStride, oldValueStride = valueHeadStride
        let newKeyStride = KeyBlockLayout.floatsPerHead(capacity: newCapacity, headDimension: headDimension)
        let newValueStride = newCapacity * headDimension
        for layer in layers {
            layer.values = regrow(layer.values, heads: keyValueHeads, oldStride: oldValueStride, newStride: newValueStride,
                                  used: count * headDimension)
            for slot in 0..<slotCount {
                let usedKeys = KeyBlockLayout.floatsPerHead(capacity: count, headDimension: headDimension)
                layer.slots[slot] = regrow(layer.slots[slot], heads: keyValueHeads, oldStride: oldKeyStride,
                                           newStride: newKeyStride, used: usedKeys)
            }
            if keepsUnrotatedKeys {
                layer.unrotatedKeys = regrow(layer.unrotatedKeys, heads: 1, oldStride: capacity * unrotatedRowStride,
                                             newStride: newCapacity * unrotatedRowStride, used: count * unrotatedRowStride)
            }
        }
        capacity = newCapacity
    }

    private func regrow(_ old: UnsafeMutablePointer<Float>?, heads: Int, oldStride: Int, newStride: Int, used: Int) -> UnsafeMutablePointer<Float> {
        let fresh = UnsafeMutablePointer<Float>.allocate(capacity: max(heads * newStride, 1))
        fresh.initialize(repeating: 0, count: max(heads * newStride, 1))
        if let old {
            for head in 0..<heads { (fresh + head * newStride).update(from: old + head * oldStride, count: used) }
            old.deallocate()
        }
        return fresh
    }

    /// Records that tokens up to `newCount` are stored (after every layer wrote them).
    func commit(count newCount: Int) { count = newCount }

    /// Forgets every token (keeps the memory).
    public func removeAll() { count = 0 }

    /// Forgets every token from `newCount` on (keeps the memory); the first `newCount` stay as
    /// they were written.
    public func truncate(to newCount: Int) { count = min(max(newCount, 0), count) }

    /// Values of layer `layer`.
    func values(_ layer: Int) -> UnsafeMutablePointer<Float> { layers[layer].values! }
    /// Rotated keys of `slot` in layer `layer`.
    func keys(_ layer: Int, slot: Int) -> UnsafeMutablePointer<Float> { layers[layer].slots[slot]! }
    /// Unrotated keys of layer `layer`.
    func unrotatedKeys(_ layer: Int) -> UnsafeMutablePointer<Float> { layers[layer].unrotatedKeys! }

    /// Stores value rows (`rows` tokens from `first`, each `[kvHeads · headDimension]`).
    func storeValues(_ layer: Int, from rowsPointer: UnsafePointer<Float>, rowStride: Int, first: Int, rows: Int) {
        let base = values(layer)
        for row in 0..<rows {
            for head in 0..<keyValueHeads {
                (base + head * valueHeadStride + (first + row) * headDimension)
                    .update(from: rowsPointer + row * rowStride + head * headDimension, count: headDimension)
            }
        }
    }

    /// Stores unrotated key rows.
    func storeUnrotatedKeys(_ layer: Int, from rowsPointer: UnsafePointer<Float>, rowStride: Int, first: Int, rows: Int) {
        let base = unrotatedKeys(layer)
        for row in 0..<rows {
            (base + (first + row) * unrotatedRowStride).update(from: rowsPointer + row * rowStride, count: unrotatedRowStride)
        }
    }
}
