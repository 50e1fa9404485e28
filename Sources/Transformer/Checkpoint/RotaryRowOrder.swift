import Tensor

/// Reorders the rows of a query or key projection between the two rotary conventions.
///
/// Within each head of `headDimension` rows, the half-split order (Hugging Face) keeps the two
/// members of rotation pair i at rows `i` and `i + headDimension/2`; the adjacent-pair order
/// (GGUF, as llama.cpp's converter writes it) keeps them at rows `2i` and `2i + 1`.
public enum RotaryRowOrder {
    /// Rows of `values` (a row-major `heads·headDimension × columns` matrix) moved from the
    /// half-split order to the adjacent-pair order.
    public static func adjacentPairs(fromHalfSplit values: [Float], heads: Int, columns: Int) throws -> [Float] {
        try reorder(values, heads: heads, columns: columns, toAdjacent: true)
    }

    /// Rows of `values` moved from the adjacent-pair order back to the half-split order.
    public static func halfSplit(fromAdjacentPairs values: [Float], heads: Int, columns: Int) throws -> [Float] {
        try reorder(values, heads: heads, columns: columns, toAdjacent: false)
    }

    private static func reorder(_ values: [Float], heads: Int, columns: Int, toAdjacent: Bool) throws -> [Float] {
        guard heads > 0, columns > 0, values.count % (heads * columns) == 0 else {
            throw TensorError.invalidShape("\(values.count) values do not form \(heads) heads of rows of \(columns)")
        }
        let headDimension = values.count / columns / heads
        guard headDimension % 2 == 0 else {
            throw TensorError.invalidShape("head dimension \(headDimension) is odd")
        }
        let half = headDimension / 2
        var result = [Float](repeating: 0, count: values.count)
        for head in 0..<heads {
            for pair in 0..<half {
                for member in 0..<2 {
                    let adjacent = head * headDimension + 2 * pair + member
                    let split = head * headDimension + member * half + pair
                    let (source, destination) = toAdjacent ? (split, adjacent) : (adjacent, split)
                    for column in 0..<columns {
                        result[destination * columns + column] = values[source * columns + column]
                    }
                }
            }
        }
        return result
    }
}
