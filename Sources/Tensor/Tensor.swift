/// A strided view of an n-dimensional array on the CPU.
///
/// Shapes are outermost-first (`[rows, columns]` for a matrix) and strides count elements.
/// Views (`slice`, `transposed`, `reshaped`) share storage and copy nothing; `contiguous()`
/// materialises a packed copy when a kernel needs one.
///
/// Quantized tensors (`dtype.isQuantized`) store their innermost dimension in blocks, so that
/// dimension must stay contiguous and be cut only at block boundaries; views that would split a
/// block throw `TensorError.unsupported`.
public struct Tensor: @unchecked Sendable {
    /// The bytes this tensor views.
    public let storage: TensorStorage
    /// Element type.
    public let dtype: DType
    /// Extent of each dimension, outermost first.
    public let shape: [Int]
    /// Distance in elements between neighbours along each dimension.
    public let strides: [Int]
    /// Element offset of the first element from the start of `storage` (after `byteOffset`).
    public let offset: Int
    /// Byte offset into `storage` where element 0 of this tensor's frame lies.
    public let byteOffset: Int

    /// Allocates a zero-filled contiguous tensor.
    public init(zeros shape: [Int], dtype: DType = .f32) throws {
        try Tensor.validate(shape: shape, dtype: dtype)
        let count = shape.reduce(1, *)
        guard let bytes = dtype.byteCount(elements: count) else {
            throw TensorError.invalidShape("\(shape) does not fit \(dtype) blocks")
        }
        self.init(storage: TensorStorage(allocating: bytes), dtype: dtype, shape: shape,
                  strides: Tensor.contiguousStrides(shape), offset: 0, byteOffset: 0)
    }

    /// Creates a contiguous `Float32` tensor holding `values`.
    public init(_ values: [Float], shape: [Int]) throws {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else {
            throw TensorError.invalidShape("\(values.count) values cannot have shape \(shape)")
        }
        try self.init(zeros: shape)
        let destination = storage.baseAddress.assumingMemoryBound(to: Float.self)
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { destination.update(from: base, count: values.count) }
        }
    }

    /// Views `storage` starting at `byteOffset` as a contiguous tensor, after checking that the
    /// bytes it needs lie inside the storage.
    public init(storage: TensorStorage, dtype: DType, shape: [Int], byteOffset: Int) throws {
        try Tensor.validate(shape: shape, dtype: dtype)
        let count = shape.reduce(1, *)
        guard let bytes = dtype.byteCount(elements: count) else {
            throw TensorError.invalidShape("\(shape) does not fit \(dtype) blocks")
        }
        guard byteOffset >= 0, byteOffset <= storage.byteCount, bytes <= storage.byteCount - byteOffset else {
            throw TensorError.invalidShape("\(bytes) bytes at offset \(byteOffset) run past the end of \(storage.byteCount) bytes")
        }
        self.init(storage: storage, dtype: dtype, shape: shape, strides: Tensor.contiguousStrides(shape),
                  offset: 0, byteOffset: byteOffset)
    }

    private init(storage: TensorStorage, dtype: DType, shape: [Int], strides: [Int], offset: Int, byteOffset: Int) {
        self.storage = storage
        self.dtype = dtype
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.byteOffset = byteOffset
    }

    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }
    /// Whether elements are packed in row-major order with no gaps.
    public var isContiguous: Bool { strides == Tensor.contiguousStrides(shape) }

    /// Packed row-major strides for `shape`.
    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for dimension in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[dimension] = running
            running *= shape[dimension]
        }
        return strides
    }

    /// Address of the element at `offset` (plus `elementOffset`); for quantized tensors the
    /// element must start a block.
    public func rawPointer(elementOffset: Int = 0) -> UnsafeRawPointer {
        let element = offset + elementOffset
        let bytes = element / dtype.blockSize * dtype.bytesPerBlock
        return UnsafeRawPointer(storage.baseAddress + byteOffset + bytes)
    }

    /// Restricts dimension `dimension` to `range`, sharing storage.
    public func slice(_ dimension: Int, _ range: Range<Int>) throws -> Tensor {
        guard dimension >= 0, dimension < rank else { throw TensorError.invalidShape("no dimension \(dimension) in rank \(rank)") }
        guard range.lowerBound >= 0, range.upperBound <= shape[dimension] else {
            throw TensorError.invalidShape("slice \(range) outside 0..<\(shape[dimension]) of dimension \(dimension)")
        }
        if dtype.isQuantized {
            let elementStep = strides[dimension]
            guard (range.lowerBound * elementStep) % dtype.blockSize == 0,
                  dimension < rank - 1 || range.count % dtype.blockSize == 0 else {
                throw TensorError.unsupported("slice \(range) of dimension \(dimension) splits a \(dtype) block")
            }
        }
        var newShape = shape
        newShape[dimension] = range.count
        return Tensor(storage: storage, dtype: dtype, shape: newShape, strides: strides,
                      offset: offset + range.lowerBound * strides[dimension], byteOffset: byteOffset)
    }

    /// Swaps two dimensions without copying. Not available for quantized tensors when the
    /// innermost dimension would move.
    public func transposed(_ first: Int, _ second: Int) throws -> Tensor {
        guard first >= 0, first < rank, second >= 0, second < rank else {
            throw TensorError.invalidShape("cannot swap dimensions \(first) and \(second) of rank \(rank)")
        }
        if dtype.isQuantized, first == rank - 1 || second == rank - 1, first != second {
            throw TensorError.unsupported("a \(dtype) tensor keeps its innermost dimension in blocks")
        }
        var newShape = shape, newStrides = strides
        newShape.swapAt(first, second)
        newStrides.swapAt(first, second)
        return Tensor(storage: storage, dtype: dtype, shape: newShape, strides: newStrides, offset: offset, byteOffset: byteOffset)
    }

    /// Reinterprets a contiguous tensor with a new shape of the same element count.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        try Tensor.validate(shape: newShape, dtype: dtype)
        guard newShape.reduce(1, *) == count else {
            throw TensorError.invalidShape("cannot reshape \(shape) (\(count) elements) to \(newShape)")
        }
        guard isContiguous else { throw TensorError.unsupported("reshape needs a contiguous tensor; call contiguous() first") }
        return Tensor(storage: storage, dtype: dtype, shape: newShape, strides: Tensor.contiguousStrides(newShape),
                      offset: offset, byteOffset: byteOffset)
    }

    /// A packed copy (or `self` when already packed). Quantized tensors copy whole rows.
    public func contiguous() throws -> Tensor {
        if isContiguous { return self }
        let result = try Tensor(zeros: shape, dtype: dtype)
        let rowElements = shape.last ?? 1
        let rowBytes = dtype.byteCount(elements: rowElements) ?? 0
        if dtype.isQuantized && strides.last != 1 {
            throw TensorError.unsupported("a \(dtype) tensor needs a contiguous innermost dimension")
        }
        let elementBytes = dtype.isQuantized ? 0 : dtype.bytesPerBlock
        var destination = result.storage.baseAddress
        forEachRow { rowOffset in
            if dtype.isQuantized || strides.last == 1 {
                destination.copyMemory(from: rawPointer(elementOffset: rowOffset), byteCount: rowBytes)
                destination += rowBytes
            } else {
                let step = strides[rank - 1]
                for column in 0..<rowElements {
                    destination.copyMemory(from: rawPointer(elementOffset: rowOffset + column * step), byteCount: elementBytes)
                    destination += elementBytes
                }
            }
        }
        return result
    }

    /// Calls `body` with the element offset (relative to `offset`) of the first element of every
    /// innermost row, in row-major order.
    public func forEachRow(_ body: (Int) -> Void) {
        guard rank > 0 else { body(0); return }
        let outer = Array(shape.dropLast())
        if outer.contains(0) || shape[rank - 1] == 0 { return }
        var index = [Int](repeating: 0, count: outer.count)
        while true {
            var rowOffset = 0
            for dimension in 0..<outer.count { rowOffset += index[dimension] * strides[dimension] }
            body(rowOffset)
            var dimension = outer.count - 1
            while dimension >= 0 {
                index[dimension] += 1
                if index[dimension] < outer[dimension] { break }
                index[dimension] = 0
                dimension -= 1
            }
            if dimension < 0 { return }
        }
    }

    private static func validate(shape: [Int], dtype: DType) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else { throw TensorError.invalidShape("negative extent in \(shape)") }
        var total = 1
        for extent in shape {
            let (product, overflow) = total.multipliedReportingOverflow(by: extent)
            guard !overflow, product <= Int(Int32.max) * 64 else { throw TensorError.invalidShape("\(shape) is too large") }
            total = product
        }
        if dtype.isQuantized, let last = shape.last, last % dtype.blockSize != 0 {
            throw TensorError.invalidShape("innermost extent \(last) is not a multiple of the \(dtype) block size \(dtype.blockSize)")
        }
    }
}
