import XCTest
@testable import Experiments

/// LongBench metrics on hand-computed cases, then against the reference's numbers on random inputs.
final class LongBenchMetricTests: XCTestCase {
    func score(_ metric: LongBenchMetric, _ prediction: String, _ truth: String, classes: [String] = []) throws -> Double {
        try metric.score(prediction: prediction, groundTruth: truth, allClasses: classes)
    }

    // MARK: qa_f1_score

    func testEnglishNormalisation() {
        func normalized(_ text: String) -> String { PythonText.string(AnswerNormalization.english(PythonText.scalars(text))) }
        XCTAssertEqual(normalized("The Cat sat on the mat."), "cat sat on mat")
        XCTAssertEqual(normalized("  An   apple,\ta THEORY; another\u{1F}one "), "apple theory another one")
        XCTAssertEqual(normalized("a’s"), "’s")                 // `’` is not ASCII punctuation but ends the word `a`
        XCTAssertEqual(normalized("a-b the_end"), "ab theend")  // punctuation (incl. `_`) goes before articles
        XCTAssertEqual(normalized("thé an"), "thé")
        XCTAssertEqual(normalized("ΣΑΣ"), "σας")               // Python's final sigma
    }

    func testQAF1() throws {
        // "cat sat on mat" vs "cat sat": 2 shared, P = 2/4, R = 2/2.
        XCTAssertEqual(try score(.qaF1, "The Cat sat on the mat.", "a cat sat"), 2 * 0.5 * 1 / 1.5, accuracy: 1e-15)
        XCTAssertEqual(try score(.qaF1, "Paris", "paris!"), 1)
        XCTAssertEqual(try score(.qaF1, "", "paris"), 0)
        XCTAssertEqual(try score(.qaF1, "the", "a"), 0)                     // both normalise to nothing
        // Multiset overlap: x×2 y vs x y×2 share one x and one y.
        XCTAssertEqual(try score(.qaF1, "x x y", "x y y"), 2.0 / 3.0, accuracy: 1e-15)
        XCTAssertEqual(try score(.qaF1, "London", "Paris"), 0)
    }

    // MARK: qa_f1_zh_score

    func testChineseTokens() {
        func tokens(_ text: String) -> [String] { ChineseTokenizer.tokens(PythonText.scalars(text)).map(PythonText.string) }
        XCTAssertEqual(tokens("我爱Python3编程"), ["我", "爱", "Python3", "编", "程"])
        XCTAssertEqual(tokens("价格是3.5元, 涨12%"), ["价", "格", "是", "3.5", "元", ",", "涨", "12%"])
        XCTAssertEqual(tokens("GPT-4 模型"), ["GPT", "-", "4", "模", "型"])
        XCTAssertEqual(tokens(" \n"), [])
    }

    func testQAF1Chinese() throws {
        // 北 京 市 vs 北 京: P = 2/3, R = 1, F = 0.8 (jieba's words 北京市 / 北京 would give 0).
        XCTAssertEqual(try score(.qaF1Chinese, "北京市", "北京"), 0.8, accuracy: 1e-15)
        XCTAssertEqual(try score(.qaF1Chinese, "北京。", "北 京"), 1)       // punctuation and spaces vanish
        XCTAssertEqual(try score(.qaF1Chinese, "Python3很好", "python3"), 0.5, accuracy: 1e-15)
        XCTAssertEqual(try score(.qaF1Chinese, "《》", "上海"), 0)
        XCTAssertEqual(try score(.qaF1Chinese, "", "上海"), 0)
    }

    // MARK: rouge_score

    func testRougeLSingleSentence() throws {
        // Distinct words: 5 and 5; the LCS "the cat on the mat" has distinct words {the, cat, on, mat}.
        let expected = 2.0 * ((0.8 * 0.8) / (0.8 + 0.8 + 1e-8))
        XCTAssertEqual(try score(.rouge, "the cat sat on the mat", "the cat is on the mat"), expected)
        XCTAssertEqual(try score(.rouge, "a b c", "a b c"), 2.0 * (1.0 / (2.0 + 1e-8)))
    }

    func testRougeLUnionOverSentences() throws {
        // The package's documented example: r = w1..w5, c1 = w1 w2 w6 w7 w8, c2 = w1 w3 w8 w9 w5.
        // Union LCS {w1, w2, w3, w5} = 4; m = 5, n = 8 distinct words.
        let r = 4.0 / 5.0
        let p = 4.0 / 8.0
        XCTAssertEqual(try score(.rouge, "w1 w2 w6 w7 w8. w1 w3 w8 w9 w5", "w1 w2 w3 w4 w5"), 2.0 * ((p * r) / (p + r + 1e-8)))
    }

    func testRougeLEdgeCases() throws {
        XCTAssertEqual(try score(.rouge, "", "a b"), 0)        // the package raises "Hypothesis is empty."
        XCTAssertEqual(try score(.rouge, "...", "a b"), 0)
        XCTAssertEqual(try score(.rouge, "a b", ". ."), 0.0)   // one sentence " " → one empty word
        XCTAssertEqual(try score(.rouge, "x", "y"), 0)
        // Repeated words count once: m = |{the}| = 1.
        let p = 1.0 / 2.0
        XCTAssertEqual(try score(.rouge, "the end", "the the the"), 2.0 * ((p * 1.0) / (p + 1.0 + 1e-8)))
    }

    func testRougeChinese() throws {
        // 我 爱 北 京 vs 我 爱 上 海: LCS words {我, 爱}; R = P = 1/2.
        XCTAssertEqual(try score(.rougeChinese, "我爱北京", "我爱上海"), 2.0 * ((0.25) / (1.0 + 1e-8)))
        XCTAssertEqual(try score(.rougeChinese, "", "我"), 0)
    }

    // MARK: classification_score

    func testClassification() throws {
        XCTAssertEqual(try score(.classification, "Description", "Description", classes: ["Description", "Definition"]), 1)
        XCTAssertEqual(try score(.classification, "Definition", "Description", classes: ["Description", "Definition"]), 0)
        XCTAssertEqual(try score(.classification, "Location or Description", "Description",
                                 classes: ["Description", "Location", "Other"]), 0.5)
        // "Dog" is not in the prediction (case); "dog" is a proper substring of the truth and is dropped.
        XCTAssertEqual(try score(.classification, "Hot dog", "Hot dog", classes: ["Dog", "Hot dog", "dog"]), 1)
        XCTAssertEqual(try score(.classification, "Hot dog", "dog", classes: ["Hot dog", "dog"]), 0.5)
    }

    func testClassificationKeepsPythonsRemoveWhileIteratingQuirk() throws {
        // Matches [a, ab, abc, x]; removing "a" shifts "ab" under the iterator, which then skips it.
        // The reference therefore keeps "ab" and scores 1/3 (a clean filter would give 1/2).
        XCTAssertEqual(try score(.classification, "abc x", "abc", classes: ["a", "ab", "abc", "x"]), 1.0 / 3.0)
    }

    // MARK: retrieval, count

    func testRetrieval() throws {
        XCTAssertEqual(try score(.retrieval, "Paragraph 3, not 13", "Paragraph 3"), 0.5)
        XCTAssertEqual(try score(.retrieval, "Paragraph 30", "Paragraph 3"), 0)
        XCTAssertEqual(try score(.retrieval, "no idea", "Paragraph 3"), 0)
        XCTAssertEqual(try score(.retrieval, "3", "The answer is Paragraph 3 and Paragraph 7"), 1)
        XCTAssertEqual(try score(.retrievalChinese, "段落5", "段落5"), 1)
        XCTAssertEqual(try score(.retrievalChinese, "是段落5，不是段落２", "段落5"), 0.5)   // fullwidth ２ is a digit too
        XCTAssertThrowsError(try score(.retrieval, "3", "no paragraph here")) { error in
            XCTAssertEqual(error as? LongBenchError, .missingParagraphNumber(marker: "Paragraph N", groundTruth: "no paragraph here"))
            XCTAssertTrue("\(error)".contains("has no 'Paragraph N'"))
        }
        XCTAssertThrowsError(try score(.retrievalChinese, "3", "Paragraph 3"))
    }

    func testCount() throws {
        XCTAssertEqual(try score(.count, "There are 12 unique paragraphs; 12.", "12"), 1)
        XCTAssertEqual(try score(.count, "12 or 13", "12"), 0.5)
        XCTAssertEqual(try score(.count, "x12y34z12", "12"), 2.0 / 3.0)
        XCTAssertEqual(try score(.count, "none", "12"), 0)
    }

    // MARK: code_sim_score

    func testFirstCodeLine() {
        func line(_ text: String) -> String { PythonText.string(LongBenchMetric.firstCodeLine(PythonText.scalars(text))) }
        XCTAssertEqual(line("\n\n```python\n# comment\n// c\nx = foo(1, 2)\ny = 3"), "x = foo(1, 2)")
        XCTAssertEqual(line("a = b // 2\nc = d"), "c = d")
        XCTAssertEqual(line("print('#')\n"), "")
        XCTAssertEqual(line(""), "")
        XCTAssertEqual(line("\n  \nz"), "  ")
    }

    func testSequenceMatcherByHand() {
        // "abcd" vs "abxd": blocks "ab" and "d" → M = 3, T = 8 → 0.75.
        XCTAssertEqual(SequenceMatcher(PythonText.scalars("abcd"), PythonText.scalars("abxd")).ratio(), 0.75)
        let blocks = SequenceMatcher(PythonText.scalars("abxcd"), PythonText.scalars("abcd")).matchingBlocks()
        XCTAssertEqual(blocks.map { [$0.i, $0.j, $0.size] }, [[0, 0, 2], [3, 2, 2]])
        // Earliest in a, then earliest in b: " abcd" vs "abcd abcd" → (0, 4, 5).
        let longest = SequenceMatcher(PythonText.scalars(" abcd"), PythonText.scalars("abcd abcd")).longestMatch(0, 5, 0, 9)
        XCTAssertEqual([longest.i, longest.j, longest.size], [0, 4, 5])
        XCTAssertEqual(SequenceMatcher([], []).ratio(), 1)
    }

    func testFuzzRatioRoundingAndEdges() {
        func ratio(_ a: String, _ b: String) -> Int { SequenceMatcher.fuzzRatio(PythonText.scalars(a), PythonText.scalars(b)) }
        XCTAssertEqual(ratio("", ""), 100)
        XCTAssertEqual(ratio("", "a"), 0)
        XCTAssertEqual(ratio("abcd", "abxd"), 75)
        // 2·1/16 = 12.5 % and 2·3/16 = 37.5 %: Python rounds halves to even.
        XCTAssertEqual(ratio("ay", "a" + String(repeating: "x", count: 13)), 12)
        XCTAssertEqual(ratio("abcz", "abc" + String(repeating: "x", count: 9)), 38)
    }

    func testFuzzRatioAutojunk() {
        // b has 200 elements; "b" occurs 197 > 200/100 + 1 times, so it is popular and cannot start
        // a match: only "a" matches (M = 1, 2/202 → 1 %). Without the heuristic "ab" would (2 %).
        let b = "aaa" + String(repeating: "b", count: 197)
        XCTAssertEqual(SequenceMatcher.fuzzRatio(PythonText.scalars("ab"), PythonText.scalars(b)), 1)
        // With 199 elements the heuristic is off.
        let short = "aaa" + String(repeating: "b", count: 196)
        XCTAssertEqual(SequenceMatcher.fuzzRatio(PythonText.scalars("ab"), PythonText.scalars(short)), 2)
    }

    func testCodeSimilarity() throws {
        XCTAssertEqual(try score(.codeSimilarity, "```python\n# comment\nx = foo(1, 2)\n", "x = foo(1, 2)"), 1)
        XCTAssertEqual(try score(.codeSimilarity, "abxd", "abcd"), 0.75)
        XCTAssertEqual(try score(.codeSimilarity, "# only comments", "abcd"), 0)
    }

    // MARK: Against the reference's numbers

    func testFuzzRatioMatchesReference() {
        for item in ReferenceMetricCases.fuzzRatio {
            XCTAssertEqual(SequenceMatcher.fuzzRatio(PythonText.scalars(item.a), PythonText.scalars(item.b)), item.ratio,
                           "\(item.a.debugDescription) vs \(item.b.debugDescription)")
        }
    }

    func testTextMetricsMatchReference() throws {
        for item in ReferenceMetricCases.textPairs {
            let label = "\(item.prediction.debugDescription) vs \(item.truth.debugDescription)"
            XCTAssertEqual(try score(.rouge, item.prediction, item.truth), item.rouge, label)
            XCTAssertEqual(try score(.qaF1, item.prediction, item.truth), item.qaF1, label)
        }
    }

    func testClassificationMatchesReference() throws {
        for item in ReferenceMetricCases.classification {
            XCTAssertEqual(try score(.classification, item.prediction, item.truth, classes: item.classes), item.score,
                           "\(item.prediction) / \(item.truth) / \(item.classes)")
        }
    }
}
