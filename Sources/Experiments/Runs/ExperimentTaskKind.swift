/// The experiments `gali run` knows (the reference's `task =` values).
public enum ExperimentTaskKind: String, CaseIterable, Sendable {
    /// Perplexity of long texts by length (the reference's PG19 test).
    case pg19
    /// Pass-key retrieval in synthetic filler (or prompts from a JSONL file).
    case passkey
    /// Pass-key retrieval on a grid of context lengths × needle depths.
    case needle
    /// LongBench datasets, scored with each dataset's metric.
    case longbench
    /// L-Eval closed-ended tasks, scored by exact match after answer extraction.
    case leval
    /// RULER's synthetic tasks (and QA from user files), generated offline per length.
    case ruler

    /// The kind a config's `task` names; accepts the reference's spelling `passkey_retreival`
    /// and the corrected `passkey_retrieval`.
    public init?(configName: String) {
        switch configName {
        case "passkey_retreival", "passkey_retrieval": self = .passkey
        default: self.init(rawValue: configName)
        }
    }

    /// Every accepted spelling, for messages.
    public static let acceptedNames = ["pg19", "passkey", "passkey_retreival", "needle", "longbench", "leval", "ruler"]

    /// The folder under the results root (`results/<task>/pred/<exp_name>/`).
    public var directoryName: String { rawValue }
}
