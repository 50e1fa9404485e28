import Foundation

/// The default model: SmolLM2-135M-Instruct (Q4_1 GGUF) in the model cache,
/// `$GALI_MODEL_DIR` or `~/.cache/swift-gali/models/`, where `scripts/fetch-model` and
/// `gali fetch-model` put it. Used when no model path is given.
public enum DefaultModel {
    /// File name of the default model inside the cache directory.
    public static let fileName = "SmolLM2-135M-Instruct.Q4_1.gguf"
    /// SHA-256 of the default model file.
    public static let sha256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"

    /// The cache directory for fetched models.
    public static var cacheDirectory: String {
        if let directory = ProcessInfo.processInfo.environment["GALI_MODEL_DIR"], !directory.isEmpty { return directory }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/swift-gali/models").path
    }

    /// Full path of the default model file (which may not exist yet).
    public static var path: String { (cacheDirectory as NSString).appendingPathComponent(fileName) }

    /// `path` when given, else the default model when it is present.
    public static func resolve(_ path: String?) throws -> String {
        if let path { return path }
        guard FileManager.default.fileExists(atPath: DefaultModel.path) else {
            throw ModelFileError(path: DefaultModel.path, reason: "no model path given and the default model is not here; run `gali fetch-model` (or scripts/fetch-model) first")
        }
        return DefaultModel.path
    }
}
