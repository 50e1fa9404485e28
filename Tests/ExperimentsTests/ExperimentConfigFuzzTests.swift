import Foundation
import Tensor
import XCTest
@testable import Experiments

/// The fuzz suite over experiment configs: seeded TOML texts with hostile counts, names, types
/// and bytes. Every case must parse or throw an `ExperimentConfigError`; an accepted config has
/// an acceptable experiment name, and planning a synthetic task stays within
/// `ConfigLimits.maximumWorkItems` items and never holds prompt text per item.
///
/// `GALI_FUZZ_CONFIGS` and `GALI_FUZZ_SEED` change the run (scripts/fuzz-soak uses them); by
/// default 1,000 configs of seed 1.
final class ExperimentConfigFuzzTests: XCTestCase {
    static let bases = [
        "task = \"passkey\"\nexp_name = \"pk\"\nmethod = \"original\"\nmax_pe = 4096\ntimes = 5\nn_garbage = 1000\n",
        "task = \"needle\"\nexp_name = \"nd\"\nmethod = \"self_extend\"\nmax_pe = 8192\ntimes = 2\nmin_k = 2\nmax_k = 8\ngap = 2\ndepths = 4\n"
            + "ori_max_position_embeddings = 4096\n[params]\ngroup_size = 4\nwindow_size = 512\n",
        "task = \"pg19\"\nexp_name = \"pg\"\nmethod = \"ntk\"\nmax_pe = 4096\nstride = 512\nfactor = 2.0\n",
        "task = \"longbench\"\nexp_name = \"lb\"\nmethod = \"dpi\"\nmax_pe = 16384\ndatasets = [\"qasper\"]\nmax_new_tokens = 64\n"
            + "analysis_layers = [0, 1]\nanalysis_resolution = 64\n",
    ]
    static let keys = ["max_pe", "times", "n_garbage", "min_k", "max_k", "gap", "depths", "stride", "seed", "threads",
                       "max_new_tokens", "ori_max_position_embeddings", "analysis_length", "analysis_resolution",
                       "exp_name", "label", "params.window_size", "params.group_size", "unknown_key"]
    static let values = ["1000000000000", "10000000", "100001", "-1", "0", "1", "2", "12345678901234567890123", "9223372036854775807",
                         "\"../../../x\"", "\"/abs/path\"", "\"a\\nb\"", "\"a\\u0000b\"", "\"..\"", "\"all\"", "\"x.shard-1\"",
                         "\"ok_name\"", "1.5", "true", "[1, 2]", "{}", "\"\"", "\"a\\\\b\"", "\"\\u0007bell\""]

    static func makeCase(index: Int, seed: UInt64) -> String {
        var random = SeededRandom(seed: seed &* 0x9E37_79B9 &+ UInt64(index))
        var text = bases[Int(random.next() % UInt64(bases.count))]
        for _ in 0..<(1 + Int(random.next() % 3)) {
            let key = keys[Int(random.next() % UInt64(keys.count))]
            let value = values[Int(random.next() % UInt64(values.count))]
            if key.hasPrefix("params.") {
                if !text.contains("[params]") { text += "[params]\n" }
                text += key.dropFirst(7) + " = " + value + "\n"
            } else {
                text = key + " = " + value + "\n" + text.split(separator: "\n").filter { !$0.hasPrefix(key + " ") }.joined(separator: "\n") + "\n"
            }
        }
        var bytes = Array(text.utf8)
        switch random.next() % 6 {
        case 0: bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count + 1))))
        case 1:
            for _ in 0..<(1 + Int(random.next() % 4)) {
                bytes[Int(random.next() % UInt64(bytes.count))] ^= UInt8(truncatingIfNeeded: 1 + random.next() % 127)
            }
        default: break
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func testFuzzedConfigsParseOrNameTheKey() throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["GALI_FUZZ_SEED"].flatMap { UInt64($0) } ?? 1
        let count = environment["GALI_FUZZ_CONFIGS"].flatMap { Int($0) } ?? 1000
        var accepted = 0, rejected = 0, planned = 0, slow = 0
        for index in 0..<count {
            let text = Self.makeCase(index: index, seed: seed)
            let start = Date()
            do {
                let config = try ExperimentConfig(parsing: text, file: "fuzz.toml")
                accepted += 1
                XCTAssertNil(ExperimentName.problem(config.experimentName), "case \(index): accepted exp_name \(config.experimentName.debugDescription)")
                let items: Int?
                switch config.task {
                case .passkey: items = try? PassKeyTask(config: config, paths: PathResolver()).plan().count
                case .needle: items = try? NeedleTask(config: config, paths: PathResolver()).plan().count
                default: items = nil
                }
                if let items {
                    planned += 1
                    XCTAssertLessThanOrEqual(items, ConfigLimits.maximumWorkItems, "case \(index): \(items) work items")
                }
            } catch let error as ExperimentConfigError {
                rejected += 1
                XCTAssertFalse(error.description.contains("\n"), "case \(index): error spans lines: \(error)")
            } catch {
                XCTFail("case \(index): threw \(type(of: error)): \(error)\n\(text)")
            }
            let seconds = Date().timeIntervalSince(start)
            if seconds > 5 {
                slow += 1
                XCTFail("case \(index) took \(seconds) s:\n\(text)")
            }
        }
        print("fuzz configs: seed \(seed), \(count) cases: \(accepted) accepted (\(planned) planned), \(rejected) rejected, \(slow) slow (> 5 s)")
        XCTAssertGreaterThan(accepted, count / 50, "the cases must include configs that are accepted")
        XCTAssertGreaterThan(rejected, count / 4, "the cases must include configs that are rejected")
    }
}
