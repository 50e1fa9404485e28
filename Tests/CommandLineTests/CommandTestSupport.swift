import Transformer
import Foundation
import GaliCommandLine

/// Runs `gali` in-process and captures what it prints.
struct ToolRun {
    let status: Int32
    let output: String
    let errors: String
}

/// Collected text of a stream.
final class TextSink: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    func append(_ piece: String) { lock.lock(); text += piece; lock.unlock() }
    var value: String { lock.lock(); defer { lock.unlock() }; return text }
}

enum Tool {
    /// The repository root (for expcfg/ and its tiny data).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// `gali <arguments>`.
    static func run(_ arguments: [String]) -> ToolRun {
        let output = TextSink(), errors = TextSink()
        let streams = OutputStreams(writeOut: output.append, writeError: errors.append, errorIsTerminal: false)
        let status = GaliTool.run(arguments, output: streams)
        return ToolRun(status: status, output: output.value, errors: errors.value)
    }

    /// A fresh temporary folder.
    static func temporaryDirectory(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + name + "-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The default model's path when it is present (tests that need it skip otherwise).
    static var modelPath: String? {
        FileManager.default.fileExists(atPath: DefaultModel.path) ? DefaultModel.path : nil
    }

    /// A JSON file's object.
    static func json(_ path: String) throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw NSError(domain: "test", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot read JSON \(path)"])
        }
        return object
    }
}
