import Tensor

/// Keys and values of every token seen so far, per layer.
///
/// Values are stored `[kvHead][token][headDimension]`. Keys are stored in up to several rotated
/// copies ("slots", in `KeyBlockLayout`, one per rotation the positioning scheme keeps) and
/// optionally unrotated (`[token][kvHeads · headDimension]`, Float32) for schemes that reposition
/// keys every step, when the cache is Float32 (a compact cache recovers them from slot 0; see
/// `AttentionPositioning.storesUnrotatedKeys`). Values and slots hold elements of `elementType`. Storage grows
/// geometrically; `reserve` avoids regrowth when the length is known.
public final class KeyValueCache {
    /// Key/value heads.
    public let keyValueHeads: Int
    /// Floats per head vector.
    public let headDimension: Int
    /// Rotated key copies per token.
    public let slotCount: Int
    /// Whether unrotated keys are kept.
    public let keepsUnrotatedKeys: Bool
    /// Element type of values and key slots.
    public let elementType: CacheElementType
    /// Tokens stored.
    public private(set) var count = 0
    /// Tokens that fit without growing.
    public private(set) var capacity = 0

    private var layers: [LayerStorage]

    final class LayerStorage {
        var values: UnsafeMutableRawPointer?
        var slots: [UnsafeMutableRawPointer?]
        var unrotatedKeys: UnsafeMutableRawPointer?
        init(slotCount: Int) { slots = Array(repeating: nil, count: slotCount) }
        deinit {
            values?.deallocate()
            slots.forEach { $0?.deallocate() }
            unrotatedKeys?.deallocate()
        }
    }

    /// An empty cache for `layerCount` layers.
    public init(layerCount: Int, keyValueHeads: Int, headDimension: Int, slotCount: Int, keepsUnrotatedKeys: Bool,
                elementType: CacheElementType = .f32) {
        self.elementType = elementType
        self.keyValueHeads = keyValueHeads
        self.headDimension = headDimension
        self.slotCount = slotCount
        self.keepsUnrotatedKeys = keepsUnrotatedKeys
        layers = (0..<layerCount).map { _ in LayerStorage(slotCount: slotCount) }
    }

    /// Elements between heads in a slot.
    public var keyHeadStride: Int { KeyBlockLayout.floatsPerHead(capacity: capacity, headDimension: headDimension) }
    /// Elements between heads of the values.
    public var valueHeadStride: Int { capacity * headDimension }
    /// Floats per token row of unrotated keys.
    public var unrotatedRowStride: Int { keyValueHeads * headDimension }

    /// Bytes currently allocated.
    public var allocatedBytes: Int {
        let perLayer = keyValueHeads * elementType.byteCount(elements: valueHeadStride + slotCount * keyHeadStride)
            + (keepsUnrotatedKeys ? capacity * unrotatedRowStride * MemoryLayout<Float>.size : 0)
        return perLayer * layers.count
    }

    /// Makes room for `tokens` tokens in total.
    public func reserve(_ tokens: Int) {
        guard tokens > capacity else { return }
        let newCapacity = max(tokens, capacity * 3 / 2, 64)
        let oldKeyStride = keyHeadStride, oldValueStride = valueHeadStride
        let newKeyStride = KeyBlockLayout.floatsPerHead(capacity: newCapacity, headDimension: headDimension)
        let newValueStride = newCapacity * headDimension
        let bytes = elementType.byteCount, floatSize = MemoryLayout<Float>.size
        for layer in layers {
            layer.values = regrow(layer.values, heads: keyValueHeads, oldStride: bytes(oldValueStride),
                                  newStride: bytes(newValueStride), used: bytes(count * headDimension))
            for slot in 0..<slotCount {
                let usedKeys = KeyBlockLayout.floatsPerHead(capacity: count, headDimension: headDimension)
                layer.slots[slot] = regrow(layer.slots[slot], heads: keyValueHeads, oldStride: bytes(oldKeyStride),
                                           newStride: bytes(newKeyStride), used: bytes(usedKeys))
            }
            if keepsUnrotatedKeys {
                layer.unrotatedKeys = regrow(layer.unrotatedKeys, heads: 1, oldStride: capacity * unrotatedRowStride * floatSize,
                                             newStride: newCapacity * unrotatedRowStride * floatSize,
                                             used: count * unrotatedRowStride * floatSize)
            }
        }
        capacity = newCapacity
    }

    /// A zeroed allocation of `heads` regions of `newStride` bytes, the first `used` bytes of each
    /// copied from `old` (regions `oldStride` bytes apart), which is freed.
    private func regrow(_ old: UnsafeMutableRawPointer?, heads: Int, oldStride: Int, newStride: Int, used: Int) -> UnsafeMutableRawPointer {
        let bytes = max(heads * newStride, 4)
        let fresh = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        fresh.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        if let old {
            for head in 0..<heads { (fresh + head * newStride).copyMemory(from: old + head * oldStride, byteCount: used) }
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

    /// Values of layer `layer` (elements of `elementType`).
    func values(_ layer: Int) -> UnsafeMutableRawPointer { layers[layer].values! }
    /// Rotated keys of `slot` in layer `layer` (elements of `elementType`).
    func keys(_ layer: Int, slot: Int) -> UnsafeMutableRawPointer { layers[layer].slots[slot]! }
    /// Unrotated keys of layer `layer`.
    func unrotatedKeys(_ layer: Int) -> UnsafeMutablePointer<Float> {
        layers[layer].unrotatedKeys!.assumingMemoryBound(to: Float.self)
    }

    /// Stores value rows (`rows` tokens from `first`, each `[kvHeads · headDimension]`).
    func storeValues(_ layer: Int, from rowsPointer: UnsafePointer<Float>, rowStride: Int, first: Int, rows: Int) {
        let base = values(layer)
        for row in 0..<rows {
            for head in 0..<keyValueHeads {
                elementType.store(rowsPointer + row * rowStride + head * headDimension, count: headDimension,
                                  into: base + elementType.byteCount(elements: head * valueHeadStride + (first + row) * headDimension))
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
