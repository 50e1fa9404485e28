/// A grow-only, 64-byte aligned buffer of floats for kernel scratch and activations.
/// `ensure` reallocates only when asked for more than it holds, so steady-state work
/// allocates nothing. Contents are not preserved across growth.
public final class FloatBuffer: @unchecked Sendable {
    /// First element.
    public private(set) var pointer: UnsafeMutablePointer<Float>
    /// Elements available.
    public private(set) var capacity: Int

    /// Allocates `capacity` zeroed floats.
    public init(capacity: Int = 0) {
        self.capacity = max(capacity, 16)
        pointer = FloatBuffer.allocate(self.capacity)
    }

    deinit { pointer.deallocate() }

    /// Makes room for `count` floats, discarding the contents if it has to grow.
    @discardableResult
    public func ensure(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            pointer.deallocate()
            capacity = max(count, capacity + capacity / 2)
            pointer = FloatBuffer.allocate(capacity)
        }
        return pointer
    }

    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.size, alignment: 64)
        let typed = raw.bindMemory(to: Float.self, capacity: count)
        typed.initialize(repeating: 0, count: count)
        return typed
    }
}
