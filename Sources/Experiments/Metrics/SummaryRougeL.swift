/// ROUGE-L F as computed by the `rouge` Python package (1.0.1, `Rouge().get_scores(...)["rouge-l"]["f"]`),
/// which LongBench's `rouge_score` uses.
///
/// That package computes the *summary-level* ROUGE-L, not a plain LCS over the whole text:
/// * each text is split into "sentences" at every `.`; empty pieces are dropped, and each piece
///   has its whitespace collapsed (a piece of only spaces becomes one empty word);
/// * words are compared as sets (`exclusive=True`): `m` and `n` count *distinct* words of the
///   reference and the hypothesis;
/// * for every reference sentence and every hypothesis sentence, one LCS is reconstructed by the
///   package's backtracking rule and its *words* are added to one shared set; the overlap is the
///   size of that set;
/// * `R = overlap/m`, `P = overlap/n`, `F = 2·(P·R)/(P + R + 1e-8)` (β = 1 with an epsilon).
///
/// The package raises for a text with no sentences (empty, or only dots); LongBench catches that
/// and scores 0. (It also recurses once per LCS step, so in Python a sentence pair longer than
/// about a thousand words hits the recursion limit and scores 0; this implementation has no such
/// limit and scores it.)
enum SummaryRougeL {
    /// The F score, or nil where the package raises (no sentences on either side).
    static func fScore(hypothesis: Scalars, reference: Scalars) -> Double? {
        var vocabulary: [Scalars: Int] = [:]
        func ids(_ words: [Scalars]) -> [Int] {
            words.map { word in
                if let id = vocabulary[word] { return id }
                let id = vocabulary.count
                vocabulary[word] = id
                return id
            }
        }
        let hypothesisSentences = sentences(hypothesis).map(ids)
        let referenceSentences = sentences(reference).map(ids)
        guard !hypothesisSentences.isEmpty, !referenceSentences.isEmpty else { return nil }

        let m = Set(referenceSentences.joined()).count
        let n = Set(hypothesisSentences.joined()).count
        var union = Set<Int>()
        for referenceWords in referenceSentences {
            for hypothesisWords in hypothesisSentences {
                union.formUnion(lcsWords(referenceWords, hypothesisWords))
            }
        }
        let overlap = Double(union.count)
        let recall = overlap / Double(m)
        let precision = overlap / Double(n)
        return 2.0 * ((precision * recall) / (precision + recall + 1e-8))
    }

    /// The package's sentences: split at `.`, non-empty pieces, whitespace collapsed, then split
    /// at single spaces (so an all-space piece is one empty word).
    static func sentences(_ text: Scalars) -> [[Scalars]] {
        PythonText.split(text, separator: ["."]).filter { !$0.isEmpty }.map { piece in
            let words = PythonText.splitOnWhitespace(piece)
            return words.isEmpty ? [[]] : words
        }
    }

    /// The words of the LCS of `x` (reference) and `y` (hypothesis) that the package's
    /// reconstruction picks: from the end, take a match when the last items are equal, otherwise
    /// step back in `x` when that keeps a strictly longer LCS, else in `y`.
    static func lcsWords(_ x: [Int], _ y: [Int]) -> [Int] {
        let rows = x.count + 1
        let columns = y.count + 1
        var table = [Int32](repeating: 0, count: rows * columns)
        if !x.isEmpty && !y.isEmpty {
            for i in 1..<rows {
                for j in 1..<columns {
                    if x[i - 1] == y[j - 1] {
                        table[i * columns + j] = table[(i - 1) * columns + j - 1] + 1
                    } else {
                        table[i * columns + j] = max(table[(i - 1) * columns + j], table[i * columns + j - 1])
                    }
                }
            }
        }
        var words: [Int] = []
        var i = x.count
        var j = y.count
        while i > 0 && j > 0 {
            if x[i - 1] == y[j - 1] {
                words.append(x[i - 1])
                i -= 1
                j -= 1
            } else if table[(i - 1) * columns + j] > table[i * columns + j - 1] {
                i -= 1
            } else {
                j -= 1
            }
        }
        return words
    }
}
