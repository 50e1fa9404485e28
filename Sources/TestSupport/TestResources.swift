import Foundation

/// Locates the SmolLM2 model and the shared reference data for tests (a non-product target:
/// library users never see it). Returns nil when a resource is absent; test targets turn that
/// into a skip.
public enum TestResources {
    /// The SmolLM2 GGUF in `$GALI_MODEL_DIR` or `~/.cache/swift-gali/models/`, if present.
    public static var modelPath: String? {
        let directory = ProcessInfo.processInfo.environment["GALI_MODEL_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/swift-gali/models").path
        let path = (directory as NSString).appendingPathComponent("SmolLM2-135M-Instruct.Q4_1.gguf")
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The package root (found from this file's location).
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `$GALI_SHARED_DATA`, or `../shared/data` next to the package, if present.
    public static var sharedData: URL? {
        if let override = ProcessInfo.processInfo.environment["GALI_SHARED_DATA"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        let candidate = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
        return FileManager.default.fileExists(atPath: candidate.path) ? candidate : nil
    }

    /// A JSON object from the shared data, if present and well formed.
    public static func json(_ relativePath: String) -> [String: Any]? {
        guard let url = sharedData?.appendingPathComponent(relativePath),
              let data = try? Data(contentsOf: url) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// `first_2048` ids of `reference/tokens.json`.
    public static var referenceTokens: [Int]? {
        json("reference/tokens.json")?["first_2048"] as? [Int]
    }

    /// `results[key]` of `reference/nll.json`.
    public static func referenceResult(_ key: String) -> [String: Any]? {
        (json("reference/nll.json")?["results"] as? [String: Any])?[key] as? [String: Any]
    }
}

extension TestResources {
    /// `Tests/Fixtures/families`: tiny checkpoints of every model family with transformers'
    /// reference NLLs (made by `scripts/make-family-fixtures.py`).
    public static var familyFixtures: URL {
        packageRoot.appendingPathComponent("Tests/Fixtures/families")
    }

    /// The fixture folders, sorted by name.
    public static var familyFixtureNames: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: familyFixtures.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    /// `reference.json` of the fixture `name`, if present and well formed.
    public static func familyReference(_ name: String) -> [String: Any]? {
        let url = familyFixtures.appendingPathComponent(name).appendingPathComponent("reference.json")
        guard let data = try? Data(contentsOf: url) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}

extension TestResources {
    /// A temporary copy of the HF folder of family fixture `name` whose `config.json` went through
    /// `edit` (for tests of configurations the fixtures do not carry). The caller removes it.
    public static func editedFamilyFixture(_ name: String, _ edit: (inout [String: Any]) -> Void) throws -> String {
        let source = familyFixtures.appendingPathComponent(name)
        let directory = try TinyCheckpoint.temporaryDirectory("edited-\(name)")
        for file in ["model.safetensors", "tokenizer.json", "tokenizer_config.json"] {
            try FileManager.default.copyItem(atPath: source.appendingPathComponent(file).path,
                                             toPath: (directory as NSString).appendingPathComponent(file))
        }
        let data = try Data(contentsOf: source.appendingPathComponent("config.json"))
        var config = (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        edit(&config)
        try JSONSerialization.data(withJSONObject: config)
            .write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent("config.json")))
        return directory
    }
}
