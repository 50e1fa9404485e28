/// Problems running, resuming, merging or evaluating an experiment; each names what is wrong
/// and, where it helps, what to do.
public enum RunError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A malformed `--shard`.
    case invalidShard(String)
    /// An experiment name that is not a plain folder name (see `ExperimentName`).
    case invalidName(String)
    /// Input data missing or malformed (file, what is wrong).
    case invalidData(String)
    /// The experiment folder or its files do not allow this run (exists, differs, missing).
    case conflict(String)
    /// Saved predictions are incomplete or duplicated; nothing is reported.
    case incomplete(String)
    /// A results file cannot be read or written.
    case io(String)

    /// The message.
    public var description: String {
        switch self {
        case .invalidShard(let message), .invalidName(let message), .invalidData(let message), .conflict(let message),
             .incomplete(let message), .io(let message):
            return message
        }
    }
}
