import Transformer
import Foundation
import ModelFiles

/// What an experiment ran with, resolved (method's canonical name, model file, original window,
/// chat format), saved in the experiment folder as `config.json` beside the config as written.
public struct RunDescription: Codable, Equatable, Sendable {
    /// Task name (`pg19`, `passkey`, ...).
    public var task: String
    /// The experiment folder name (after any `_1` suffix).
    public var experiment: String
    /// Row label in collected tables.
    public var label: String
    /// The method's canonical name.
    public var method: String
    /// Every method parameter (defaults included), as text.
    public var parameters: [String: String]
    /// Model path used.
    public var model: String
    /// The original window W.
    public var originalWindow: Int
    /// The target length.
    public var maxPE: Int
    /// Random seed.
    public var seed: Int
    /// Linear-layer precision.
    public var precision: String
    /// The chat wrapping used (never `auto`).
    public var chatFormat: String
    /// The system message of chat-wrapped prompts.
    public var systemPrompt: String
    /// The reference's test mode.
    public var test: Bool

    enum CodingKeys: String, CodingKey {
        case task, experiment, label, method, parameters, model, seed, precision, test
        case originalWindow = "original_window"
        case maxPE = "max_pe"
        case chatFormat = "chat_format"
        case systemPrompt = "system_prompt"
    }
}

/// The contents of `config.json`: the config as written, the resolved description, and a
/// fingerprint of everything that changes results (used to refuse resuming or joining shards
/// under a different config).
struct SavedConfig: Decodable {
    var resolved: RunDescription
    var fingerprint: String

    /// `config.json` text.
    static func text(config: ExperimentConfig, resolved: RunDescription, fingerprint: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let resolvedText = String(decoding: try encoder.encode(resolved), as: UTF8.self)
        return "{\n\"config\": " + config.table.jsonText(indent: 4) + ",\n\"resolved\": " + resolvedText
            + ",\n\"fingerprint\": " + JSONText.string(fingerprint) + "\n}\n"
    }

    /// The fingerprint: the config without keys that do not change results (`threads`, `label`,
    /// `exp_name`), the model file's name and size, and the original window.
    static func fingerprint(config: ExperimentConfig, modelPath: String, originalWindow: Int) -> String {
        var table = config.table
        for key in ["threads", "label", "exp_name", "model"] { table[key] = nil }
        let size = (try? FileManager.default.attributesOfItem(atPath: modelPath)[.size] as? NSNumber)?.intValue ?? -1
        return table.jsonText(indent: 0) + " model=" + (modelPath as NSString).lastPathComponent + ":\(size) window=\(originalWindow)"
    }
}
