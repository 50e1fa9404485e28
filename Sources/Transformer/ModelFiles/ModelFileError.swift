/// A model file or directory that cannot be used, with the file and the problem named.
public struct ModelFileError: Error, CustomStringConvertible, Equatable {
    /// The file or directory at fault.
    public let path: String
    /// What is wrong with it.
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
