import Foundation
import XCTest
import Tensor
import TestSupport
import Transformer
@testable import Extrapolation

/// Frequency-seam methods against independent formulas and the reference's inv_freq values.
final class FrequencyMethodTests: XCTestCase {
    func build(_ spec: MethodSpec, window: Int) throws -> any PositionalExtrapolation {
        try MethodRegistry.builtIn.make(spec, originalWindow: window)
    }

    func context(base: Double, dimension: Int = 64) -> PositioningContext {
        PositioningContext(baseFrequencies: .standard(base: base, dimension: dimension), ropeBase: base,
                           rotaryDimension: dimension, contextLength: 8192)
    }

    /// inv_freq of the view of a one-token step at `length`.
    func frequencies(_ method: any PositionalExtrapolation, base: Double, length: Int) throws -> RotaryFrequencies {
        try method.layout(cached: length - 1, adding: 1, context: context(base: base)).views[0].frequencies
    }

    func testYaRNFrequenciesMatchIndependentFormula() throws {
        // d = 64, base 10000, s = 4, W = 512, written out directly in Double.
        let yarn = try XCTUnwrap(build(.yarn(factor: 4), window: 512) as? YaRNScaling)
        let d = 64.0, base = 10000.0, s = 4.0
        func dim(_ rotations: Double) -> Double { d * Foundation.log(512 / (rotations * 2 * Double.pi)) / (2 * Foundation.log(base)) }
        let low = max(floor(dim(32)), 0), high = min(ceil(dim(1)), d - 1)
        // 64·ln(512/(64π))/(2·ln 10⁴) = 3.25 → 3; 64·ln(512/(2π))/(2·ln 10⁴) = 15.29 → 16
        XCTAssertEqual(low, 3)
        XCTAssertEqual(high, 16)
        let range = yarn.correctionRange(base: base, dimension: 64)
        XCTAssertEqual(range.low, low)
        XCTAssertEqual(range.high, high)
        let actual = try frequencies(yarn, base: base, length: 100)
        for i in 0..<32 {
            let original = 1 / Foundation.pow(base, Double(2 * i) / d)
            let ramp = min(max((Double(i) - low) / (high - low), 0), 1)
            let expected = (original / s) * ramp + original * (1 - ramp)
            XCTAssertEqual(Double(actual.inverseFrequencies[i]), expected, accuracy: expected * 2e-6, "pair \(i)")
        }
        XCTAssertEqual(Double(actual.attentionScaling), 0.1 * Foundation.log(4) + 1, accuracy: 1e-6)
    }

    /// The reference's `inv_freq` and `attention_scaling` in nll.json (base 1e5, W = 512, factor 4).
    func testFrequenciesMatchReference() throws {
        let cases: [(String, MethodSpec, Int)] = [
            ("original", .original, 2048), ("linear", .linear(factor: 4), 2048), ("ntk", .ntk(factor: 4), 2048),
            ("dynamic_ntk", .dynamicNTK(factor: 4), 2048), ("yarn", .yarn(factor: 4), 2048),
        ]
        for (key, spec, length) in cases {
            guard let reference = TestResources.referenceResult(key) else { throw XCTSkip("nll.json not available") }
            let expected = reference["inv_freq"] as! [Double]
            let actual = try frequencies(build(spec, window: 512), base: 100_000, length: length)
            for (index, (a, e)) in zip(actual.inverseFrequencies, expected).enumerated() {
                XCTAssertEqual(Double(a), e, accuracy: abs(e) * 2e-7, "\(key) pair \(index)")
            }
            XCTAssertEqual(Double(actual.attentionScaling), reference["attention_scaling"] as! Double, accuracy: 1e-7, key)
        }
    }

    func testNTKBases() throws {
        let ntk = try XCTUnwrap(build(.ntk(factor: 4), window: 512) as? NTKScaling)
        XCTAssertEqual(ntk.scaledBase(base: 100_000, dimension: 64), 418293.65928899485, accuracy: 1e-6)
        let dynamic = try XCTUnwrap(build(.dynamicNTK(factor: 4), window: 512) as? DynamicNTKScaling)
        XCTAssertEqual(dynamic.base(atLength: 300, base: 100_000, dimension: 64), 100_000)
        XCTAssertEqual(dynamic.base(atLength: 512, base: 100_000, dimension: 64), 100_000)
        XCTAssertEqual(dynamic.base(atLength: 2048, base: 100_000, dimension: 64), 1412137.5739786727, accuracy: 1e-6)
        // (4·1024/512 − 3) = 5
        XCTAssertEqual(dynamic.base(atLength: 1024, base: 100_000, dimension: 64), 100_000 * Foundation.pow(5, 64.0 / 62.0), accuracy: 1e-6)
    }

    func testLinearDividesFrequencies() throws {
        let linear = try build(.linear(factor: 2.5), window: 512)
        let base = RotaryFrequencies.standard(base: 10000, dimension: 64)
        let scaled = try frequencies(linear, base: 10000, length: 10)
        XCTAssertEqual(scaled.inverseFrequencies, base.inverseFrequencies.map { $0 / 2.5 })
    }

    func testDynamicNTKUsesStepLength() throws {
        let dynamic = try build(.dynamicNTK(factor: 4), window: 512)
        let first = try dynamic.layout(cached: 0, adding: 2048, context: context(base: 100_000))
        let expected = RotaryFrequencies.standard(base: 1412137.5739786727, dimension: 64)
        XCTAssertEqual(first.views[0].frequencies.inverseFrequencies, expected.inverseFrequencies)
        XCTAssertEqual(first.cachedKeys[0].frequencies, first.views[0].frequencies, "new keys rotate with the step's base")
    }
}
