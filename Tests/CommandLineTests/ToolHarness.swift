import Foundation
import TestSupport

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
