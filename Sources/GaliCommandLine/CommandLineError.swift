/// A problem with how the tool was invoked; printed as one line and exit status 2.
public struct CommandLineError: Error, CustomStringConvertible {
    /// What went wrong, in one line.
    public let message: String
    /// An error with the given one-line message.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
