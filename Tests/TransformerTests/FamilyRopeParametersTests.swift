import XCTest
import TestSupport
import Transformer

/// Configurations saved by transformers 5 keep RoPE base and scaling in `rope_parameters`.
final class FamilyRopeParametersTests: XCTestCase {
    func testTransformers5RopeParametersReadLikeTheClassicKeys() throws {
        let gemma3 = try TestResources.editedFamilyFixture("gemma3") { config in
            config.removeValue(forKey: "rope_theta")
            config.removeValue(forKey: "rope_local_base_freq")
            config["rope_parameters"] = ["full_attention": ["rope_type": "default", "rope_theta": 1_000_000.0],
                                         "sliding_attention": ["rope_type": "default", "rope_theta": 10_000.0]]
        }
        defer { try? FileManager.default.removeItem(atPath: gemma3) }
        let classic = try ModelCheckpoint.open(path: TestResources.familyFixtures.appendingPathComponent("gemma3").path).configuration
        XCTAssertEqual(try ModelCheckpoint.open(path: gemma3).configuration, classic)

        let llama = try TestResources.editedFamilyFixture("llama") { config in
            config.removeValue(forKey: "rope_theta")
            config["rope_parameters"] = ["rope_type": "linear", "factor": 4.0, "rope_theta": 10_000.0]
        }
        defer { try? FileManager.default.removeItem(atPath: llama) }
        let configuration = try ModelCheckpoint.open(path: llama).configuration
        XCTAssertEqual(configuration.ropeBase, 10_000)
        XCTAssertEqual(configuration.ropeScaling, RopeScaling(kind: .linear, factor: 4))
    }
}
