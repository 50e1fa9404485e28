import Transformer

extension DefaultModel {
    /// `path` when given (`--model`), else the default model; a missing default model is a
    /// command-line error telling how to fetch it.
    static func resolveOption(_ path: String?) throws -> String {
        do { return try resolve(path) } catch {
            throw CommandLineError("no --model given and the default model is not at \(DefaultModel.path); run `gali fetch-model` (or scripts/fetch-model) first")
        }
    }
}
