import Foundation
import XCTest

/// Locates the SmolLM2 model and the shared reference data; tests skip when they are absent.
enum TestResources {
    static var modelPath: String? {
        let directory = ProcessInfo.processInfo.environment["GALI_MODEL_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/swift-gali/models").path
        let path = (directory as NSString).appendingPathComponent("SmolLM2-135M-Instruct.Q4_1.gguf")
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    static var sharedData: URL? {
        if let override = ProcessInfo.processInfo.environment["GALI_SHARED_DATA"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidate = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
        return FileManager.default.fileExists(atPath: candidate.path) ? candidate : nil
    }

    static func requireModel() throws -> String {
        guard let path = modelPath else { throw XCTSkip("SmolLM2 GGUF not found; run scripts/fetch-model") }
        return path
    }

    static func requireSharedData() throws -> URL {
        guard let url = sharedData else { throw XCTSkip("shared data (../shared/data) not found") }
        return url
    }

    static func json(_ relativePath: String) throws -> [String: Any] {
        let url = try requireSharedData().appendingPathComponent(relativePath)
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw XCTSkip("\(relativePath) is not a JSON object")
        }
        return object
    }

    /// `first_2048` ids of tokens.json.
    static func referenceTokens() throws -> [Int] {
        let tokens = try json("reference/tokens.json")
        guard let ids = tokens["first_2048"] as? [Int] else { throw XCTSkip("tokens.json has no first_2048") }
        return ids
    }

    /// `results[key]` of nll.json.
    static func referenceResult(_ key: String) throws -> [String: Any] {
        let nll = try json("reference/nll.json")
        guard let results = nll["results"] as? [String: Any], let result = results[key] as? [String: Any] else {
            throw XCTSkip("nll.json has no result \(key)")
        }
        return result
    }
}
