/// The RULER tasks this project generates, with each one's settings from RULER's
/// `synthetic.yaml` and generation lengths and metrics from its task constants.
public enum RulerTaskName: String, CaseIterable, Sendable {
    case niahSingle1 = "niah_single_1"
    case niahSingle2 = "niah_single_2"
    case niahSingle3 = "niah_single_3"
    case niahMultikey1 = "niah_multikey_1"
    case niahMultikey2 = "niah_multikey_2"
    case niahMultikey3 = "niah_multikey_3"
    case niahMultivalue = "niah_multivalue"
    case niahMultiquery = "niah_multiquery"
    case vt
    case cwe
    case fwe
    case qa1 = "qa_1"
    case qa2 = "qa_2"

    /// The task category RULER reports.
    public enum Category: String, Sendable {
        case retrieval, tracing, aggregation, qa
    }

    /// The category.
    public var category: Category {
        switch self {
        case .vt: return .tracing
        case .cwe, .fwe: return .aggregation
        case .qa1, .qa2: return .qa
        default: return .retrieval
        }
    }

    /// The needle settings of a retrieval task (nil for the others).
    public var needleSettings: NeedleInHaystack.Settings? {
        typealias S = NeedleInHaystack.Settings
        switch self {
        case .niahSingle1: return S(haystack: .noise, keys: .words, values: .numbers, keyCount: 1, valueCount: 1, queryCount: 1)
        case .niahSingle2: return S(haystack: .essay, keys: .words, values: .numbers, keyCount: 1, valueCount: 1, queryCount: 1)
        case .niahSingle3: return S(haystack: .essay, keys: .words, values: .uuids, keyCount: 1, valueCount: 1, queryCount: 1)
        case .niahMultikey1: return S(haystack: .essay, keys: .words, values: .numbers, keyCount: 4, valueCount: 1, queryCount: 1)
        case .niahMultikey2: return S(haystack: .needles, keys: .words, values: .numbers, keyCount: 1, valueCount: 1, queryCount: 1)
        case .niahMultikey3: return S(haystack: .needles, keys: .uuids, values: .uuids, keyCount: 1, valueCount: 1, queryCount: 1)
        case .niahMultivalue: return S(haystack: .essay, keys: .words, values: .numbers, keyCount: 1, valueCount: 4, queryCount: 1)
        case .niahMultiquery: return S(haystack: .essay, keys: .words, values: .numbers, keyCount: 1, valueCount: 1, queryCount: 4)
        default: return nil
        }
    }

    /// Whether the task needs essays (`haystack_dir`).
    public var needsEssays: Bool { needleSettings?.haystack == .essay }

    /// The QA dataset file the task reads from `data_dir` (nil for synthetic tasks).
    public var dataFile: String? {
        switch self {
        case .qa1: return "squad.json"
        case .qa2: return "hotpotqa.json"
        default: return nil
        }
    }

    /// Tokens RULER lets the model generate (reserved in the length budget).
    public var tokensToGenerate: Int {
        switch category {
        case .retrieval: return 128
        case .tracing: return 30
        case .aggregation: return self == .cwe ? 120 : 50
        case .qa: return 32
        }
    }

    /// How answers are scored.
    public var metric: RulerScoring.Metric { category == .qa ? .stringMatchPart : .stringMatchAll }
}
