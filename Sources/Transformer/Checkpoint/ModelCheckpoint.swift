import Foundation
import Tensor
import ModelFiles

/// Where a checkpoint came from, for readers of parts other than the weights (the tokenizer).
public enum CheckpointSource: Sendable {
    /// A single GGUF file (tokenizer in its `tokenizer.ggml.*` metadata).
    case gguf(GGUFFile)
    /// A Hugging Face directory (`config.json`, safetensors, `tokenizer.json`).
    case huggingFace(directory: String)
}

/// A LLaMA checkpoint opened for inference: a GGUF file or a Hugging Face directory
/// (`config.json` plus `model.safetensors` or sharded safetensors with
/// `model.safetensors.index.json`). Its configuration is validated and every weight is checked
/// against it; the weights view the memory-mapped files.
public final class ModelCheckpoint: @unchecked Sendable {
    /// The file or directory the checkpoint was opened from.
    public let path: String
    /// The validated hyper-parameters.
    public let configuration: LlamaConfiguration
    /// The weights, shape-checked against `configuration`.
    public let weights: LlamaWeights
    /// The underlying file or directory, for the tokenizer.
    public let source: CheckpointSource
    /// The safetensors files of a Hugging Face checkpoint (nil for GGUF).
    public let safetensors: SafetensorsShards?

    /// Name of the configuration file in a Hugging Face directory.
    public static let configFileName = "config.json"

    /// Opens `path`: a directory is read as a Hugging Face checkpoint, a file as GGUF.
    public static func open(path: String) throws -> ModelCheckpoint {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ModelFileError(path: path, reason: "does not exist")
        }
        if isDirectory.boolValue { return try ModelCheckpoint(huggingFaceDirectory: path) }
        let name = (path as NSString).lastPathComponent
        if name == configFileName || name.hasSuffix(".safetensors") || name == SafetensorsShards.indexFileName {
            throw ModelFileError(path: path, reason: "is part of a Hugging Face checkpoint; pass the directory that holds it")
        }
        return try ModelCheckpoint(gguf: try GGUFFile(path: path))
    }

    /// Reads the configuration and weights of a parsed GGUF file.
    public init(gguf file: GGUFFile) throws {
        path = file.path
        configuration = try LlamaConfiguration(gguf: file)
        weights = try LlamaWeights(gguf: file, configuration: configuration)
        source = .gguf(file)
        safetensors = nil
    }

    /// Reads a Hugging Face checkpoint directory.
    public init(huggingFaceDirectory directory: String) throws {
        let configPath = (directory as NSString).appendingPathComponent(ModelCheckpoint.configFileName)
        guard FileManager.default.fileExists(atPath: configPath) else {
            throw ModelFileError(path: configPath, reason: "does not exist; a Hugging Face checkpoint directory needs it")
        }
        path = directory
        configuration = try LlamaConfiguration(huggingFaceConfigAt: configPath)
        let shards = try SafetensorsShards(directory: directory)
        weights = try LlamaWeights(huggingFace: shards, configuration: configuration)
        source = .huggingFace(directory: directory)
        safetensors = shards
    }
}
