import XCTest
import Transformer
@testable import Extrapolation

final class MethodRegistryTests: XCTestCase {
    func testEveryAliasResolves() throws {
        let pairs = [("original", "repro_original"), ("linear", "pi"), ("ntk", "repro_ntk"), ("dynamic_ntk", "repro_dynamic_ntk"),
                     ("yarn", "repro_yarn"), ("self_extend", "repro_se"), ("chunk_llama", "repro_chunkllama")]
        for (name, alias) in pairs {
            XCTAssertEqual(try MethodRegistry.builtIn.type(named: alias).descriptor.name, name)
            XCTAssertEqual(try MethodRegistry.builtIn.type(named: name).descriptor.name, name)
        }
    }

    func testUnknownMethodListsKnownOnes() {
        XCTAssertThrowsError(try MethodRegistry.builtIn.type(named: "rope_magic")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("rope_magic") && text.contains("self_extend"), text)
        }
    }

    func testParameterErrorsNameKeyTypeAndRange() {
        func message(_ spec: MethodSpec) -> String {
            do { _ = try MethodRegistry.builtIn.make(spec, originalWindow: 512); return "" } catch { return "\(error)" }
        }
        let missing = message(MethodSpec(name: "ntk"))
        XCTAssertTrue(missing.contains("factor") && missing.contains("required"), missing)
        let wrongType = message(MethodSpec(name: "yarn", parameters: ["factor": .string("four")]))
        XCTAssertTrue(wrongType.contains("factor") && wrongType.contains("number"), wrongType)
        let outOfRange = message(MethodSpec(name: "repro_se", parameters: ["group_size": .int(0), "window_size": .int(64)]))
        XCTAssertTrue(outOfRange.contains("group_size") && outOfRange.contains("1..."), outOfRange)
        let unknown = message(MethodSpec(name: "chunk_llama", parameters: ["chunk": .int(3)]))
        XCTAssertTrue(unknown.contains("chunk") && unknown.contains("mscale"), unknown)
        let noParameters = message(MethodSpec(name: "original", parameters: ["factor": .int(2)]))
        XCTAssertTrue(noParameters.contains("takes no parameters"), noParameters)
        XCTAssertEqual(message(MethodSpec(name: "ntk", parameters: ["factor": .int(4)])), "", "integers are accepted as numbers")
    }

    func testLengthConstraints() throws {
        let ntk = try MethodRegistry.builtIn.make(.ntk(factor: 4), originalWindow: 512)
        XCTAssertNoThrow(try ntk.validate(targetLength: 2048))
        XCTAssertThrowsError(try ntk.validate(targetLength: 2049)) { error in
            XCTAssertEqual(error as? ExtrapolationError,
                           .lengthNotSupported(method: "ntk", requested: 2049, maximum: 2048, constraint: "W · factor ≥ target length"))
        }
        let selfExtend = try MethodRegistry.builtIn.make(.selfExtend(groupSize: 4, windowSize: 128), originalWindow: 512)
        XCTAssertEqual(selfExtend.maximumLength, (512 - 128) * 4 + 128)
        XCTAssertNil(try MethodRegistry.builtIn.make(.chunkLlama(), originalWindow: 512).maximumLength)
        XCTAssertNil(try MethodRegistry.builtIn.make(.original, originalWindow: 512).maximumLength)
    }

    func testDuplicateNamesAreRejected() throws {
        struct Impostor: PositionalExtrapolation {
            static let descriptor = MethodDescriptor(name: "impostor", aliases: ["pi"], summary: "", parameters: [])
            let originalWindow: Int
            init(parameters: MethodParameters, originalWindow: Int) throws { self.originalWindow = originalWindow }
            func layout(cached: Int, adding count: Int, context: PositioningContext) throws -> AttentionLayout {
                standardLayout(cached: cached, adding: count, frequencies: context.baseFrequencies)
            }
        }
        let registry = MethodRegistry()
        try registry.register(LinearInterpolation.self)
        try registry.register(LinearInterpolation.self)  // same type again: fine
        XCTAssertThrowsError(try registry.register(Impostor.self)) { error in
            XCTAssertEqual(error as? ExtrapolationError, .duplicateName("pi"))
        }
        XCTAssertEqual(registry.descriptors.map(\.name), ["linear"])
    }

    func testParsingCommandLineValues() {
        XCTAssertEqual(ParameterValue(parsing: "3000"), .int(3000))
        XCTAssertEqual(ParameterValue(parsing: "0.25"), .double(0.25))
        XCTAssertEqual(ParameterValue(parsing: "true"), .bool(true))
        XCTAssertEqual(ParameterValue(parsing: "gaussian"), .string("gaussian"))
        XCTAssertEqual(ParameterValue(parsing: "\"no\""), .string("no"))
    }
}
