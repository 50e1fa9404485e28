import Foundation

/// Where a command writes: results to `standardOutput`, progress and diagnostics to
/// `standardError`. Tests substitute buffers.
public final class OutputStreams: @unchecked Sendable {
    private let writeOut: (String) -> Void
    private let writeError: (String) -> Void
    /// Whether standard error is an interactive terminal (progress lines are drawn only then).
    public let errorIsTerminal: Bool

    /// Streams that write through the given closures (tests capture output this way).
    public init(writeOut: @escaping (String) -> Void, writeError: @escaping (String) -> Void, errorIsTerminal: Bool) {
        self.writeOut = writeOut
        self.writeError = writeError
        self.errorIsTerminal = errorIsTerminal
    }

    /// The process's standard output and standard error.
    public static let process = OutputStreams(
        writeOut: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
        writeError: { text in FileHandle.standardError.write(Data(text.utf8)) },
        errorIsTerminal: isatty(2) == 1)

    /// Writes `text` to standard output (no newline added).
    public func write(_ text: String) { writeOut(text) }
    /// Writes `text` and a newline to standard output.
    public func print(_ text: String) { writeOut(text + "\n") }
    /// Writes `text` and a newline to standard error.
    public func printError(_ text: String) { writeError(text + "\n") }
    /// Writes raw text to standard error (for progress lines ending in "\r").
    public func writeError(_ text: String) { writeError(text) }
}
