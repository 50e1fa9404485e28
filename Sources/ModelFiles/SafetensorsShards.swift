import Foundation
import Tensor

/// The safetensors files of one Hugging Face checkpoint, seen as a single tensor namespace:
/// either one `model.safetensors` or the shards listed by `model.safetensors.index.json`
/// (`weight_map`: tensor name → shard file name).
public final class SafetensorsShards: @unchecked Sendable {
    /// The files, in the order they were opened.
    public let files: [SafetensorsFile]
    /// The file holding each tensor name.
    private let owner: [String: Int]

    /// Name of the single-file checkpoint inside a directory.
    public static let singleFileName = "model.safetensors"
    /// Name of the shard index inside a directory.
    public static let indexFileName = "model.safetensors.index.json"

    /// The directory (or single file) errors about missing tensors name.
    public let location: String

    /// Combines already opened files; a tensor name may appear in only one of them. `location`
    /// (default: the first file's path) names the set in errors about absent tensors.
    public init(files: [SafetensorsFile], location: String? = nil) throws {
        var owner: [String: Int] = [:]
        for (position, file) in files.enumerated() {
            for info in file.tensorInfos {
                if let other = owner.updateValue(position, forKey: info.name) {
                    throw ModelFileError(path: file.path, reason: "tensor \"\(info.name)\" is also in \(files[other].path)")
                }
            }
        }
        self.files = files
        self.owner = owner
        self.location = location ?? files.first?.path ?? "(no safetensors files)"
    }

    /// Opens the safetensors checkpoint in `directory`: the shard index when present, else
    /// `model.safetensors`. Every shard the index names must exist and hold the tensors the
    /// index assigns to it.
    public convenience init(directory: String) throws {
        let indexPath = (directory as NSString).appendingPathComponent(SafetensorsShards.indexFileName)
        let singlePath = (directory as NSString).appendingPathComponent(SafetensorsShards.singleFileName)
        let manager = FileManager.default
        if manager.fileExists(atPath: indexPath) {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: indexPath)) } catch {
                throw ModelFileError(path: indexPath, reason: "cannot be read (\(JSONFields.oneLine(error)))")
            }
            let index = try JSONFields.parse(data, path: indexPath, what: "the shard index")
            guard let weightMap = index.object["weight_map"] as? [String: Any] else {
                throw ModelFileError(path: indexPath, reason: "has no \"weight_map\" object")
            }
            var assignments: [String: String] = [:]
            for (tensor, value) in weightMap {
                guard let file = value as? String, !file.isEmpty, !file.contains("/"), file != "..", file != "." else {
                    throw ModelFileError(path: indexPath, reason: "weight_map entry for \"\(tensor)\" is not a file name in the same directory")
                }
                assignments[tensor] = file
            }
            let shardNames = Set(assignments.values).sorted()
            guard !shardNames.isEmpty else {
                throw ModelFileError(path: indexPath, reason: "weight_map is empty")
            }
            var files: [SafetensorsFile] = []
            for name in shardNames {
                let shardPath = (directory as NSString).appendingPathComponent(name)
                guard manager.fileExists(atPath: shardPath) else {
                    throw ModelFileError(path: shardPath, reason: "is listed in \(SafetensorsShards.indexFileName) but does not exist")
                }
                files.append(try SafetensorsFile(path: shardPath))
            }
            try self.init(files: files, location: directory)
            for (tensor, file) in assignments.sorted(by: { $0.key < $1.key }) {
                let shardPath = (directory as NSString).appendingPathComponent(file)
                guard let holder = self.file(holding: tensor) else {
                    throw ModelFileError(path: shardPath, reason: "has no tensor \"\(tensor)\", which \(SafetensorsShards.indexFileName) places there")
                }
                guard holder.path == shardPath else {
                    throw ModelFileError(path: indexPath, reason: "places tensor \"\(tensor)\" in \(file) but it is in \(holder.path)")
                }
            }
        } else if manager.fileExists(atPath: singlePath) {
            try self.init(files: [try SafetensorsFile(path: singlePath)], location: singlePath)
        } else {
            throw ModelFileError(path: directory, reason: "has neither \(SafetensorsShards.singleFileName) nor \(SafetensorsShards.indexFileName)")
        }
    }

    /// The file holding tensor `name`, if any.
    public func file(holding name: String) -> SafetensorsFile? {
        owner[name].map { files[$0] }
    }

    /// Whether a tensor named `name` exists in any file.
    public func hasTensor(named name: String) -> Bool { owner[name] != nil }

    /// The directory entry of tensor `name`, if present.
    public func tensorInfo(named name: String) -> SafetensorsTensorInfo? {
        file(holding: name)?.tensorInfo(named: name)
    }

    /// Every tensor's directory entry, file by file.
    public var tensorInfos: [SafetensorsTensorInfo] { files.flatMap(\.tensorInfos) }

    /// Total size of the files in bytes.
    public var totalFileSize: Int { files.reduce(0) { $0 + $1.fileSize } }

    /// The tensor named `name`, viewing its mapped file.
    public func tensor(named name: String) throws -> Tensor {
        guard let file = file(holding: name) else {
            throw ModelFileError(path: location, reason: "has no tensor named \(ModelFileError.quoted(name))")
        }
        return try file.tensor(named: name)
    }
}
