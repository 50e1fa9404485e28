import Tensor

extension ModelCheckpoint {
    /// The checks a checkpoint must pass before the decoder can run it, and what they compute:
    /// full rotary embedding, a head dimension within the attention kernel's limit, a context of
    /// at least 2 tokens, and rotary frequencies (RoPE scaling kind, GGUF `rope_freqs`) it can
    /// build. `LlamaModel(checkpoint:)` uses this, so these checks exist once.
    func positioningContext() throws -> PositioningContext {
        func failure(_ reason: String) -> ModelFileError { ModelFileError(path: path, reason: reason) }
        guard configuration.rotaryDimension == configuration.headDimension else {
            throw failure("partial rotary embedding (\(configuration.rotaryDimension) of \(configuration.headDimension) dimensions) is not supported")
        }
        guard configuration.headDimension <= 512 else {
            throw failure("head dimension \(configuration.headDimension) is larger than the attention kernel's limit of 512")
        }
        guard configuration.contextLength >= 2 else {
            throw failure("context length \(configuration.contextLength) is too short; a model needs at least 2 positions")
        }
        var frequencyFactors: [Float]?
        if case .gguf(let file) = source, file.hasTensor(named: "rope_freqs.weight") {
            frequencyFactors = try file.tensor(named: "rope_freqs.weight").floatValues()
        }
        let frequencies: RotaryFrequencies
        do {
            frequencies = try configuration.rotaryFrequencies(frequencyFactors: frequencyFactors)
        } catch let error as ModelFileError {
            throw failure(error.reason)
        }
        return PositioningContext(baseFrequencies: frequencies, ropeBase: configuration.ropeBase,
                                  rotaryDimension: configuration.rotaryDimension, contextLength: configuration.contextLength)
    }

    /// Runs every check the model and tokenizer loaders run (the decoder's, then the
    /// tokenizer's) and returns the tokenizer. `gali info` and `ModelFactory` both call it, so a
    /// checkpoint `info` accepts loads, and one it rejects fails with the same message.
    public func validateForInference() throws -> Tokenizer {
        _ = try positioningContext()
        return try Tokenizer.load(checkpoint: self)
    }
}
