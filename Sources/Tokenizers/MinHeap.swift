/// A binary min-heap of packed 64-bit keys (priority in the high bits, position in the low bits),
/// the work queue of the BPE merge loops.
struct MinHeap {
    private(set) var storage: [UInt64] = []

    /// Whether the heap is empty.
    var isEmpty: Bool { storage.isEmpty }

    /// Removes everything, keeping the allocation.
    mutating func removeAll() { storage.removeAll(keepingCapacity: true) }

    /// Adds `key`.
    mutating func push(_ key: UInt64) {
        storage.append(key)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if storage[parent] <= key { break }
            storage[child] = storage[parent]
            child = parent
        }
        storage[child] = key
    }

    /// Removes and returns the smallest key, or nil when empty.
    mutating func pop() -> UInt64? {
        guard let last = storage.popLast() else { return nil }
        guard let top = storage.first else { return last }
        let count = storage.count
        var parent = 0
        while true {
            var child = 2 * parent + 1
            if child >= count { break }
            if child + 1 < count && storage[child + 1] < storage[child] { child += 1 }
            if last <= storage[child] { break }
            storage[parent] = storage[child]
            parent = child
        }
        storage[parent] = last
        return top
    }
}
