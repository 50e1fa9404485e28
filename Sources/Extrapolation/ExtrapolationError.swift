/// Errors of method lookup, parameters and length constraints; each names what was wrong.
public enum ExtrapolationError: Error, CustomStringConvertible, Equatable {
    /// No method registered under this name.
    case unknownMethod(name: String, known: [String])
    /// A parameter that is unknown, ill-typed, out of range or missing.
    case invalidParameter(method: String, name: String, message: String)
    /// The method cannot reach the requested length with these settings.
    case lengthNotSupported(method: String, requested: Int, maximum: Int, constraint: String)
    /// Two registrations claim the same name or alias.
    case duplicateName(String)
    /// Settings that contradict each other (for example a local window not below the window).
    case invalidConfiguration(method: String, message: String)

    public var description: String {
        switch self {
        case .unknownMethod(let name, let known):
            return "unknown method \"\(name)\"; known methods: \(known.joined(separator: ", "))"
        case .invalidParameter(let method, let name, let message):
            return "\(method): parameter \(name): \(message)"
        case .lengthNotSupported(let method, let requested, let maximum, let constraint):
            return "\(method) supports at most \(maximum) tokens with these settings (\(constraint)); \(requested) requested"
        case .duplicateName(let name):
            return "a method named \"\(name)\" is already registered"
        case .invalidConfiguration(let method, let message):
            return "\(method): \(message)"
        }
    }
}
