/// The config keys of `task = "ruler"`, read and checked.
public struct RulerSettings: Sendable, Equatable {
    /// The shortest length budget (RULER's prompts need room for their instructions).
    public static let minimumLength = 256
    /// The most samples per task × length a config may ask for.
    public static let maximumSamples = 100_000

    /// Tasks to run (`ruler_tasks`; nil: every task whose inputs are available).
    public var tasks: [RulerTaskName]?
    /// Length budgets in tokens (`lengths`), ascending, without repeats.
    public var lengths: [Int]
    /// Samples per task × length (`samples`, default 1).
    public var samples: Int
    /// Essays of the essay haystacks (`haystack_dir`).
    public var haystackDirectory: String?
    /// Folder with `squad.json` / `hotpotqa.json` for the QA tasks (`data_dir`).
    public var dataDirectory: String?
    /// Overrides RULER's answer allowance as generation limit (`max_new_tokens`).
    public var maxNewTokens: Int?

    /// Settings from their parts.
    public init(tasks: [RulerTaskName]?, lengths: [Int], samples: Int, haystackDirectory: String? = nil, dataDirectory: String? = nil,
                maxNewTokens: Int? = nil) {
        self.tasks = tasks
        self.lengths = lengths
        self.samples = samples
        self.haystackDirectory = haystackDirectory
        self.dataDirectory = dataDirectory
        self.maxNewTokens = maxNewTokens
    }

    /// The keys with what each means.
    public static let keys: [(key: String, meaning: String)] = [
        ("ruler_tasks", "ruler: task names (default: every task whose inputs are available)"),
        ("lengths", "ruler: length budgets in tokens (prompt plus answer), e.g. [4096, 8192]"),
        ("samples", "ruler: samples per task and length (default 1)"),
        ("haystack_dir", "ruler: folder of .txt essays for the essay haystacks"),
        ("data_dir", "ruler: folder with squad.json (SQuAD layout) and/or hotpotqa.json (HotpotQA layout) for qa_1/qa_2"),
        ("max_new_tokens", "ruler: generation limit (default: RULER's allowance per task)"),
    ]

    /// Reads the keys; errors name the key and its line. Lengths must lie in
    /// `minimumLength...max_pe`.
    static func read(_ reader: ConfigReader) throws -> RulerSettings {
        var tasks: [RulerTaskName]?
        if let names = try reader.strings("ruler_tasks") {
            if names.isEmpty { throw reader.error("ruler_tasks", "must name at least one task") }
            tasks = try names.map { name in
                guard let task = RulerTaskName(rawValue: name) else {
                    throw reader.error("ruler_tasks", "unknown RULER task \"\(name)\"; known: \(RulerTaskName.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return task
            }
        }
        let lengths = try reader.integers("lengths") ?? []
        if lengths.isEmpty { throw reader.error("lengths", "missing (required for this task): length budgets in tokens, e.g. [4096, 8192]") }
        let longest = try reader.requiredInteger("max_pe", in: 2...ConfigLimits.maximumTokens)
        if let bad = lengths.first(where: { $0 < minimumLength || $0 > longest }) {
            throw reader.error("lengths", "each length must be in \(minimumLength)...max_pe (\(longest)), not \(bad)")
        }
        let samples = try reader.integer("samples", in: 1...maximumSamples) ?? 1
        let items = (tasks?.count ?? RulerTaskName.allCases.count) * Set(lengths).count * samples
        if items > ConfigLimits.maximumWorkItems {
            throw reader.error("samples", "tasks × lengths × samples is \(items) prompts, more than the limit of \(ConfigLimits.maximumWorkItems)")
        }
        return RulerSettings(tasks: tasks, lengths: Array(Set(lengths)).sorted(), samples: samples,
                             haystackDirectory: try reader.nonEmptyString("haystack_dir"), dataDirectory: try reader.nonEmptyString("data_dir"),
                             maxNewTokens: try reader.integer("max_new_tokens", in: 1...ConfigLimits.maximumNewTokens))
    }
}
