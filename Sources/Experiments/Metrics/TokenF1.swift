/// Token-level F1 of two token lists (a multiset overlap), as in SQuAD and the reference's
/// `f1_score`.
enum TokenF1 {
    /// `2PR/(P+R)` over the multiset intersection; 0 when nothing is shared (including when
    /// either list is empty).
    static func score(prediction: [Scalars], groundTruth: [Scalars]) -> Double {
        var counts: [Scalars: Int] = [:]
        for token in groundTruth { counts[token, default: 0] += 1 }
        var shared = 0
        for token in prediction {
            if let count = counts[token], count > 0 {
                counts[token] = count - 1
                shared += 1
            }
        }
        guard shared > 0 else { return 0 }
        let precision = 1.0 * Double(shared) / Double(prediction.count)
        let recall = 1.0 * Double(shared) / Double(groundTruth.count)
        return (2 * precision * recall) / (precision + recall)
    }
}
