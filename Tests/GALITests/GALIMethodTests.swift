import XCTest
import Extrapolation
import TestSupport
import Tensor
import Transformer
@testable import GALI

final class GALIMethodTests: XCTestCase {
    let context = PositioningContext(baseFrequencies: .standard(base: 100_000, dimension: 64), ropeBase: 100_000,
                                     rotaryDimension: 64, contextLength: 8192)

    func method(_ values: [String: ParameterValue], window: Int = 512) throws -> GALIMethod {
        let built = try MethodRegistry.standard.make(MethodSpec(name: "dpi", parameters: values), originalWindow: window)
        guard let gali = built as? GALIMethod else { throw XCTSkip("dpi did not build GALI") }
        return gali
    }

    func testChunkSchedulesMatchReference() throws {
        guard let document = TestResources.json("reference/gali_positions.json") else { throw XCTSkip("gali_positions.json not available") }
        for schedule in try XCTUnwrap(document["chunk_schedules"] as? [[String: Any]]) {
            let coefficient: ParameterValue = (schedule["chunk_coe"] as? Int).map { .int($0) } ?? .double(schedule["chunk_coe"] as! Double)
            let gali = try method(["chunk_coe": coefficient], window: schedule["window"] as! Int)
            XCTAssertEqual(gali.stepLengths(cached: 0, adding: schedule["n"] as! Int, context: context), schedule["chunk_sizes"] as! [Int])
        }
        let fixed = try method(["chunk_coe": .int(3000)], window: 512)
        XCTAssertEqual(fixed.stepLengths(cached: 0, adding: 100, context: context), [100])
        XCTAssertEqual(fixed.stepLengths(cached: 700, adding: 1, context: context), [1])
        XCTAssertEqual(fixed.stepLengths(cached: 200, adding: 4000, context: context), [312, 3000, 688])
    }

    func testLayoutInterpolatesBetweenCeilAndFloor() throws {
        let gali = try method(["noise_type": .string("no"), "local_window": .int(128)])
        let layout = try gali.layout(cached: 768, adding: 256, context: context)
        XCTAssertEqual(layout.views.count, 2)
        XCTAssertNil(layout.noise)
        let schedule = try GreedyPositions(count: 1024, window: 512, localWindow: 128)
        let positions = schedule.positions, tail = schedule.integerTailStart
        XCTAssertGreaterThan(tail, 0)
        // view 0: the integer tail in the unmodified frame; its distances equal GALI's
        guard case .cached(slot: 0) = layout.views[0].keys else { return XCTFail("expected the tail in cache slot 0") }
        XCTAssertEqual(layout.cachedKeys[0].newKeyPositions, (768..<1024).map(Float.init))
        XCTAssertEqual(layout.views[0].queryPositions, (768..<1024).map(Float.init))
        XCTAssertEqual(layout.thresholds, [Int32](repeating: Int32(tail), count: 256))
        for i in stride(from: 768, to: 1024, by: 17) {
            for j in tail...i { XCTAssertEqual(positions[i].rounded(.up) - positions[j], Float(i - j)) }
        }
        guard case .blended(let upper, let lower, let weights) = layout.views[1].keys else { return XCTFail("expected blended keys") }
        XCTAssertEqual(upper.count, 1024)
        for j in tail..<1024 { XCTAssertEqual([upper[j], lower[j], weights[j]], [0, 0, 0], "tail keys get a fixed placeholder") }
        for j in 0..<tail {
            XCTAssertEqual(upper[j], positions[j].rounded(.up))
            XCTAssertEqual(lower[j], positions[j].rounded(.down))
            XCTAssertEqual(weights[j], upper[j] - positions[j])
            // The reference computes the coefficient per pair as (⌈P_i⌉ − P_j) mod 1 in float32; in exact
            // arithmetic that is ⌈P_j⌉ − P_j for every query, and float32 rounding at the query's
            // magnitude moves it by at most half an ulp of 511 (3e-5).
            for c: Float in [256, 400, 511] {
                let r = (c - positions[j]) - (c - positions[j]).rounded(.down)
                XCTAssertEqual(weights[j], r, accuracy: Float(511).ulp / 2)
            }
        }
        XCTAssertEqual(layout.views[1].queryPositions, (768..<1024).map { positions[$0].rounded(.up) })
        XCTAssertEqual(layout.views[1].queryPositions.first, 256)  // reference: positions_of_new_tokens_head
    }

    func testWithinWindowIsOrdinary() throws {
        let gali = try method([:])
        let layout = try gali.layout(cached: 0, adding: 512, context: context)
        XCTAssertEqual(layout.views.count, 1)
        guard case .cached(slot: 0) = layout.views[0].keys else { return XCTFail("expected the unmodified model's keys") }
        XCTAssertEqual(layout.cachedKeys[0].newKeyPositions, (0..<512).map(Float.init))
        XCTAssertEqual(layout.views[0].queryPositions, (0..<512).map(Float.init))
        XCTAssertNil(layout.noise)
    }

    func testWithoutInterpolationUsesFractionalPositions() throws {
        let gali = try method(["appro_attn": .bool(false)])
        let layout = try gali.layout(cached: 1000, adding: 1, context: context)
        let schedule = try GreedyPositions(count: 1001, window: 512, localWindow: 128)
        let positions = schedule.positions, tail = schedule.integerTailStart
        guard case .positioned(let keys) = layout.views[1].keys else { return XCTFail("expected plain positions") }
        XCTAssertEqual(Array(keys[..<tail]), Array(positions[..<tail]))
        XCTAssertEqual(layout.views[1].queryPositions, [positions[1000]])
        XCTAssertNil(layout.noise)
    }

    func testDefaultsAndNoiseSettings() throws {
        let defaults = try method([:])
        XCTAssertEqual(defaults.parameters, GALIParameters())
        XCTAssertEqual(defaults.parameters.chunkCoefficient, .fixed(3000))
        let noise = try XCTUnwrap(defaults.layout(cached: 600, adding: 1, context: context).noise)
        XCTAssertEqual(noise.kind, .gaussian)
        XCTAssertTrue(noise.onlyInterpolated)
        XCTAssertFalse(noise.meanFromRow)
        XCTAssertTrue(noise.scaleStandardDeviation)
        let uniform = try method(["noise_type": .string("uniform"), "scale_max": .int(1), "seed": .int(9)])
        let uniformNoise = try XCTUnwrap(uniform.layout(cached: 600, adding: 1, context: context).noise)
        XCTAssertEqual(uniformNoise.kind, .uniform)
        XCTAssertTrue(uniformNoise.maximumFromRow)
        XCTAssertEqual(uniformNoise.seed, 9)
    }

    func testRejectsBadParameters() throws {
        XCTAssertThrowsError(try method(["local_window": .int(512)], window: 512)) { error in
            XCTAssertTrue("\(error)".contains("local_window"), "\(error)")
        }
        XCTAssertThrowsError(try method(["chunk_coe": .int(0)]))
        XCTAssertThrowsError(try method(["chunk_coe": .double(-0.5)]))
        XCTAssertThrowsError(try method(["noise_type": .string("pink")])) { error in
            XCTAssertTrue("\(error)".contains("noise_type"), "\(error)")
        }
        XCTAssertThrowsError(try method(["local_windw": .int(3)])) { error in
            XCTAssertTrue("\(error)".contains("local_windw"), "\(error)")
        }
    }

    func testSpecRoundTripsParameters() throws {
        var parameters = GALIParameters(chunkCoefficient: .relative(0.25), localWindow: 64, noiseType: .no)
        parameters.seed = 3
        let spec = MethodSpec.gali(parameters)
        let built = try XCTUnwrap(MethodRegistry.standard.make(spec, originalWindow: 1024) as? GALIMethod)
        XCTAssertEqual(built.parameters, parameters)
        XCTAssertEqual(try MethodRegistry.standard.type(named: "dpi").descriptor.name, "gali")
    }
}
