/// How a checkpoint stretches rotary position embedding beyond its training length, as declared
/// by the file (`rope_scaling` in `config.json`, `llama.rope.scaling.*` in GGUF).
public struct RopeScaling: Sendable, Equatable {
    /// The scaling method.
    public enum Kind: Sendable, Equatable, CustomStringConvertible {
        /// Position interpolation: positions divided by `factor`.
        case linear
        /// Dynamic NTK scaling.
        case dynamic
        /// YaRN.
        case yarn
        /// Llama 3's frequency-dependent scaling.
        case llama3
        /// LongRoPE / Phi-3 style per-dimension factors.
        case longrope
        /// Any other method, by the name the file uses.
        case other(String)

        /// The kind named `name` as files spell it (`"linear"`, `"yarn"`, ...).
        public init(name: String) {
            switch name.lowercased() {
            case "linear": self = .linear
            case "dynamic": self = .dynamic
            case "yarn": self = .yarn
            case "llama3": self = .llama3
            case "longrope", "su": self = .longrope
            default: self = .other(name)
            }
        }

        /// The name as files spell it.
        public var name: String {
            switch self {
            case .linear: return "linear"
            case .dynamic: return "dynamic"
            case .yarn: return "yarn"
            case .llama3: return "llama3"
            case .longrope: return "longrope"
            case .other(let name): return name
            }
        }

        public var description: String { name }
    }

    /// The scaling method.
    public var kind: Kind
    /// The length multiplier (1 when the file gives none).
    public var factor: Double
    /// The context length the model was trained with before scaling, if given.
    public var originalContextLength: Int?
    /// Every other key of the file's scaling entry (`low_freq_factor`, `attn_factor`, ...), by
    /// the name the file uses.
    public var parameters: [String: ConfigurationValue]

    /// Creates a scaling description.
    public init(kind: Kind, factor: Double, originalContextLength: Int? = nil, parameters: [String: ConfigurationValue] = [:]) {
        self.kind = kind
        self.factor = factor
        self.originalContextLength = originalContextLength
        self.parameters = parameters
    }
}

/// A loosely typed value from a configuration file (a rope-scaling parameter, say).
public enum ConfigurationValue: Sendable, Equatable, CustomStringConvertible {
    /// A number (integers included).
    case number(Double)
    /// A string.
    case string(String)
    /// A boolean.
    case bool(Bool)
    /// A list of values.
    case array([ConfigurationValue])

    /// The value as a number, if it is one.
    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    public var description: String {
        switch self {
        case .number(let value):
            return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .string(let value): return "\"\(value)\""
        case .bool(let value): return String(value)
        case .array(let values): return "[" + values.map(\.description).joined(separator: ", ") + "]"
        }
    }
}
