/// One subcommand of the `gali` tool.
public protocol Command {
    /// The word that selects the command (`generate`, `score`, ...).
    static var name: String { get }
    /// One line for the command list.
    static var summary: String { get }
    /// Full `--help` text: usage line and every option.
    static var help: String { get }
    /// Options that take a value (names without dashes).
    static var options: Set<String> { get }
    /// Boolean flags (names without dashes).
    static var flags: Set<String> { get }
    /// Runs the command; throws to report failure.
    static func run(_ arguments: ParsedArguments, output: OutputStreams) throws
}
