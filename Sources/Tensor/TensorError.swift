/// Errors raised by the tensor layer. Every case says what was wrong in words a user can act on.
public enum TensorError: Error, CustomStringConvertible, Equatable {
    /// A file could not be read.
    case io(path: String, reason: String)
    /// A shape, stride, slice or element type that the operation cannot accept.
    case invalidShape(String)
    /// An operation that the element type does not support (for example slicing inside a block).
    case unsupported(String)

    public var description: String {
        switch self {
        case .io(let path, let reason): return "\(path): \(reason)"
        case .invalidShape(let message): return "invalid tensor shape: \(message)"
        case .unsupported(let message): return "unsupported tensor operation: \(message)"
        }
    }
}
