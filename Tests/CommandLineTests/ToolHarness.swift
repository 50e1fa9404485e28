import Foundation
import GaliCommandLine
import TestSupport

/// Runs `gali` in-process with captured output.
struct ToolRun {
    let status: Int32
    let output: String
    let error: String
}

final class CapturedText: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    func append(_ piece: String) { lock.lock(); text += piece; lock.unlock() }
    var value: String { lock.lock(); defer { lock.unlock() }; return text }
}

func runTool(_ arguments: [String]) -> ToolRun {
    let out = CapturedText(), err = CapturedText()
    let streams = OutputStreams(writeOut: out.append, writeError: err.append, errorIsTerminal: false)
    let status = GaliTool.run(arguments, output: streams)
    return ToolRun(status: status, output: out.value, error: err.value)
}

/// A tiny random checkpoint written once per test process (GGUF with a tokenizer).
enum TinyModelFile {
    static let path: String = {
        let directory = (try? TinyCheckpoint.temporaryDirectory("cli")) ?? NSTemporaryDirectory()
        let path = directory + "/tiny.gguf"
        try? TinyCheckpoint().writeGGUF(to: path)
        return path
    }()
}

/// Writes `text` to a temporary file and returns its path.
func temporaryFile(_ text: String, name: String = "input.txt") throws -> String {
    let directory = try TinyCheckpoint.temporaryDirectory("cli-file")
    let path = directory + "/" + name
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
