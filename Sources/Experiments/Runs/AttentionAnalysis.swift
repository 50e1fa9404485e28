import Extrapolation
import Foundation
import Transformer
import ModelFiles

/// The reference's attention analysis (`analysis_paper.ipynb`): attention logits or scores of a
/// text, averaged over heads and the chosen layers (`[batch, layer, head, q, k] → [q, k]`),
/// downsampled to a grid and drawn as a heatmap.
public enum AttentionAnalysis {
    /// One averaged map.
    public struct Map: Sendable {
        /// `logits` or `scores`.
        public var quantity: AttentionProbe.Quantity
        /// `values[query cell][key cell]`, NaN above the causal diagonal.
        public var values: [[Float]]
        /// Tokens analysed.
        public var length: Int
        /// Layers averaged (nil: all).
        public var layers: [Int]?
    }

    /// Runs `tokens` through a fresh session of `loaded` once per quantity with a probe attached.
    public static func maps(_ loaded: LoadedModel, tokens: [Int], quantities: [AttentionProbe.Quantity], layers: [Int]?,
                            resolution: Int, batchSize: Int = 512, progress: (Int, Int) -> Void = { _, _ in }) throws -> [Map] {
        guard tokens.count >= 2 else { throw RunError.invalidData("the analysis needs at least 2 tokens") }
        let layerCount = loaded.model.configuration.layerCount
        if let layers, let bad = layers.first(where: { $0 >= layerCount }) {
            throw RunError.invalidData("layer \(bad) does not exist; the model has layers 0...\(layerCount - 1)")
        }
        try loaded.checkFits(tokens: tokens.count)
        var maps: [Map] = []
        for (index, quantity) in quantities.enumerated() {
            let session = try loaded.makeSession(reserving: tokens.count, batchSize: batchSize)
            let probe = try AttentionProbe(quantity: quantity, layers: layers.map(Set.init), length: tokens.count, resolution: resolution)
            session.probe = probe
            var offset = 0
            while offset < tokens.count {
                let end = min(offset + batchSize, tokens.count)
                try session.append(Array(tokens[offset..<end]), logits: .none)
                offset = end
                progress(index * tokens.count + offset, quantities.count * tokens.count)
            }
            maps.append(Map(quantity: quantity, values: probe.matrix, length: tokens.count, layers: layers))
        }
        return maps
    }

    /// The heatmap of `map`: scores on a log₁₀ scale (they span many orders of magnitude),
    /// logits as they are; axes labelled in tokens.
    public static func heatmap(_ map: Map, title: String) -> Heatmap {
        let cells = map.values.count
        let values = map.values.map { row in
            row.map { value -> Double in
                guard value.isFinite else { return .nan }
                if map.quantity == .scores { return value > 0 ? log10(Double(value)) : .nan }
                return Double(value)
            }
        }
        let labels = (0..<cells).map { cell in TickLabelStyle.thousands.label(Double(cell * map.length / max(cells, 1)), step: 1) }
        let layerText = map.layers.map { "layers " + $0.map(String.init).joined(separator: ", ") } ?? "all layers"
        var heatmap = Heatmap(values: values, rowLabels: labels, columnLabels: labels,
                              title: "\(title): \(map.quantity.rawValue) (\(layerText), heads averaged)",
                              xLabel: "Key position (tokens)", yLabel: "Query position (tokens)",
                              colorBarLabel: map.quantity == .scores ? "log10 attention score" : "attention logit")
        heatmap.annotate = false
        return heatmap
    }

    /// The map as JSON (`{"quantity", "length", "layers", "values"}`, NaN as null).
    public static func json(_ map: Map) -> String {
        let rows = map.values.map { "[" + $0.map { JSONText.number(Double($0)) }.joined(separator: ",") + "]" }
        let layers = map.layers.map { "[" + $0.map(String.init).joined(separator: ",") + "]" } ?? "null"
        return "{\"quantity\": \(JSONText.string(map.quantity.rawValue)), \"length\": \(map.length), \"layers\": \(layers), \"values\": [\n"
            + rows.joined(separator: ",\n") + "\n]}\n"
    }
}
