/// Which task an experiment runs: a registered `ExperimentTask` type, compared by name.
public struct ExperimentTaskKind: @unchecked Sendable, Hashable, CustomStringConvertible {
    /// The task type.
    public let type: any ExperimentTask.Type

    /// The kind of task `type`.
    public init(_ type: any ExperimentTask.Type) {
        self.type = type
    }

    /// The registered task a config's `task` (or `--task`) names, by name or alias (e.g. the
    /// reference's `passkey_retreival`); nil when none.
    public init?(configName: String) {
        guard let type = ExperimentTasks.all.first(where: { $0.name == configName || $0.aliases.contains(configName) }) else { return nil }
        self.type = type
    }

    /// Every accepted spelling, for messages.
    public static var acceptedNames: [String] { ExperimentTasks.all.flatMap { [$0.name] + $0.aliases } }

    /// The task's name.
    public var name: String { type.name }
    /// The folder under the results root (`results/<task>/pred/<exp_name>/`).
    public var directoryName: String { type.name }
    /// The task's name.
    public var description: String { type.name }

    /// Kinds are equal when they name the same task.
    public static func == (lhs: ExperimentTaskKind, rhs: ExperimentTaskKind) -> Bool { lhs.name == rhs.name }

    /// Hashes the name.
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}
