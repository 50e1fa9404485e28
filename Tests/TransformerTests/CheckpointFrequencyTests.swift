import Foundation
import XCTest
import Tensor
import TestSupport
@testable import Transformer

/// A checkpoint's own RoPE scaling is applied to the model's base frequencies.
final class CheckpointFrequencyTests: XCTestCase {
    func configuration(_ scaling: RopeScaling?, base: Double = 500_000, dimension: Int = 128) -> LlamaConfiguration {
        var c = TinyCheckpoint().configuration
        c.ropeBase = base
        c.ropeScaling = scaling
        c.headDimension = dimension
        c.rotaryDimension = dimension
        return c
    }

    func testLlama3ScalingMatchesTheFormula() throws {
        let scaling = RopeScaling(kind: .llama3, factor: 8, originalContextLength: 8192,
                                  parameters: ["low_freq_factor": .number(1), "high_freq_factor": .number(4)])
        let actual = try configuration(scaling).rotaryFrequencies().inverseFrequencies
        XCTAssertEqual(actual.count, 64)
        for i in 0..<64 {
            let frequency = 1 / pow(500_000.0, Double(2 * i) / 128)
            let wavelength = 2 * Double.pi / frequency
            let expected: Double
            if wavelength < 8192.0 / 4 { expected = frequency }
            else if wavelength > 8192.0 / 1 { expected = frequency / 8 }
            else {
                let smooth = (8192 / wavelength - 1) / (4 - 1)
                expected = (1 - smooth) * frequency / 8 + smooth * frequency
            }
            XCTAssertEqual(Double(actual[i]), expected, accuracy: expected * 1e-5, "pair \(i)")
        }
        XCTAssertEqual(actual[0], 1, "the highest frequency is kept")
        XCTAssertEqual(Double(actual[63]), 1 / pow(500_000.0, 126.0 / 128) / 8, accuracy: 1e-12, "the lowest is divided by 8")
    }

    func testLinearYarnDynamicAndFactors() throws {
        let plain = RotaryFrequencies.standard(base: 10000, dimension: 64)
        let linear = try configuration(RopeScaling(kind: .linear, factor: 2), base: 10000, dimension: 64).rotaryFrequencies()
        XCTAssertEqual(linear.inverseFrequencies, plain.inverseFrequencies.map { $0 / 2 })
        let dynamic = try configuration(RopeScaling(kind: .dynamic, factor: 2), base: 10000, dimension: 64).rotaryFrequencies()
        XCTAssertEqual(dynamic, plain)
        let yarn = try configuration(RopeScaling(kind: .yarn, factor: 4, originalContextLength: 512), base: 10000, dimension: 64)
            .rotaryFrequencies()
        XCTAssertEqual(yarn, RotaryFrequencies.yarn(base: 10000, dimension: 64, factor: 4, originalWindow: 512))
        XCTAssertEqual(Double(yarn.attentionScaling), 0.1 * log(4.0) + 1, accuracy: 1e-6)
        let factors = (0..<32).map { Float(1 + $0 % 3) }
        let divided = try configuration(nil, base: 10000, dimension: 64).rotaryFrequencies(frequencyFactors: factors)
        XCTAssertEqual(divided.inverseFrequencies, zip(plain.inverseFrequencies, factors).map { $0 / $1 })
        XCTAssertThrowsError(try configuration(nil, base: 10000, dimension: 64).rotaryFrequencies(frequencyFactors: [1, 2]))
        XCTAssertThrowsError(try configuration(RopeScaling(kind: .longrope, factor: 2), base: 10000, dimension: 64).rotaryFrequencies())
    }
}
