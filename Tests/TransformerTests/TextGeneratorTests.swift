import Foundation
import XCTest
import Tensor
import TestSupport
@testable import Transformer
@testable import Tokenizers

/// Generation on a tiny model: the stream gives the same text as the callback, stop strings cut
/// the text, stop tokens end it, cancellation works, sampling is reproducible.
final class TextGeneratorTests: XCTestCase {
    static let model: (LlamaModel, Tokenizer)? = {
        guard let directory = try? TinyCheckpoint.temporaryDirectory("generator") else { return nil }
        let path = directory + "/tiny.gguf"
        guard (try? TinyCheckpoint().writeGGUF(to: path)) != nil, let checkpoint = try? ModelCheckpoint.open(path: path),
              let model = try? LlamaModel(checkpoint: checkpoint, threadCount: 2, precision: .exact),
              let tokenizer = try? Tokenizer.load(checkpoint: checkpoint) else { return nil }
        return (model, tokenizer)
    }()

    func generator() throws -> TextGenerator {
        let (model, tokenizer) = try XCTUnwrap(Self.model)
        return TextGenerator(session: try model.makeSession(), tokenizer: tokenizer)
    }

    func prompt() throws -> [Int] { try XCTUnwrap(Self.model).1.encode("the cat sat on the mat and the dog") }

    func testStreamMatchesCallback() async throws {
        let options = GenerationOptions(maxNewTokens: 12, sampling: SamplingOptions(temperature: 0.9, topK: 40, seed: 3), stopAtStopTokens: false)
        var pieces: [String] = []
        let direct = try generator().generate(promptTokens: try prompt(), options: options) { pieces.append($0); return true }
        XCTAssertEqual(pieces.joined(), direct.text)
        XCTAssertEqual(direct.tokens.count, 12)
        XCTAssertEqual(direct.stopReason, .maxTokens)
        var streamed = ""
        for try await piece in try generator().stream(promptTokens: try prompt(), options: options) { streamed += piece }
        XCTAssertEqual(streamed, direct.text, "same seed, same text")
    }

    func testStopStringCutsText() throws {
        let free = try generator().generate(promptTokens: try prompt(),
                                            options: GenerationOptions(maxNewTokens: 20, stopAtStopTokens: false))
        guard free.text.count > 4 else { throw XCTSkip("the tiny model produced too little text") }
        let stop = String(free.text.dropFirst(2).prefix(2))
        var streamed = ""
        let cut = try generator().generate(promptTokens: try prompt(),
                                           options: GenerationOptions(maxNewTokens: 20, stopStrings: [stop], stopAtStopTokens: false)) {
            streamed += $0
            return true
        }
        XCTAssertEqual(cut.stopReason, .stopString)
        XCTAssertFalse(cut.text.contains(stop))
        XCTAssertTrue(free.text.hasPrefix(cut.text))
        XCTAssertEqual(streamed, cut.text, "nothing past the stop string was streamed")
    }

    func testCancellationAndStopTokens() throws {
        var calls = 0
        let cancelled = try generator().generate(promptTokens: try prompt(), options: GenerationOptions(maxNewTokens: 30, stopAtStopTokens: false)) { _ in
            calls += 1
            return calls < 2
        }
        XCTAssertEqual(cancelled.stopReason, .cancelled)
        XCTAssertLessThan(cancelled.tokens.count, 30)
        let (_, tokenizer) = try XCTUnwrap(Self.model)
        let result = try generator().generate(promptTokens: try prompt(), options: GenerationOptions(maxNewTokens: 40))
        XCTAssertFalse(result.tokens.contains { tokenizer.isStopToken($0) }, "stop tokens end generation and are not emitted")
        XCTAssertThrowsError(try generator().generate(promptTokens: [], options: GenerationOptions()))
        XCTAssertThrowsError(try generator().generate(promptTokens: try prompt(), options: GenerationOptions(sampling: SamplingOptions(topP: 0))))
    }

    func testSamplerRespectsTopKAndPenalty() throws {
        var logits = [Float](repeating: 0, count: 10)
        logits[3] = 5; logits[7] = 4.9; logits[1] = 1
        try logits.withUnsafeBufferPointer { row in
            var greedy = try Sampler(options: .greedy)
            XCTAssertEqual(greedy.sample(row, history: []), 3)
            var penalised = try Sampler(options: SamplingOptions(repetitionPenalty: 1.5))
            XCTAssertEqual(penalised.sample(row, history: [3]), 7, "5/1.5 < 4.9")
            var topTwo = try Sampler(options: SamplingOptions(temperature: 5, topK: 2, seed: 1))
            let picks = Set((0..<200).map { _ in topTwo.sample(row, history: []) })
            XCTAssertEqual(picks, [3, 7])
            var nucleus = try Sampler(options: SamplingOptions(temperature: 1, topP: 0.5, seed: 2))
            XCTAssertTrue(Set((0..<100).map { _ in nucleus.sample(row, history: []) }).isSubset(of: [3, 7]))
        }
    }
}
