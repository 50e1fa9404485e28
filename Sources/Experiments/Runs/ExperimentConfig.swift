import Extrapolation
import Foundation
import GALI
import Tensor

/// An experiment configuration in the reference's TOML layout (`pred.py --cfg`), checked.
///
/// The reference's keys are read unchanged — `model`, `exp_name`, `method` (its names such as
/// `dpi` or `repro_se` included), `test`, `max_pe`, `task`, `ori_max_position_embeddings`,
/// `stride`, `times`, `min_k`, `max_k`, `gap`, `n_garbage`, `factor` and the `[params]` table —
/// plus optional keys of ours (see `ExperimentConfig.keyDescriptions`). Unknown keys are errors;
/// keys the task does not use are warnings. Every error names the key and its line.
public struct ExperimentConfig: Sendable {
    /// How prompts are wrapped for chat models.
    public enum ChatFormat: String, Sendable, CaseIterable {
        /// `llama2` when the model path contains `Llama-2`, `llama3` when it contains `Llama-3`,
        /// else `template` when the tokenizer has a chat template, else `none`.
        case auto
        /// The reference's Llama-2 wrapping: `[INST]prompt[/INST]` (and `<<SYS>>` for L-Eval).
        case llama2
        /// The reference's Llama-3 wrapping: the tokenizer's chat template with a system message.
        case llama3
        /// Same as `llama3` (the model's own chat template, whatever the model).
        case template
        /// Plain prompts, no chat wrapping.
        case none
    }

    /// Settings for `gali analyze` (attention maps).
    public struct AnalysisSettings: Sendable, Equatable {
        /// Text file to run through the model (`analysis_text`, else `data_dir`; relative paths
        /// against the working directory).
        public var textPath: String?
        /// Tokens to analyse (default: `max_pe`, or fewer when the text is shorter).
        public var length: Int?
        /// `logits`, `scores` or both.
        public var quantities: [String]
        /// Layers averaged (nil: all).
        public var layers: [Int]?
        /// Cells per side of the averaged map.
        public var resolution: Int
    }

    /// Where the config came from (nil when parsed from text).
    public let file: String?
    /// The parsed table, as written (saved beside the results).
    public let table: TOMLTable
    /// The task.
    public let task: ExperimentTaskKind
    /// The folder name of the results (`exp_name`).
    public let experimentName: String
    /// Model path; nil for the default model.
    public let model: String?
    /// The method as written (a name or alias).
    public let methodName: String
    /// The method's registered (canonical) name.
    public let canonicalMethodName: String
    /// Method parameters from `[params]` (and a top-level `factor`); TOML integers are `.int`,
    /// floats `.double`.
    public let methodParameters: [String: ParameterValue]
    /// The reference's `test`: run only the first item (file, length, record) of each group.
    public let test: Bool
    /// The target context length (`max_pe`).
    public let maxPE: Int
    /// The original window W (`ori_max_position_embeddings`; nil: the model's context length).
    public let originalWindow: Int?
    /// Random seed (`seed`, default 42 as in the reference).
    public let seed: Int
    /// Linear-layer precision (`precision`: `fast` or `exact`).
    public let precision: Precision
    /// Key/value cache element type (`kv_type`: `f32` or `f16`; nil: the precision's default).
    public let cacheType: CacheElementType?
    /// Arithmetic of the attention products (`attention_products`: `f32` or `bf16`; nil: the precision's default).
    public let attentionProducts: AttentionProducts?
    /// Threads (`threads`; nil: all active cores).
    public var threads: Int?
    /// Row label in collected tables (`label`; default: `exp_name`).
    public let label: String
    /// Chat wrapping (`chat_format`).
    public let chatFormat: ChatFormat
    /// System message for chat-wrapped prompts (`system_prompt`; nil: the reference's).
    public let systemPrompt: String?
    /// `gali analyze` settings (`analysis_*` keys).
    public let analysis: AnalysisSettings
    /// Keys present but unused by this task, and similar notes.
    public let warnings: [String]
    /// Lines of the keys, for messages.
    let keyLines: ConfigKeyLines

    /// Typed lookups of this config's keys (tasks read their settings through it).
    public var reader: ConfigReader { ConfigReader(table: table, lines: keyLines, file: file) }

    /// What each common key means (the reference's keys first); each task adds its own
    /// (`ExperimentTask.configKeys`).
    public static let commonKeyDescriptions: [(key: String, meaning: String)] = [
        ("model", "model path (GGUF file or Hugging Face directory); omitted: the default SmolLM2 model"),
        ("exp_name", "experiment folder name under results/<task>/pred/"),
        ("method", "extrapolation method or the reference's alias (dpi, repro_se, repro_ntk, ...)"),
        ("test", "true: only the first item of each group (the reference's smoke test)"),
        ("max_pe", "target context length: prompts are truncated to it and the method must support it"),
        ("task", "the task: " + ExperimentTaskKind.acceptedNames.joined(separator: ", ")),
        ("ori_max_position_embeddings", "original window W (default: the model's context length)"),
        ("factor", "scaling factor for ntk/yarn/linear/dynamic_ntk (as the reference reads it for yarn and ntk)"),
        ("params", "table of method parameters"),
        ("seed", "random seed (default 42)"),
        ("precision", "fast (default) or exact linear layers"),
        ("kv_type", "key/value cache elements: f32 or f16 (default: f16 with fast precision, f32 with exact)"),
        ("attention_products", "f32, or bf16 products in prefill attention where the CPU has AVX512-BF16 (default: bf16 with fast precision, f32 with exact)"),
        ("threads", "threads (default: all active cores)"),
        ("label", "row label in collected tables (default: exp_name)"),
        ("chat_format", "auto (default), llama2, llama3, template or none"),
        ("system_prompt", "system message of chat-wrapped prompts (default: the reference's)"),
        ("analysis_text", "gali analyze: text file to run (default: data_dir)"),
        ("analysis_length", "gali analyze: tokens to analyse (default max_pe)"),
        ("analysis_quantity", "gali analyze: logits, scores or both (default both)"),
        ("analysis_layers", "gali analyze: layer indices to average (default all)"),
        ("analysis_resolution", "gali analyze: cells per side of the map (default 256)"),
    ]

    /// Every accepted top-level key: the common ones and those of every registered task.
    public static var acceptedKeys: [String] {
        var keys = commonKeyDescriptions.map(\.key)
        for task in ExperimentTasks.all {
            for (key, _) in task.configKeys where !keys.contains(key) { keys.append(key) }
        }
        return keys
    }

    /// Reads and checks the config file at `path`.
    public init(contentsOfFile path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExperimentConfigError(file: path, message: "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ExperimentConfigError(file: path, message: "is not UTF-8 text")
        }
        try self.init(parsing: text, file: path)
    }

    /// Parses and checks config `text` (`file` only names it in messages).
    public init(parsing text: String, file: String? = nil) throws {
        let registry = MethodRegistry.standard
        let document: TOMLDocument
        do {
            document = try TOMLDocument(parsing: text)
        } catch let error as TOMLError {
            throw ExperimentConfigError(file: file, line: error.line, message: "column \(error.column): \(error.message)")
        }
        let reader = ConfigReader(table: document.root, lines: ConfigKeyLines(source: text), file: file)
        let root = document.root

        let accepted = ExperimentConfig.acceptedKeys
        for key in root.keys where !accepted.contains(key) {
            throw reader.error(key, "unknown key; expected one of \(accepted.joined(separator: ", "))")
        }

        let taskName = try reader.requiredString("task")
        guard let task = ExperimentTaskKind(configName: taskName) else {
            throw reader.error("task", "unknown task \"\(taskName)\"; expected one of \(ExperimentTaskKind.acceptedNames.joined(separator: ", "))")
        }
        self.file = file
        self.table = root
        self.task = task
        self.keyLines = reader.lines

        let name = try reader.requiredString("exp_name")
        if let problem = ExperimentName.problem(name) { throw reader.error("exp_name", "\(name.debugDescription) \(problem)") }
        experimentName = name
        model = try reader.string("model")
        if let model, model.isEmpty { throw reader.error("model", "must not be empty (omit it for the default model)") }
        test = try reader.bool("test") ?? false
        maxPE = try reader.requiredInteger("max_pe", in: 2...ConfigLimits.maximumTokens)
        originalWindow = try reader.integer("ori_max_position_embeddings", in: 2...ConfigLimits.maximumTokens)
        // The task's own keys: checked now so that errors come before anything runs.
        _ = try task.type.readSettings(reader)
        seed = try reader.integer("seed", in: 0...Int.max) ?? 42
        let precisionName = try reader.string("precision") ?? "fast"
        guard let precision = Precision(rawValue: precisionName) else {
            throw reader.error("precision", "must be \"fast\" or \"exact\", not \"\(precisionName)\"")
        }
        self.precision = precision
        if let cacheTypeName = try reader.string("kv_type") {
            guard let cacheType = CacheElementType(rawValue: cacheTypeName) else {
                throw reader.error("kv_type", "must be \"f32\" or \"f16\", not \"\(cacheTypeName)\"")
            }
            self.cacheType = cacheType
        } else {
            cacheType = nil
        }
        if let productsName = try reader.string("attention_products") {
            guard let products = AttentionProducts(rawValue: productsName) else {
                throw reader.error("attention_products", "must be \"f32\" or \"bf16\", not \"\(productsName)\"")
            }
            attentionProducts = products
        } else {
            attentionProducts = nil
        }
        threads = try reader.integer("threads", in: 1...ConfigLimits.maximumThreads)
        label = try reader.nonEmptyString("label") ?? name
        let chatName = try reader.string("chat_format") ?? "auto"
        guard let chatFormat = ChatFormat(rawValue: chatName) else {
            throw reader.error("chat_format", "must be one of \(ChatFormat.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(chatName)\"")
        }
        self.chatFormat = chatFormat
        systemPrompt = try reader.string("system_prompt")

        let quantityName = try reader.string("analysis_quantity") ?? "both"
        let quantities: [String]
        switch quantityName {
        case "both": quantities = ["logits", "scores"]
        case "logits", "scores": quantities = [quantityName]
        default: throw reader.error("analysis_quantity", "must be logits, scores or both, not \"\(quantityName)\"")
        }
        let layers = try reader.integers("analysis_layers")
        if let layers, let bad = layers.first(where: { $0 < 0 || $0 > ConfigLimits.maximumLayerIndex }) {
            throw reader.error("analysis_layers", "layer indices must be from 0 to \(ConfigLimits.maximumLayerIndex), not \(bad)")
        }
        analysis = AnalysisSettings(textPath: try reader.nonEmptyString("analysis_text") ?? reader.nonEmptyString("data_dir"),
                                    length: try reader.integer("analysis_length", in: 2...ConfigLimits.maximumTokens),
                                    quantities: quantities, layers: layers,
                                    resolution: try reader.integer("analysis_resolution", in: 1...ConfigLimits.maximumResolution) ?? 256)

        // The method and its parameters, checked against the registry.
        methodName = try reader.requiredString("method")
        let methodType: any PositionalExtrapolation.Type
        do {
            methodType = try registry.type(named: methodName)
        } catch {
            throw reader.error("method", "\(error)")
        }
        let descriptor = methodType.descriptor
        canonicalMethodName = descriptor.name
        var parameters: [String: ParameterValue] = [:]
        if let params = try reader.table("params") {
            for (key, value) in params.entries {
                let path = "params." + key
                switch value {
                case .integer(let integer): parameters[key] = .int(integer)
                case .float(let number): parameters[key] = .double(number)
                case .boolean(let flag): parameters[key] = .bool(flag)
                case .string(let text): parameters[key] = .string(text)
                default: throw reader.error(path, "method parameters must be integers, floats, booleans or strings, not \(value.typeName)s")
                }
            }
        }
        var notes: [String] = []
        if let factor = root["factor"] {
            let value: ParameterValue
            switch factor {
            case .integer(let integer): value = .int(integer)
            case .float(let number): value = .double(number)
            default: throw reader.error("factor", "must be a number, not a \(factor.typeName)")
            }
            if descriptor.parameters.contains(where: { $0.name == "factor" }) {
                if let given = parameters["factor"], given.numericValue != value.numericValue {
                    throw reader.error("factor", "is \(value) but params.factor is \(given); give one of them")
                }
                if parameters["factor"] == nil { parameters["factor"] = value }
            } else {
                notes.append(reader.describe("factor") + "is not used by method \(descriptor.name)")
            }
        }
        do {
            _ = try MethodParameters(parameters, for: descriptor)
        } catch let error as ExtrapolationError {
            if case .invalidParameter(_, let parameter, let message) = error {
                let key = root["params"].flatMap { $0.tableValue?[parameter] } != nil ? "params." + parameter
                    : (parameter == "factor" && root["factor"] != nil ? "factor" : "params")
                throw reader.error(key, "\(descriptor.name): parameter \(parameter): \(message)")
            }
            throw reader.error("params", "\(error)")
        }
        methodParameters = parameters
        if let originalWindow {
            do {
                let method = try registry.make(MethodSpec(name: methodName, parameters: parameters), originalWindow: originalWindow)
                try method.validate(targetLength: maxPE)
            } catch {
                throw reader.error("max_pe", "\(error)")
            }
        }

        let used = Set(ExperimentConfig.commonKeyDescriptions.map(\.key) + task.type.configKeys.map(\.key))
        for key in root.keys where !used.contains(key) {
            notes.append(reader.describe(key) + "is not used by task \(task.name)")
        }
        notes += task.type.ignoredKeys(reader)
        warnings = notes
    }

    /// An error about `key` of this config, with the key's line.
    public func error(_ key: String, _ message: String) -> ExperimentConfigError {
        ExperimentConfigError(file: file, key: key, line: keyLines.line(of: key), message: message)
    }

    /// Checks that the config's `model` (resolved to `path`) exists; the reference's Hugging Face
    /// ids cannot be downloaded here.
    public func checkModelPath(_ path: String) throws {
        guard let model, !FileManager.default.fileExists(atPath: path) else { return }
        throw error("model", "\(model) is not a file or folder here (resolved to \(path)); give a local GGUF file or Hugging Face model folder, or omit `model` for the default SmolLM2 model")
    }

    /// The method spec to build.
    public var methodSpec: MethodSpec { MethodSpec(name: methodName, parameters: methodParameters) }

    /// Checks the method against `max_pe` for original window `window` (call once the model's
    /// window is known); the error names `max_pe`.
    public func validateMethod(originalWindow window: Int) throws {
        do {
            let method = try MethodRegistry.standard.make(methodSpec, originalWindow: window)
            try method.validate(targetLength: maxPE)
        } catch {
            let line = keyLines.line(of: "max_pe")
            throw ExperimentConfigError(file: file, key: "max_pe", line: line, message: "\(error)")
        }
    }
}

extension ParameterValue {
    /// The value as a number, when it is one.
    var numericValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }
}

