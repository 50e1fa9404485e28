import Foundation
import Tensor
import TestSupport
import Transformer
import XCTest

/// The fuzz suite over model files: seeded mutated, truncated and crafted GGUF files, mutated
/// `tokenizer.json`, `config.json` and safetensors headers (see `ModelFileFuzzer`). Every case
/// must load or throw a one-line `ModelFileError` naming the file, with the bytes charged to
/// `LoadAccounting` within `LoadAccounting.budget(fileSize:)`.
///
/// `GALI_FUZZ_CASES`, `GALI_FUZZ_SEED` and `GALI_FUZZ_FIRST` change the run (the soak script,
/// scripts/fuzz-soak, uses them); by default 3,000 cases of seed 1.
final class ModelFilesFuzzTests: XCTestCase {
    private static func setting(_ name: String) -> UInt64? {
        ProcessInfo.processInfo.environment[name].flatMap { UInt64($0) }
    }

    func testFuzzedModelFilesLoadOrNameTheProblemWithinBudget() throws {
        let fuzzer = try ModelFileFuzzer()
        let seed = Self.setting("GALI_FUZZ_SEED") ?? 1
        let first = Int(Self.setting("GALI_FUZZ_FIRST") ?? 0)
        let count = Int(Self.setting("GALI_FUZZ_CASES") ?? 3000)
        var loaded = 0, rejected = 0, unexpected = 0, overBudget = 0, slow = 0
        var worstRatio = 0.0
        for index in first..<(first + count) {
            let fuzzCase = fuzzer.makeCase(index: index, seed: seed)
            let result = fuzzer.run(fuzzCase)
            switch result.outcome {
            case .loaded: loaded += 1
            case .rejected: rejected += 1
            case .unexpected(let message):
                unexpected += 1
                XCTFail("case \(index) (\(fuzzCase.kind), seed \(seed)): \(message)")
            }
            if result.chargedBytes > result.budget {
                overBudget += 1
                XCTFail("case \(index) (\(fuzzCase.kind), seed \(seed)): charged \(result.chargedBytes) bytes for a \(fuzzCase.bytes.count)-byte file (budget \(result.budget))")
            }
            if result.seconds > 5 {
                slow += 1
                XCTFail("case \(index) (\(fuzzCase.kind), seed \(seed)) took \(result.seconds) s")
            }
            worstRatio = max(worstRatio, Double(result.chargedBytes) / Double(max(fuzzCase.bytes.count, 1)))
        }
        print("fuzz model files: seed \(seed), cases \(first)..<\(first + count): \(loaded) loaded, \(rejected) rejected, "
              + "\(unexpected) unexpected, \(overBudget) over budget, \(slow) slow (> 5 s); "
              + "largest charge \(String(format: "%.2f", worstRatio))x the file size")
        XCTAssertGreaterThan(loaded, count / 50, "the cases must include files that load")
        XCTAssertGreaterThan(rejected, count / 4, "the cases must include files that are rejected")
    }

    /// The same seed gives the same files.
    func testCasesAreDeterministic() throws {
        let fuzzer = try ModelFileFuzzer()
        for index in [0, 17, 999] {
            XCTAssertEqual(fuzzer.makeCase(index: index, seed: 7).bytes, fuzzer.makeCase(index: index, seed: 7).bytes)
        }
        XCTAssertNotEqual(fuzzer.makeCase(index: 3, seed: 7).bytes, fuzzer.makeCase(index: 3, seed: 8).bytes)
    }
}
