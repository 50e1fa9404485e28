/// A problem with how the tool was invoked; printed as one line and exit status 2.
public struct CommandLineError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
