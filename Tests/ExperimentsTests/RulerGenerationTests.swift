@testable import Experiments
import Foundation
import XCTest

/// RULER samples: within their token budget, needles present exactly once, answers derivable
/// from the prompt alone, deterministic from the seed.
final class RulerGenerationTests: XCTestCase {
    /// A stand-in tokenizer: one token per 4 characters (the budget logic is what is tested).
    static func tokens(_ text: String) -> Int { (text.unicodeScalars.count + 3) / 4 }

    static let essays = RulerHaystack.words([String(repeating: "The harbor town woke before the sun. Boats slid out past the wall! Was the bakery open? It was. ", count: 40)])

    static func occurrences(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// Generates a fitted sample of `generator` for `length` as `RulerTask` does.
    static func fitted(_ generator: some RulerGenerator, length: Int, reserve: Int, index: Int = 0) throws -> (sample: RulerSample, tokens: Int) {
        let budget = RulerBudget(length: length, tokensToGenerate: reserve, countTokens: { tokens($0) })
        let size = try budget.size(for: generator, probeSeed: 7)
        return try budget.fittedSample(generator, size: size, random: RulerRandom(seed: 42, "task", String(length), String(index)))
    }

    func testEveryNeedleTaskFitsAndHidesEachAnswerOnce() throws {
        for task in RulerTaskName.allCases {
            guard let settings = task.needleSettings else { continue }
            let generator = NeedleInHaystack(settings: settings, essayWords: RulerGenerationTests.essays)
            for length in [1024, 3000] {
                for index in 0..<3 {
                    let (sample, tokens) = try RulerGenerationTests.fitted(generator, length: length, reserve: task.tokensToGenerate, index: index)
                    XCTAssertLessThanOrEqual(tokens + task.tokensToGenerate, length, "\(task.rawValue)")
                    XCTAssertGreaterThan(tokens + task.tokensToGenerate, length * 9 / 10, "\(task.rawValue): the haystack should fill the budget")
                    XCTAssertEqual(sample.outputs.count, settings.queryCount * settings.valueCount, "\(task.rawValue)")
                    XCTAssertEqual(sample.prompt, sample.input + sample.answerPrefix)
                    XCTAssertTrue(sample.answerPrefix.hasPrefix(" The special magic"), sample.answerPrefix)
                    for answer in sample.outputs {
                        XCTAssertEqual(RulerGenerationTests.occurrences(answer, in: sample.input), 1, "\(task.rawValue): \(answer)")
                        // Derivable: the needle holding the answer names a key that the question asks for.
                        let line = try XCTUnwrap(sample.input.components(separatedBy: ["\n"]).flatMap { $0.components(separatedBy: ". ") }
                            .first { $0.contains("is: \(answer)") }, "\(task.rawValue)")
                        let key = try XCTUnwrap(line.components(separatedBy: " for ").last?.components(separatedBy: " is: ").first)
                        let question = try XCTUnwrap(sample.input.components(separatedBy: "\n").last)
                        XCTAssertTrue(question.contains(key), "\(task.rawValue): \(key) not asked in \(question)")
                        XCTAssertEqual(RulerGenerationTests.occurrences("for \(key) is:", in: sample.input), settings.valueCount, "\(task.rawValue)")
                    }
                }
            }
        }
    }

    func testNeedleTemplatesAndKinds() throws {
        let single = NeedleInHaystack(settings: try XCTUnwrap(RulerTaskName.niahSingle1.needleSettings))
        var random = RulerRandom(seed: 1)
        let sample = single.sample(size: 30, random: &random)
        XCTAssertTrue(sample.input.hasPrefix("A special magic number is hidden within the following text."), sample.input)
        XCTAssertTrue(sample.answerPrefix.hasSuffix("mentioned in the provided text is"), sample.answerPrefix)
        XCTAssertEqual(RulerGenerationTests.occurrences(RulerHaystack.noise, in: sample.input), 30)
        XCTAssertTrue(sample.outputs[0].count == 7 && Int(sample.outputs[0]) != nil)

        let multi = NeedleInHaystack(settings: try XCTUnwrap(RulerTaskName.niahMultiquery.needleSettings))
        let many = multi.sample(size: 30, random: &random)
        XCTAssertTrue(many.input.hasPrefix("Some special magic numbers are hidden"), many.input)
        XCTAssertTrue(many.answerPrefix.contains(", and "), many.answerPrefix)

        let uuid = NeedleInHaystack.draw(.uuids, random: &random)
        XCTAssertNotNil(UUID(uuidString: uuid), uuid)
        XCTAssertEqual(Array(uuid)[14], "4")
        let word = NeedleInHaystack.draw(.words, random: &random)
        XCTAssertEqual(word.split(separator: "-").count, 2)
    }

    func testSamplesAreDeterministicFromTheSeed() throws {
        let generator = NeedleInHaystack(settings: try XCTUnwrap(RulerTaskName.niahMultikey1.needleSettings), essayWords: RulerGenerationTests.essays)
        let a = try RulerGenerationTests.fitted(generator, length: 1500, reserve: 128, index: 0).sample
        let b = try RulerGenerationTests.fitted(generator, length: 1500, reserve: 128, index: 0).sample
        let c = try RulerGenerationTests.fitted(generator, length: 1500, reserve: 128, index: 1).sample
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a.outputs, c.outputs)
    }

    func testVariableTrackingChainLeadsToTheAnswer() throws {
        let example = try VariableTracking.workedExample(budget: RulerBudget(length: 500, tokensToGenerate: 0, countTokens: { RulerGenerationTests.tokens($0) }), seed: 3)
        XCTAssertLessThanOrEqual(RulerGenerationTests.tokens(example), 500)
        XCTAssertTrue(example.contains("VAR ") && example.contains("they are: "), example)
        let generator = VariableTracking(example: example)
        let (sample, tokens) = try RulerGenerationTests.fitted(generator, length: 4096, reserve: 30)
        XCTAssertLessThanOrEqual(tokens + 30, 4096)
        XCTAssertGreaterThan(tokens + 30, 4096 * 9 / 10, "the worked example must not shrink the haystack")
        XCTAssertEqual(sample.outputs.count, 5)
        XCTAssertFalse(sample.input.contains("12345"), "the worked example's value is renamed")
        // Follow the chain in the task part (after the worked example) from the queried value.
        let task = try XCTUnwrap(sample.input.components(separatedBy: "Memorize and track").last)
        let value = try XCTUnwrap(sample.answerPrefix.components(separatedBy: "assigned the value ").last?.components(separatedBy: ",").first)
        var holders: [String] = []
        var frontier = value
        let assignments = task.components(separatedBy: "\n").filter { $0.hasPrefix("VAR ") }
        XCTAssertEqual(assignments.count, 5)
        while let next = assignments.first(where: { $0.trimmingCharacters(in: .whitespaces).hasSuffix("= " + frontier) }) {
            let name = String(next.dropFirst(4).prefix(5))
            holders.append(name)
            frontier = "VAR " + name
        }
        XCTAssertEqual(holders, sample.outputs)
    }

    func testCommonWordsAnswerIsTheTenMostFrequent() throws {
        for length in [1024, 6000] {
            let generator = CommonWords(length: length)
            let (sample, tokens) = try RulerGenerationTests.fitted(generator, length: length, reserve: 120)
            XCTAssertLessThanOrEqual(tokens + 120, length)
            let list = try XCTUnwrap(sample.input.components(separatedBy: "Memorize the ones that appear most often.\n").last?
                .components(separatedBy: "\nQuestion:").first)
            var counts: [String: Int] = [:]
            for (index, piece) in list.split(separator: " ").enumerated() where index % 2 == 1 { counts[String(piece), default: 0] += 1 }
            let top = counts.sorted { $0.value > $1.value }.prefix(10).map(\.key)
            XCTAssertEqual(Set(top), Set(sample.outputs), "length \(length)")
            let repeats = length < 4096 ? 6 : 30
            XCTAssertTrue(sample.outputs.allSatisfy { counts[$0] == repeats })
            XCTAssertTrue(counts.values.filter { $0 != repeats }.allSatisfy { $0 == (length < 4096 ? 1 : 3) })
        }
        XCTAssertEqual(Set(RulerWords.pool(count: 3000)).count, 3000)
    }

    func testFrequentWordsAnswerIsRanksTwoToFour() throws {
        let generator = FrequentWords(length: 4096, tokensToGenerate: 50)
        let (sample, tokens) = try RulerGenerationTests.fitted(generator, length: 4096, reserve: 50)
        XCTAssertLessThanOrEqual(tokens + 50, 4096)
        let text = try XCTUnwrap(sample.input.components(separatedBy: "coded words. ").dropFirst().first?.components(separatedBy: "\nQuestion:").first)
        var counts: [String: Int] = [:]
        for word in text.split(separator: " ") { counts[String(word), default: 0] += 1 }
        let ranked = counts.sorted { $0.value > $1.value }.map(\.key)
        XCTAssertEqual(ranked.first, "...")
        XCTAssertEqual(Array(ranked[1...3]), sample.outputs)
        XCTAssertGreaterThan(counts[sample.outputs[2]] ?? 0, counts[ranked[4]] ?? 0)
    }

    func testQuestionAnsweringFromSquadAndHotpotLayouts() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ruler-qa-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let squad = #"{"data": [{"title": "A", "paragraphs": [{"context": "Paris is the capital of France.", "qas": [{"question": "What is the capital of France?", "answers": [{"text": "Paris"}], "is_impossible": false}, {"question": "Unanswerable?", "answers": [], "is_impossible": true}]}, {"context": "France borders Spain.", "qas": []}]}, {"title": "B", "paragraphs": [{"context": "Rome is in Italy.", "qas": [{"question": "Where is Rome?", "answers": [{"text": "Italy"}, {"text": "in Italy"}], "is_impossible": false}]}]}]}"#
        try squad.write(toFile: folder + "/squad.json", atomically: true, encoding: .utf8)
        let dataset = try RulerQA.squad(contentsOf: folder + "/squad.json")
        XCTAssertEqual(dataset.documents.count, 3)
        XCTAssertEqual(dataset.questions.map(\.query), ["What is the capital of France?", "Where is Rome?"])
        XCTAssertEqual(dataset.questions[0].related.map { dataset.documents[$0] }, ["France borders Spain."])

        var random = RulerRandom(seed: 5)
        let sample = dataset.asking(1).sample(size: 3, random: &random)
        XCTAssertEqual(sample.outputs, ["Italy", "in Italy"])
        XCTAssertEqual(RulerGenerationTests.occurrences("Rome is in Italy.", in: sample.input), 1)
        XCTAssertTrue(sample.input.hasSuffix("Question: Where is Rome?"), sample.input)
        XCTAssertEqual(sample.answerPrefix, " Answer:")
        XCTAssertTrue(sample.input.contains("Document 3:\n"))
        // More documents than the dataset holds: repeated, the answering one still present.
        let long = dataset.asking(0).sample(size: 7, random: &random)
        XCTAssertTrue(long.input.contains("Paris is the capital of France.") && long.input.contains("Document 7:\n"))

        let hotpot = #"[{"question": "Which city?", "answer": "Vienna", "context": [["Vienna", ["Vienna is a city.", " It is in Austria."]], ["Danube", ["A river."]]]}]"#
        try hotpot.write(toFile: folder + "/hotpotqa.json", atomically: true, encoding: .utf8)
        let multi = try RulerQA.hotpotQA(contentsOf: folder + "/hotpotqa.json")
        XCTAssertEqual(multi.documents, ["Danube\nA river.", "Vienna\nVienna is a city. It is in Austria."])
        XCTAssertEqual(multi.questions[0].context.count, 2)

        try "[{\"question\": 3}]".write(toFile: folder + "/bad.json", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RulerQA.hotpotQA(contentsOf: folder + "/bad.json")) { error in
            XCTAssertTrue("\(error)".contains("record 1"), "\(error)")
        }
        XCTAssertThrowsError(try RulerQA.squad(contentsOf: folder + "/hotpotqa.json"))
    }

    func testTooShortLengthIsAnError() throws {
        let generator = NeedleInHaystack(settings: try XCTUnwrap(RulerTaskName.niahMultikey3.needleSettings), length: 300)
        XCTAssertEqual(generator.increment, 5)
        XCTAssertThrowsError(try RulerGenerationTests.fitted(generator, length: 300, reserve: 128)) { error in
            XCTAssertTrue("\(error)".contains("too short"), "\(error)")
        }
    }

    func testHaystackHelpers() {
        XCTAssertEqual(RulerHaystack.sentences("One. Two? \"Three!\" Four"), ["One.", "Two?", "\"Three!\"", "Four"])
        XCTAssertEqual(RulerHaystack.depths.count, 40)
        XCTAssertEqual(RulerHaystack.depths.first, 0)
        XCTAssertEqual(RulerHaystack.depths.last, 100)
        XCTAssertEqual(RulerHaystack.depths[1], 3)
        XCTAssertEqual(RulerTemplate.fill("a {x} {y} {z}", ["x": "{y}", "y": "2"]), "a {y} 2 {z}")
        var random = RulerRandom(seed: 9)
        let indices = random.sampleIndices(10, 10)
        XCTAssertEqual(indices.sorted(), Array(0..<10))
    }
}
